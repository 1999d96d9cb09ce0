// `lambdash test`: local images tested with the project's test data, given payloads, or a
// health invocation; failures exit 4 with the difference, a handler that cannot load fails,
// and every responder is tested and reported.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  jsonOf,
  lambdash,
  projectFixture,
  removeImages,
  tempDir,
  uniqueName,
  writeProject,
} from '../run-cli.js';

const name = uniqueName('test');
// Never built: its test cannot run.
const unbuilt = uniqueName('unbuilt');
const broken = uniqueName('broken');
const fx = projectFixture([{ name }, { name: unbuilt }], { build: [name], cloud: false });

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash test', { timeout: 120_000 }, () => {
  it('passes with the test data of lambdash.json', async () => {
    const result = await lambdash(['test', name], { cwd: fx.project });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^PASS {2}${name} \\(${name}:latest, test data\\) in \\d+ ms\\n$`),
    );
  });

  it('tests every responder and reports each as JSON, exiting with the worst code', async () => {
    const result = await lambdash(['test', '--json'], { cwd: fx.project });
    expect(result.code).toBe(3);
    const [outcome, missing] = jsonOf(result) as Record<string, unknown>[];
    expect(outcome).toEqual({
      name,
      ok: true,
      tested: 'local image',
      image: `${name}:latest`,
      passed: true,
      kind: 'test data',
      seconds: expect.any(Number),
      response: { message: 'Hello, Ada!', stage: 'local' },
    });
    expect(missing).toEqual({
      name: unbuilt,
      ok: false,
      error: {
        code: 'IMAGE_NOT_FOUND',
        message: `There is no local image ${unbuilt}:latest.`,
        hint: 'Build it first, or list the images lambdash made.',
      },
    });
    const text = await lambdash(['test'], { cwd: fx.project });
    expect(text.code).toBe(3);
    expect(text.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^PASS {2}${name} \\(${name}:latest, test data\\) in \\d+ ms$`),
      ),
      `ERROR ${unbuilt} (not tested)`,
      '',
    ]);
    expect(text.stderr).toContain(
      `error: ${unbuilt}: There is no local image ${unbuilt}:latest.\nhint: Build it first, or list the images lambdash made.\n`,
    );
  });

  it('a handler that cannot load fails its health check (exit 4), with its error', async () => {
    // As a package bundled without its native binary does: the module throws when loaded.
    const dir = tempDir();
    writeFileSync(
      path.join(dir, `${broken}.mjs`),
      "if (!process.env.NEVER_SET) throw new Error('cannot load: the native binary is missing');\nexport const handler = async () => ({ ok: true });\n",
    );
    try {
      const built = await lambdash(['build', `./${broken}.mjs`, '-q'], { cwd: dir });
      expect(built.code, built.stderr).toBe(0);
      const result = await lambdash(['test', broken], { cwd: dir });
      expect(result.code).toBe(4);
      expect(result.stdout.split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^FAIL {2}${broken} \\(${broken}:latest, health check with \\{\\}\\) in \\d+ ms$`,
          ),
        ),
        '      the function failed (Unhandled): Error: cannot load: the native binary is missing',
        '',
      ]);
      const json = await lambdash(['test', broken, '--json'], { cwd: dir });
      expect(json.code).toBe(4);
      expect(jsonOf(json)).toMatchObject([
        {
          name: broken,
          ok: false,
          error: { code: 'TEST_FAILED' },
          passed: false,
          kind: 'health',
          functionError: 'Unhandled',
          response: { errorType: 'Error' },
        },
      ]);
    } finally {
      await removeImages([broken]);
    }
  });

  it('fails with exit 4 and the difference for a payload and an answer that do not match', async () => {
    const result = await lambdash(
      [
        'test',
        name,
        '--payload',
        '{"name": "Bo"}',
        '--expected',
        '{"message": "Hello, Ada!", "stage": "local"}',
      ],
      { cwd: fx.project },
    );
    expect(result.code).toBe(4);
    expect(result.stdout.split('\n').slice(0, 6)).toEqual([
      expect.stringMatching(
        new RegExp(`^FAIL {2}${name} \\(${name}:latest, test data\\) in \\d+ ms$`),
      ),
      '      (- expected, + actual)',
      '        {',
      '      -   "message": "Hello, Ada!",',
      '      +   "message": "Hello, Bo!",',
      '          "stage": "local"',
    ]);
  });

  it('a function error fails the test with its answer', async () => {
    const result = await lambdash(
      ['test', name, '--payload', '{"fail": true}', '--expected', '{}', '--json'],
      {
        cwd: fx.project,
      },
    );
    expect(result.code).toBe(4);
    const [outcome] = jsonOf(result) as {
      passed: boolean;
      functionError: string;
      response: { errorType: string };
    }[];
    expect(outcome).toMatchObject({
      passed: false,
      functionError: 'Unhandled',
      response: { errorType: 'TypeError' },
    });
  });

  it('an image outside the project gets a health invocation', async () => {
    const result = await lambdash(['test', name], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^PASS {2}${name} \\(${name}:latest, health check with \\{\\}\\) in \\d+ ms\\n$`),
    );
  });

  it('warns when the image was built from older code', async () => {
    const dir = writeProject([{ name }]);
    writeFileSync(
      path.join(dir, name, 'handler.ts'),
      `// changed\n${'export const handler = async () => ({});\n'}`,
    );
    const result = await lambdash(['test', name, '--json'], { cwd: dir });
    expect(result.stderr).toContain(
      `warning: ${name}:latest was built from older code: \`lambdash build ${name}\` to test the current code.`,
    );
  });

  it('refuses bad input with exit 2 and a missing image with exit 3', async () => {
    const json = await lambdash(['test', name, '--payload', '{"name": }', '--expected', '{}'], {
      cwd: fx.project,
    });
    expect(json.code).toBe(2);
    expect(json.stderr.split('\n')[0]).toBe(
      'error: The payload in --payload is not JSON: line 1, column 10: a value is expected.',
    );
    const alone = await lambdash(['test', name, '--payload', '{}'], { cwd: fx.project });
    expect(alone.code).toBe(2);
    expect(alone.stderr.split('\n')[0]).toBe('error: --payload and --expected go together.');
    const missing = await lambdash(['test', `${name}-none`], { cwd: tempDir() });
    expect(missing.code).toBe(3);
    expect(missing.stderr.split('\n')[0]).toBe(
      `error: There is no local image ${name}-none:latest.`,
    );
  });
});
