// `lambdash new`: each template scaffolded and added to lambdash.json, and the refusals that
// leave everything as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, lambdash, removeTemps, tempDir } from '../run-cli.js';

afterAll(removeTemps);

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('lambdash new', () => {
  it('scaffolds the default template and creates lambdash.json', async () => {
    const cwd = tempDir();
    const result = await lambdash(['new', 'hello'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'created hello/handler.ts, hello/test-data.json',
      'created lambdash.json',
      '',
      'Next:',
      '  lambdash build hello    # its container image, tested with its test-data.json',
      '  lambdash deploy hello   # pushed to ECR and run as a Lambda function, tested again',
      `  lambdash invoke hello '{"name": "Ada"}'`,
      '',
    ]);
    expect(readJson(path.join(cwd, 'lambdash.json'))).toEqual({
      responders: [{ name: 'hello', source: 'hello/handler.ts', testData: 'hello/test-data.json' }],
    });
    expect(readFileSync(path.join(cwd, 'hello', 'handler.ts'), 'utf8')).toMatch(
      /^\/\/ hello: a function for plain events/,
    );
    expect(readJson(path.join(cwd, 'hello', 'test-data.json'))).toEqual({
      payload: { name: 'Ada', language: 'fr' },
      expected: { message: 'Bonjour, Ada!' },
    });
  });

  it('adds to the project above, with --json, for each template', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'lambdash.json'), '{\n  "responders": []\n}\n');
    mkdirSync(path.join(cwd, 'src'));
    const web = await lambdash(['new', 'web', '--template', 'http-api', '--json'], {
      cwd: path.join(cwd, 'src'),
    });
    expect(web.code).toBe(0);
    expect(jsonOf(web)).toEqual({
      name: 'web',
      template: 'http-api',
      dir: path.join(cwd, 'web'),
      files: [path.join(cwd, 'web', 'handler.ts'), path.join(cwd, 'web', 'test-data.json')],
      projectFile: path.join(cwd, 'lambdash.json'),
      projectCreated: false,
    });
    const js = await lambdash(['new', 'js-fn', '-t', 'javascript', '--dir', 'functions/js'], {
      cwd,
    });
    expect(js.code).toBe(0);
    expect(readdirSync(path.join(cwd, 'functions', 'js')).sort()).toEqual([
      'handler.mjs',
      'test-data.json',
    ]);
    expect(readJson(path.join(cwd, 'lambdash.json'))).toEqual({
      responders: [
        { name: 'web', source: 'web/handler.ts', testData: 'web/test-data.json' },
        {
          name: 'js-fn',
          source: 'functions/js/handler.mjs',
          testData: 'functions/js/test-data.json',
        },
      ],
    });
  });

  it('--project names the folder of the project file', async () => {
    const cwd = tempDir();
    const result = await lambdash(['--project', 'app', 'new', 'api'], { cwd });
    expect(result.code).toBe(0);
    expect(readJson(path.join(cwd, 'app', 'lambdash.json'))).toEqual({
      responders: [{ name: 'api', source: 'api/handler.ts', testData: 'api/test-data.json' }],
    });
  });

  it('refuses a bad name, a taken name, a non-empty folder and an unknown template, writing nothing', async () => {
    const cwd = tempDir();
    await lambdash(['new', 'hello'], { cwd });
    const before = readFileSync(path.join(cwd, 'lambdash.json'), 'utf8');
    mkdirSync(path.join(cwd, 'busy'));
    writeFileSync(path.join(cwd, 'busy', 'keep.txt'), 'mine');

    const bad = await lambdash(['new', 'Hello World'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('error: "Hello World" cannot name a responder.');
    const taken = await lambdash(['new', 'hello', '--json'], { cwd });
    expect(taken.code).toBe(2);
    expect(jsonOf(taken)).toEqual({
      error: {
        code: 'INVALID_OPTION',
        message: 'The project already has a responder named "hello".',
        hint: 'Choose another name.',
      },
    });
    const busy = await lambdash(['new', 'busy'], { cwd });
    expect(busy.code).toBe(2);
    expect(busy.stderr.split('\n')[0]).toBe(
      `error: ${path.join(cwd, 'busy')} already exists and is not empty.`,
    );
    const template = await lambdash(['new', 'other', '-t', 'python'], { cwd });
    expect(template.code).toBe(2);
    expect(template.stderr.split('\n')[0]).toBe(
      "error: option '-t, --template <template>' argument 'python' is invalid. Allowed choices are event, http-api, javascript.",
    );

    expect(readFileSync(path.join(cwd, 'lambdash.json'), 'utf8')).toBe(before);
    expect(readdirSync(cwd).sort()).toEqual(['busy', 'hello', 'lambdash.json']);
    expect(readdirSync(path.join(cwd, 'busy'))).toEqual(['keep.txt']);
  });

  it('refuses to add to a project file that fails validation, with its line and column', async () => {
    const cwd = tempDir();
    const broken =
      '{\n  "responders": [\n    { "name": "a1", "source": "x.ts", "memorySize": 64 }\n  ]\n}\n';
    writeFileSync(path.join(cwd, 'lambdash.json'), broken);
    const result = await lambdash(['new', 'hello'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      'error: lambdash.json is not a valid project file:',
      '  lambdash.json:3:53: responders[0].memorySize must be a whole number from 128 to 10240, not 64',
    ]);
    expect(readFileSync(path.join(cwd, 'lambdash.json'), 'utf8')).toBe(broken);
    expect(existsSync(path.join(cwd, 'hello'))).toBe(false);
  });
});
