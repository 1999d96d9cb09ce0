// `lambdash test`: local images tested with the project's test data, given payloads, or a
// health invocation; failures exit 4 with the difference.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, lambdash, projectFixture, tempDir, uniqueName, writeProject } from '../run-cli.js';

const name = uniqueName('test');
const fx = projectFixture([{ name }], { build: [name], cloud: false });

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash test', { timeout: 120_000 }, () => {
  it('passes with the test data of lambdash.json', async () => {
    const result = await lambdash(['test', name], { cwd: fx.project });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^PASS {2}${name} \\(${name}:latest, test data\\) in \\d+ ms\\n$`),
    );
  });

  it('reports the outcome as JSON', async () => {
    const result = await lambdash(['test', '--json'], { cwd: fx.project });
    expect(result.code).toBe(0);
    const [outcome] = jsonOf(result) as Record<string, unknown>[];
    expect(outcome).toEqual({
      name,
      image: `${name}:latest`,
      passed: true,
      kind: 'test data',
      seconds: expect.any(Number),
      response: { message: 'Hello, Ada!', stage: 'local' },
    });
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
      new RegExp(
        `^PASS {2}${name} \\(${name}:latest, health check: the handler loaded\\) in \\d+ ms\\n$`,
      ),
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
