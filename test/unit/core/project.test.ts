// The project file: finding it, its rules with line and column, edits that keep its layout,
// test data files, and the published JSON Schema agreeing with the checks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import {
  addResponder,
  findProjectFile,
  getProjectResponder,
  initProject,
  loadProject,
  loadTestData,
  type Project,
  ProjectFileError,
  parseProject,
  readProject,
  removeResponder,
  resolveSource,
} from '../../../src/core/project/project.js';
import { repoRoot } from '../../support/paths.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-project-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const FILE = '/work/app/lambdash.json';

/** The problems parseProject reports, as `line:column: message`. */
function problemsOf(text: string): string[] {
  try {
    parseProject(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return (error as ProjectFileError).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  return [];
}

describe('parseProject', () => {
  it('reads a minimal file with the defaults filled in', () => {
    const project = parseProject(
      '{ "responders": [ { "name": "hello", "source": "hello/handler.ts" } ] }',
      FILE,
    );
    expect(project).toEqual({
      file: FILE,
      dir: '/work/app',
      responders: [
        {
          name: 'hello',
          source: 'hello/handler.ts',
          handler: 'handler',
          labels: {},
          environment: {},
        },
      ],
    });
  });

  it('reads every field', () => {
    const responder = {
      name: 'orders_api',
      source: 'https://example.com/team/orders.git#v1',
      handler: 'api.handler',
      testData: { payload: { id: 1 }, expected: [1, null, 'x'], timeout: 10 },
      labels: { team: 'shop' },
      memorySize: 1024,
      timeout: 30,
      environment: { TABLE: 'orders', LOG_LEVEL: 'debug' },
      architecture: 'arm64',
    };
    const project = parseProject(
      JSON.stringify({
        $schema: 'x.json',
        responders: [responder, { name: 'b2', source: 'b', testData: 't.json' }],
      }),
      FILE,
    );
    // Plain objects, as a handler's answer is: deep equality (what a test compares) holds.
    expect(isDeepStrictEqual(project.responders[0]!.testData, responder.testData)).toBe(true);
    expect(project.responders).toEqual([
      responder,
      {
        name: 'b2',
        source: 'b',
        handler: 'handler',
        testData: 't.json',
        labels: {},
        environment: {},
      },
    ]);
  });

  it('reports a JSON syntax error with its line and column', () => {
    expect(problemsOf('{\n  "responders": [\n    { "name": "a" "source": "b" }\n  ]\n}')).toEqual([
      '3:19: a comma is expected',
    ]);
    expect(problemsOf('{ "responders": [], }')).toEqual(['1:21: JSON allows no comma before }']);
    expect(problemsOf('')).toEqual(['1:1: the text is empty']);
    expect(problemsOf('// hi\n{}')).toEqual(['1:1: JSON has no comments']);
  });

  it('reports every problem, each where it is', () => {
    const text = [
      '{',
      '  "responders": [',
      '    {',
      '      "name": "Hello World",',
      '      "source": "",',
      '      "memory": 512,',
      '      "memorySize": 64,',
      '      "timeout": 1.5,',
      '      "architecture": "x86",',
      '      "handler": "my-handler",',
      '      "labels": { "dev.lambdash.name": "x", "team": 3 },',
      '      "environment": { "1BAD": "x" },',
      '      "testData": { "payload": {} }',
      '    },',
      '    "oops",',
      '    { "source": "a.ts" }',
      '  ],',
      '  "respondrs": []',
      '}',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      '18:3: unknown property "respondrs" (did you mean "responders"?)',
      '6:7: responders[0]: unknown property "memory" (did you mean "memorySize"?)',
      '4:15: responders[0].name "Hello World" must be 2 to 64 lower-case letters and digits, with "-" or "_" between them (it names the image, the repository and the function)',
      '5:17: responders[0].source is empty',
      '10:18: responders[0].handler "my-handler" must name an export, such as "handler" or "api.handler"',
      '13:19: responders[0].testData has no "expected"',
      '11:19: responders[0].labels: The label "dev.lambdash.name" uses lambdash\'s own prefix "dev.lambdash.".',
      '11:53: responders[0].labels["team"] must be a string, not 3',
      '12:24: responders[0].environment: "1BAD" is not an environment variable name (a letter, then letters, digits or "_")',
      '7:21: responders[0].memorySize must be a whole number from 128 to 10240, not 64',
      '8:18: responders[0].timeout must be a whole number from 1 to 900, not 1.5',
      '9:23: responders[0].architecture must be "x86_64" or "arm64", not "x86"',
      '15:5: responders[1] must be an object: { "name": ..., "source": ... }',
      '16:5: responders[2] has no "name"',
    ]);
  });

  it('refuses a second responder of the same name, a missing list and a non-object', () => {
    expect(
      problemsOf('{"responders": [{"name": "ab", "source": "a"}, {"name": "ab", "source": "b"}]}'),
    ).toEqual(['1:57: responders[1].name "ab" is taken by responders[0]: names must be unique']);
    expect(problemsOf('{}')).toEqual([
      '1:1: the file needs a "responders" list: { "responders": [ ... ] }',
    ]);
    expect(problemsOf('{"responders": {}}')).toEqual([
      '1:16: "responders" must be a list: [ { "name": ..., "source": ... } ]',
    ]);
    expect(problemsOf('[]')).toEqual([
      '1:1: the file must hold one JSON object: { "responders": [ ... ] }',
    ]);
  });

  it('says in its message where each problem is, with a hint', () => {
    const error = (() => {
      try {
        parseProject('{"responders": [{"name": "ab"}]}', FILE);
      } catch (caught) {
        return caught as ProjectFileError;
      }
    })();
    expect(isLambdashError(error, 'INVALID_PROJECT')).toBe(true);
    expect(error?.message).toBe(
      `${FILE} is not a valid project file:\n  ${FILE}:1:17: responders[0] has no "source"`,
    );
    expect(error?.hint).toMatch(/^Fix the lines above; schema\/lambdash\.schema\.json/);
  });
});

describe('the published JSON Schema', () => {
  const schema = JSON.parse(
    readFileSync(path.join(repoRoot, 'schema', 'lambdash.schema.json'), 'utf8'),
  ) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const responder = { name: 'hello', source: 'hello/handler.ts' };
  const cases: [string, unknown][] = [
    ['minimal', { responders: [] }],
    ['one responder', { responders: [responder] }],
    ['$schema', { $schema: './x.json', responders: [responder] }],
    [
      'every field',
      {
        responders: [
          {
            ...responder,
            handler: 'a.b',
            testData: { payload: 1, expected: null, timeout: 900 },
            labels: { 'com.example/owner': 'me' },
            memorySize: 10240,
            timeout: 1,
            environment: { A_1: '' },
            architecture: 'x86_64',
            secrets: { npm_token: { env: 'NPM_TOKEN' }, 'ca.pem': { file: 'certs/ca.pem' } },
            externals: ['sharp', '@aws-sdk/client-s3'],
            typecheck: false,
          },
        ],
      },
    ],
    ['test data file', { responders: [{ ...responder, testData: 'data.json' }] }],
    ['no responders', {}],
    ['responders not a list', { responders: {} }],
    ['unknown root field', { responders: [], extra: 1 }],
    ['unknown responder field', { responders: [{ ...responder, memory: 1 }] }],
    ['no name', { responders: [{ source: 'a' }] }],
    ['no source', { responders: [{ name: 'ab' }] }],
    ['upper-case name', { responders: [{ ...responder, name: 'Hello' }] }],
    ['one-letter name', { responders: [{ ...responder, name: 'a' }] }],
    ['65-letter name', { responders: [{ ...responder, name: 'a'.repeat(65) }] }],
    ['64-letter name', { responders: [{ ...responder, name: 'a'.repeat(64) }] }],
    ['dotted name', { responders: [{ ...responder, name: 'a.b' }] }],
    ['empty source', { responders: [{ ...responder, source: '' }] }],
    ['bad handler', { responders: [{ ...responder, handler: 'a-b' }] }],
    ['memory too small', { responders: [{ ...responder, memorySize: 127 }] }],
    ['memory too large', { responders: [{ ...responder, memorySize: 10241 }] }],
    ['fractional timeout', { responders: [{ ...responder, timeout: 2.5 }] }],
    ['timeout too long', { responders: [{ ...responder, timeout: 901 }] }],
    ['bad architecture', { responders: [{ ...responder, architecture: 'arm' }] }],
    ['reserved label', { responders: [{ ...responder, labels: { 'dev.lambdash.x': 'y' } }] }],
    ['upper-case label', { responders: [{ ...responder, labels: { Team: 'y' } }] }],
    ['label with a newline', { responders: [{ ...responder, labels: { team: 'a\nb' } }] }],
    ['number label', { responders: [{ ...responder, labels: { team: 1 } }] }],
    ['bad environment name', { responders: [{ ...responder, environment: { 'A-B': 'x' } }] }],
    ['number environment', { responders: [{ ...responder, environment: { A: 1 } }] }],
    ['test data without expected', { responders: [{ ...responder, testData: { payload: 1 } }] }],
    [
      'test data with extra',
      { responders: [{ ...responder, testData: { payload: 1, expected: 1, x: 1 } }] },
    ],
    [
      'test data timeout 0',
      { responders: [{ ...responder, testData: { payload: 1, expected: 1, timeout: 0 } }] },
    ],
    ['empty test data path', { responders: [{ ...responder, testData: '' }] }],
    ['no secrets', { responders: [{ ...responder, secrets: {} }] }],
    ['a secret value', { responders: [{ ...responder, secrets: { token: 's3cret' } }] }],
    [
      'a secret of both',
      { responders: [{ ...responder, secrets: { t: { env: 'A', file: 'b' } } }] },
    ],
    ['a secret of neither', { responders: [{ ...responder, secrets: { t: {} } }] }],
    ['a secret from elsewhere', { responders: [{ ...responder, secrets: { t: { url: 'x' } } }] }],
    ['a bad secret id', { responders: [{ ...responder, secrets: { '-t': { env: 'A' } } }] }],
    ['a bad secret variable', { responders: [{ ...responder, secrets: { t: { env: 'A-B' } } }] }],
    ['an empty secret file', { responders: [{ ...responder, secrets: { t: { file: '' } } }] }],
    ['secrets not an object', { responders: [{ ...responder, secrets: ['t'] }] }],
    ['externals not a list', { responders: [{ ...responder, externals: 'sharp' }] }],
    ['an upper-case external', { responders: [{ ...responder, externals: ['Sharp'] }] }],
    ['a number external', { responders: [{ ...responder, externals: [3] }] }],
    ['an external twice', { responders: [{ ...responder, externals: ['sharp', 'sharp'] }] }],
    ['a 215-letter external', { responders: [{ ...responder, externals: ['a'.repeat(215)] }] }],
    ['typecheck not a boolean', { responders: [{ ...responder, typecheck: 'false' }] }],
    ['a list', []],
  ];

  it.each(cases)('agrees with the checks: %s', (_, document) => {
    const schemaSays = validate(document);
    const checksSay = problemsOf(JSON.stringify(document)).length === 0;
    expect(schemaSays).toBe(checksSay);
  });

  it('holds both kinds of case', () => {
    const valid = cases.filter(([, document]) => validate(document)).length;
    expect(valid).toBe(7);
  });
});

describe('finding and loading', () => {
  it('finds the nearest lambdash.json from a folder upwards, or none', async () => {
    const dir = tempDir();
    const deep = path.join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    expect(await findProjectFile(deep)).toBeUndefined();
    expect(await loadProject(deep)).toBeUndefined();
    writeFileSync(path.join(dir, 'lambdash.json'), '{"responders": []}');
    expect(await findProjectFile(deep)).toBe(path.join(dir, 'lambdash.json'));
    writeFileSync(
      path.join(dir, 'a', 'lambdash.json'),
      '{"responders": [{"name": "ab", "source": "x.ts"}]}',
    );
    const project = await loadProject(deep);
    expect(project?.file).toBe(path.join(dir, 'a', 'lambdash.json'));
    expect(project?.dir).toBe(path.join(dir, 'a'));
    expect(project?.responders.map((r) => r.name)).toEqual(['ab']);
  });

  it('readProject of a missing file says so', async () => {
    const file = path.join(tempDir(), 'lambdash.json');
    await expect(readProject(file)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `There is no file at ${file} (the project file).`,
    });
  });

  it('resolves sources: paths from the project folder, URLs as they are', () => {
    const project: Project = { file: FILE, dir: '/work/app', responders: [] };
    const of = (source: string) =>
      resolveSource(project, {
        name: 'ab',
        source,
        handler: 'handler',
        labels: {},
        environment: {},
      });
    expect(of('hello/handler.ts')).toBe('/work/app/hello/handler.ts');
    expect(of('../shared/fn')).toBe('/work/shared/fn');
    expect(of('/abs/fn.ts')).toBe('/abs/fn.ts');
    expect(of('https://example.com/a/b.git#main')).toBe('https://example.com/a/b.git#main');
    expect(of('git@example.com:a/b.git')).toBe('git@example.com:a/b.git');
    expect(of('vendor/fn.git#v1')).toBe('/work/app/vendor/fn.git#v1');
  });

  it('getProjectResponder names the responders there are', () => {
    const project = parseProject('{"responders": [{"name": "ab", "source": "x"}]}', FILE);
    expect(getProjectResponder(project, 'ab').source).toBe('x');
    expect(() => getProjectResponder(project, 'zz')).toThrow(
      expect.objectContaining({ code: 'RESPONDER_NOT_FOUND', hint: 'Its responders: ab.' }),
    );
  });
});

describe('editing', () => {
  it('initProject writes an empty project once', async () => {
    const dir = tempDir();
    const project = await initProject(dir);
    expect(project).toEqual({ file: path.join(dir, 'lambdash.json'), dir, responders: [] });
    expect(readFileSync(project.file, 'utf8')).toBe('{\n  "responders": []\n}\n');
    writeFileSync(project.file, '{"responders": [{"name": "ab", "source": "x"}]}');
    expect((await initProject(dir)).responders.map((r) => r.name)).toEqual(['ab']);
  });

  it('addResponder appends an entry without its defaults and keeps the rest of the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lambdash.json');
    const original = [
      '{',
      '    "$schema": "./schema.json",',
      '    "responders": [',
      '        { "name": "first", "source": "first.ts" }',
      '    ]',
      '}',
      '',
    ].join('\n');
    writeFileSync(file, original);
    const project = await readProject(file);
    const updated = await addResponder(project, {
      name: 'second',
      source: 'second/handler.ts',
      handler: 'handler',
      testData: 'second/test-data.json',
      labels: {},
      memorySize: 256,
    });
    expect(updated.responders.map((r) => r.name)).toEqual(['first', 'second']);
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '{',
        '    "$schema": "./schema.json",',
        '    "responders": [',
        '        { "name": "first", "source": "first.ts" },',
        '        {',
        '            "name": "second",',
        '            "source": "second/handler.ts",',
        '            "testData": "second/test-data.json",',
        '            "memorySize": 256',
        '        }',
        '    ]',
        '}',
        '',
      ].join('\n'),
    );
    const removed = await removeResponder(updated, 'second');
    expect(removed.responders.map((r) => r.name)).toEqual(['first']);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('refuses a taken name and a bad field, leaving the file as it was', async () => {
    const dir = tempDir();
    const project = await initProject(dir);
    await addResponder(project, { name: 'hello', source: 'hello.ts' });
    const before = readFileSync(project.file, 'utf8');
    await expect(
      addResponder(project, { name: 'hello', source: 'other.ts' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `${project.file} already has a responder named "hello".`,
    });
    await expect(
      addResponder(project, { name: 'Bad Name', source: 'x.ts', timeout: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `The responder cannot go into ${project.file}: the responder.name "Bad Name" must be 2 to 64 lower-case letters and digits, with "-" or "_" between them (it names the image, the repository and the function); the responder.timeout must be a whole number from 1 to 900, not 0.`,
    });
    await expect(removeResponder(project, 'nope')).rejects.toMatchObject({
      code: 'RESPONDER_NOT_FOUND',
    });
    expect(readFileSync(project.file, 'utf8')).toBe(before);
  });
});

describe('loadTestData', () => {
  it('returns inline data, reads a file, and points at the line of a bad one', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'fn'));
    writeFileSync(path.join(dir, 'fn', 'good.json'), '{"payload": {"a": 1}, "expected": "ok"}');
    writeFileSync(path.join(dir, 'fn', 'bad.json'), '{\n  "payload": {},\n  "expect": 1\n}');
    const project = parseProject(
      JSON.stringify({
        responders: [
          { name: 'inline', source: 'x', testData: { payload: 1, expected: 2 } },
          { name: 'good', source: 'x', testData: 'fn/good.json' },
          { name: 'bad', source: 'x', testData: 'fn/bad.json' },
          { name: 'missing', source: 'x', testData: 'fn/none.json' },
          { name: 'none', source: 'x' },
        ],
      }),
      path.join(dir, 'lambdash.json'),
    );
    const get = (name: string) => loadTestData(project, getProjectResponder(project, name));
    expect(await get('inline')).toEqual({ payload: 1, expected: 2 });
    expect(await get('good')).toEqual({ payload: { a: 1 }, expected: 'ok' });
    expect(await get('none')).toBeUndefined();
    const bad = path.join(dir, 'fn', 'bad.json');
    await expect(get('bad')).rejects.toMatchObject({
      message: `${bad} is not a valid JSON file:\n  ${bad}:3:3: the test data: unknown property "expect" (did you mean "expected"?)\n  ${bad}:1:1: the test data has no "expected"`,
    });
    await expect(get('missing')).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `There is no file at ${path.join(dir, 'fn', 'none.json')} (the test data of "missing").`,
    });
  });

  it('reads test data only from inside the project folder, symbolic links resolved', async () => {
    const root = tempDir();
    const dir = path.join(root, 'project');
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(path.join(dir, 'fn'), { recursive: true });
    mkdirSync(elsewhere);
    // Valid test data on both sides: only the rule tells them apart.
    const data = '{"payload": {"a": 1}, "expected": "ok"}';
    writeFileSync(path.join(elsewhere, 'data.json'), data);
    writeFileSync(path.join(dir, 'fn', 'data.json'), data);
    symlinkSync(path.join(elsewhere, 'data.json'), path.join(dir, 'fn', 'link-out.json'));
    symlinkSync(elsewhere, path.join(dir, 'dir-out'));
    symlinkSync(path.join(dir, 'fn', 'data.json'), path.join(dir, 'link-in.json'));
    const cases = {
      absoluteOutside: path.join(elsewhere, 'data.json'),
      shadow: '/etc/shadow',
      dotDot: '../elsewhere/data.json',
      dotDotBack: 'fn/../../elsewhere/data.json',
      linkOut: 'fn/link-out.json',
      folderLinkOut: 'dir-out/data.json',
      absoluteInside: path.join(dir, 'fn', 'data.json'),
      linkIn: 'link-in.json',
      dotDotInside: 'fn/../fn/data.json',
    };
    const project = parseProject(
      JSON.stringify({
        responders: Object.entries(cases).map(([name, testData]) => ({
          name: name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
          source: 'x',
          testData,
        })),
      }),
      path.join(dir, 'lambdash.json'),
    );
    const get = (name: string) => loadTestData(project, getProjectResponder(project, name));
    for (const name of [
      'absolute-outside',
      'dot-dot',
      'dot-dot-back',
      'link-out',
      'folder-link-out',
    ]) {
      await expect(get(name), name).rejects.toMatchObject({
        code: 'INVALID_PROJECT',
        message: expect.stringMatching(
          new RegExp(
            `\\(the test data of "${name}"\\) (is|leads to ${path.join(elsewhere, 'data.json')},) outside the project folder ${dir}: lambdash reads test data only from inside it\\.$`,
          ),
        ),
        hint: expect.stringMatching(
          `^Move the file into ${dir} \\(or a folder below it\\) and give its path relative to lambdash.json, such as "test/`,
        ),
      });
    }
    await expect(get('shadow')).rejects.toMatchObject({
      code: 'INVALID_PROJECT',
      message: `/etc/shadow (the test data of "shadow") is outside the project folder ${dir}: lambdash reads test data only from inside it.`,
    });
    for (const name of ['absolute-inside', 'link-in', 'dot-dot-inside']) {
      expect(await get(name), name).toEqual({ payload: { a: 1 }, expected: 'ok' });
    }
  });
});
