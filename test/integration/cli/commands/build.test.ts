// `lambdash build` through the binary and the real Docker engine: images tested with the
// project's test data, a failed test keeping the previous image, paths without a project,
// several responders with one failing (all built, all reported), npm workspaces, and the
// refusals.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLocalImage } from '../../../../src/core/images/local-image-queries.js';
import {
  errorOf,
  jsonOf,
  lambdash,
  removeImages,
  removeTemps,
  tempDir,
  uniqueName,
  writeProject,
} from '../run-cli.js';

const name = uniqueName('build');
const loose = uniqueName('loose');
const first = uniqueName('first');
const failing = uniqueName('failing');
const last = uniqueName('last');
const member = uniqueName('member');
let project: string;

beforeAll(() => {
  project = writeProject([{ name, entry: { labels: { team: 'cli' } } }]);
});
afterAll(async () => {
  await removeImages([name, loose, first, failing, last, member]);
  removeTemps();
});

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash build', { timeout: 120_000 }, () => {
  it('builds and tests the project responder, reporting the image as JSON', async () => {
    const result = await lambdash(['build', name, '--json'], { cwd: project });
    expect(result.code).toBe(0);
    const image = await getLocalImage(name);
    expect(jsonOf(result)).toEqual([
      {
        name,
        ok: true,
        image: JSON.parse(JSON.stringify(image)),
        tested: true,
      },
    ]);
    expect(image.ref).toBe(`${name}:latest`);
    expect(image.labels.team).toBe('cli');
    expect(image.responder?.source).toBe(path.join(project, name, 'handler.ts'));
    const stderr = result.stderr.split('\n');
    expect(stderr).toContain(`building ${name} from ${path.join(project, name, 'handler.ts')}`);
    expect(stderr).toContain('build: [6/6] Testing the image');
    expect(stderr.filter((line) => /^test passed in \d+ ms$/.test(line))).toHaveLength(1);
  });

  it('prints a table without --json, and builds every responder without names', async () => {
    const result = await lambdash(['build', '-q'], { cwd: project });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESPONDER +IMAGE +ID +SIZE +TESTED$/);
    expect(lines[1]).toMatch(new RegExp(`^${name} +${name}:latest +[0-9a-f]{12} +\\d+ MB +yes$`));
    expect(lines).toHaveLength(2);
  });

  it('a failed test exits 4, says how the answer differs and keeps the previous image', async () => {
    const before = await getLocalImage(name);
    const file = path.join(project, 'lambdash.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"message": "Hello, Ada!"', '"message": "Hi, Ada!"'));
    writeFileSync(path.join(project, name, 'extra.txt'), 'not part of the image');
    try {
      const result = await lambdash(['build', name], { cwd: project });
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        'error: The image answered differently than the test data expects:\n(- expected, + actual)\n',
      );
      expect(result.stderr).toContain('-   "message": "Hi, Ada!",\n+   "message": "Hello, Ada!",');
      expect(result.stderr).toContain(
        'hint: Fix the handler or the expected value; the image was not kept.',
      );
      expect((await getLocalImage(name)).id).toBe(before.id);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('--no-test builds without running the test', async () => {
    const result = await lambdash(['build', name, '--no-test', '--json'], { cwd: project });
    expect(result.code).toBe(0);
    expect((jsonOf(result) as { tested: boolean }[])[0]!.tested).toBe(false);
    expect(result.stderr).not.toContain('Testing the image');
  });

  it('builds a path with no project around it', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, `${loose}.ts`),
      'export const main = async () => ({ ok: true });\n',
    );
    const result = await lambdash(['build', `./${loose}.ts`, '--handler', 'main', '--json'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const [built] = jsonOf(result) as { name: string; image: { ref: string }; tested: boolean }[];
    expect(built).toMatchObject({ name: loose, image: { ref: `${loose}:latest` }, tested: false });
    expect((await getLocalImage(loose)).responder?.handler).toBe('index.main');
  });

  it('builds every responder when one fails, and reports each (exit code: the worst)', async () => {
    // The middle one has a type error: the ones after it are built all the same.
    const dir = writeProject([
      { name: first },
      {
        name: failing,
        code: 'export const handler = async () => {\n  const n: number = "x";\n  return n;\n};\n',
      },
      { name: last },
    ]);
    const json = await lambdash(['build', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    const outcomes = jsonOf(json) as {
      name: string;
      ok: boolean;
      image?: { id: string };
      error?: { code: string; message: string; hint: string };
    }[];
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([
      [first, true],
      [failing, false],
      [last, true],
    ]);
    expect(outcomes[1]!.error).toMatchObject({
      code: 'TYPECHECK_FAILED',
      message: expect.stringContaining("handler.ts:2:9: Type 'string' is not assignable"),
      hint: expect.stringContaining('`--no-typecheck`'),
    });
    expect((await getLocalImage(first)).id).toBe(outcomes[0]!.image!.id);
    expect((await getLocalImage(last)).id).toBe(outcomes[2]!.image!.id);
    await expect(getLocalImage(failing)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });

    // Without --json: a table of all three, and the failure's error and hint, named.
    const text = await lambdash(['build', '-q'], { cwd: dir });
    expect(text.code).toBe(1);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${first} +${first}:latest +[0-9a-f]{12} +\\d+ MB +yes$`));
    expect(lines[2]).toMatch(new RegExp(`^${failing} +- +- +- +FAILED$`));
    expect(lines[3]).toMatch(new RegExp(`^${last} +${last}:latest `));
    expect(text.stderr).toMatch(new RegExp(`^error: ${failing}: Type errors in `, 'm'));
    expect(text.stderr).toMatch(/^hint: Fix the types at the places shown/m);

    // --no-typecheck builds it (esbuild only strips the types).
    const unchecked = await lambdash(['build', failing, '--no-typecheck', '--no-test', '-q'], {
      cwd: dir,
    });
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect((await getLocalImage(failing)).ref).toBe(`${failing}:latest`);
    // So does the project's `"typecheck": false`.
    const file = path.join(dir, 'lambdash.json');
    const project = JSON.parse(readFileSync(file, 'utf8')) as {
      responders: { name: string; typecheck?: boolean }[];
    };
    project.responders.find((r) => r.name === failing)!.typecheck = false;
    writeFileSync(file, JSON.stringify(project));
    const unset = await lambdash(['build', failing, '--no-test', '-q'], { cwd: dir });
    expect(unset.code, unset.stderr).toBe(0);
  });

  it('builds a package of an npm workspace, its dependencies hoisted to the root', async () => {
    const root = tempDir();
    writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
    );
    const lib = path.join(root, 'node_modules', 'greeting-lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(
      path.join(lib, 'package.json'),
      JSON.stringify({ name: 'greeting-lib', version: '1.2.3', main: 'index.js' }),
    );
    writeFileSync(path.join(lib, 'index.js'), "exports.greet = (name) => 'Hi ' + name;\n");
    const pkg = path.join(root, 'packages', member);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: member,
        version: '1.0.0',
        main: 'index.mjs',
        dependencies: { 'greeting-lib': '^1.2.0' },
      }),
    );
    writeFileSync(
      path.join(pkg, 'index.mjs'),
      "import { greet } from 'greeting-lib';\nexport const handler = async () => ({ message: greet('workspace') });\n",
    );
    writeFileSync(
      path.join(root, 'lambdash.json'),
      JSON.stringify({
        responders: [
          {
            name: member,
            source: `packages/${member}`,
            testData: { payload: {}, expected: { message: 'Hi workspace' } },
          },
        ],
      }),
    );
    const built = await lambdash(['build', member, '--json'], { cwd: root });
    expect(built.code, built.stderr).toBe(0);
    expect(jsonOf(built)).toMatchObject([{ name: member, ok: true, tested: true }]);

    // Not installed: the hint names the workspace's root, where npm installs them.
    rmSync(lib, { recursive: true });
    const missing = await lambdash(['build', `./packages/${member}`], { cwd: root });
    expect(missing.code).toBe(1);
    expect(errorOf(missing)).toEqual([
      `error: The dependencies of ${pkg} are not installed: greeting-lib is in no node_modules of that folder or a folder above it.`,
      `hint: Install them: cd ${root} && npm install (the root of the workspace ${pkg} belongs to)`,
      '',
    ]);
  });

  it('a type error fails the build with its file, line and column', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, `${loose}.ts`),
      'export const handler = async () => {\n  const n: number = "x";\n  return n;\n};\n',
    );
    const result = await lambdash(['build', `${loose}.ts`], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `error: .*\\n.*${loose}\\.ts:2:9: Type 'string' is not assignable to type 'number'\\.`,
      ),
    );
  });

  it('an unknown responder exits 3 with the nearest name', async () => {
    const result = await lambdash(['build', `${name}x`], { cwd: project });
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')).toEqual([
      `error: lambdash.json has no responder named "${name}x".`,
      `hint: Did you mean "${name}"?`,
      '',
    ]);
  });

  it('without names and without a project, says how to start one (exit 3)', async () => {
    const dir = tempDir();
    const result = await lambdash(['build'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toBe(
      `error: There is no lambdash.json in ${dir} or a folder above it.`,
    );
  });

  it('a project file that fails validation exits 2 with line and column, building nothing', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'lambdash.json'),
      '{\n  "responders": [\n    { "name": "ab", "source": "x.ts", }\n  ]\n}\n',
    );
    const result = await lambdash(['build', '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(jsonOf(result)).toEqual({
      error: {
        code: 'INVALID_PROJECT',
        message:
          'lambdash.json is not a valid project file:\n  lambdash.json:3:39: JSON allows no comma before }',
        hint: 'Fix the lines above; schema/lambdash.schema.json in lambdash describes every field (point "$schema" at it for help in your editor).',
      },
    });
  });

  describe('user input with control characters is shown escaped, never obeyed', () => {
    // ESC [2J clears a terminal; the newline would make a line of its own.
    const clear = 'a\u001b[2Jb\nc';
    const noControls = (text: string) => {
      expect(text).not.toContain('\u001b');
      expect(text).not.toContain('\r');
    };

    it('in a handler name given on the command line', async () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, `${loose}.ts`), 'export const handler = async () => 1;\n');
      const result = await lambdash(['build', `./${loose}.ts`, '--handler', clear], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')).toEqual([
        'error: "a\\x1b[2Jb\\nc" is not a valid handler export name.',
        'hint: Name an exported function, such as "handler", or a path through exported objects, such as "api.handler".',
        '',
      ]);
      noControls(result.stderr);
    });

    it("in the module's export names and the responder's name", async () => {
      const dir = tempDir();
      // Export names may be any string (`export { x as "..." }`).
      writeFileSync(
        path.join(dir, `${loose}.ts`),
        'const f = async () => 1;\nexport { f as "x\\u001b[31my\\nz" };\n',
      );
      const result = await lambdash(['build', `./${loose}.ts`, '--handler', 'nope'], {
        cwd: dir,
      });
      expect(result.code).toBe(3);
      expect(result.stderr.split('\n')[0]).toBe(
        `error: ${loose}.ts does not export "nope". Its exports: x\\x1b[31my\\nz.`,
      );
      noControls(result.stderr);
      const named = await lambdash(['build', JSON.parse(`"${loose}\\u001b[2J\\n"`)], {
        cwd: project,
      });
      expect(named.code).toBe(3);
      expect(named.stderr.split('\n')[0]).toBe(
        `error: lambdash.json has no responder named "${loose}\\x1b[2J\\n".`,
      );
      noControls(named.stderr);
    });
  });

  describe('--secret', () => {
    const HANDLER = `import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
try {
  const value = readFileSync('/run/secrets/token');
  console.log('warm-up read a secret of sha256 ' + createHash('sha256').update(value).digest('hex'));
} catch {}
export const handler = async () => 1;
`;

    it("hands the warm-up a variable of the caller's, and shows it nowhere", async () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, `${loose}.ts`), HANDLER);
      const value = `s3cret-${Date.now()}`;
      const digest = createHash('sha256').update(value).digest('hex');
      const result = await lambdash(
        [
          'build',
          `./${loose}.ts`,
          '--secret',
          'id=token,env=LAMBDASH_TEST_TOKEN',
          '--warmup',
          '--no-cache',
          '--verbose',
        ],
        { cwd: dir, env: { LAMBDASH_TEST_TOKEN: value } },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`warm-up read a secret of sha256 ${digest}`);
      expect(result.stderr + result.stdout).not.toContain(value);
    });

    it('refuses a secret it cannot read before building (exit 2)', async () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, `${loose}.ts`), HANDLER);
      const unset = await lambdash(
        ['build', `./${loose}.ts`, '--secret', 'id=token,env=LAMBDASH_UNSET'],
        {
          cwd: dir,
        },
      );
      expect(unset.code).toBe(2);
      expect(errorOf(unset)[0]).toBe(
        'error: The build secret "token" comes from the environment variable LAMBDASH_UNSET, which is not set.',
      );
      const value = await lambdash(['build', `./${loose}.ts`, '--secret', 'token=s3cret'], {
        cwd: dir,
      });
      expect(value.code).toBe(2);
      expect(errorOf(value)).toEqual([
        'error: --secret token=s3cret: "token=s3cret" is not id=, env=, src= or type=.',
        'hint: Give --secret id=<id>,env=<VARIABLE> or --secret id=<id>,src=<file>, as docker build takes it.',
        '',
      ]);
      expect(unset.stderr + value.stderr).not.toMatch(/^building /m);
    });
  });
});
