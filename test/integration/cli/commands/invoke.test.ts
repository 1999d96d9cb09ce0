// `lambdash invoke` on a function deployed to a local cloud (and on a local container): the
// payload from each place it can come from, the log and timeline, function errors, bad input,
// the engine going away after a container's answer.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startLocalCloud } from '../../../../src/localcloud/index.js';
import { testDocker } from '../../../support/docker.js';
import { startDockerProxy } from '../../../support/docker-proxy.js';
import { containerExists } from '../../../support/images.js';
import {
  errorOf,
  jsonOf,
  lambdash,
  projectFixture,
  removeImages,
  tempDir,
  uniqueName,
  writeProject,
} from '../run-cli.js';

const name = uniqueName('invoke');
const fx = projectFixture([{ name }], { deploy: [name] });

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash invoke', { timeout: 120_000 }, () => {
  it('prints the result of a payload given as the argument', async () => {
    const result = await lambdash(['invoke', name, '{"name": "Ada"}', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{\n  "message": "Hello, Ada!",\n  "stage": "local"\n}\n');
    expect(result.stderr).toMatch(/^request [0-9a-f-]{36} answered in \d+(\.\d+)? m?s$/m);
  });

  it('reads the payload from --file, @file and stdin', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'payload.json');
    writeFileSync(file, '{"name": "File"}');
    const message = async (args: string[], input?: string) => {
      const result = await lambdash(['invoke', name, ...args, '--json', ...fx.endpoint], {
        cwd: fx.project,
        ...(input !== undefined ? { input } : {}),
      });
      expect(result.code).toBe(0);
      return (jsonOf(result) as { result: { message: string } }).result.message;
    };
    expect(await message(['--file', file])).toBe('Hello, File!');
    expect(await message([`@${file}`])).toBe('Hello, File!');
    expect(await message([], '{"name": "Pipe"}')).toBe('Hello, Pipe!');
    expect(await message(['-'], '{"name": "Dash"}')).toBe('Hello, Dash!');
    expect(await message([])).toBe('Hello, world!');
  });

  it('--json --log gives the result, the log and a timeline that adds up to the total', async () => {
    const result = await lambdash(['invoke', name, '{}', '--json', '--log', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    const out = jsonOf(result) as {
      result: unknown;
      requestId: string;
      log: { requestId: string; lines: string[]; report: { durationMs: number } };
      timeline: { totalMs: number; segments: { lengthMs: number }[] };
    };
    expect(out.result).toEqual({ message: 'Hello, world!', stage: 'local' });
    expect(out.log.requestId).toBe(out.requestId);
    expect(out.log.lines[0]).toBe(`START RequestId: ${out.requestId} Version: $LATEST`);
    expect(out.log.lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${out.requestId}\\t`));
    const sum = out.timeline.segments.reduce((total, segment) => total + segment.lengthMs, 0);
    expect(sum).toBeCloseTo(out.timeline.totalMs, 6);
  });

  it('--log prints the log lines and the timeline as bars after the result', async () => {
    const result = await lambdash(['invoke', name, '{}', '--log', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '{',
      '  "message": "Hello, world!",',
      '  "stage": "local"',
      '}',
    ]);
    expect(lines[5]).toMatch(/^START RequestId: /);
    expect(lines.some((line) => /^REPORT RequestId: /.test(line))).toBe(true);
    const total = lines.at(-1)!;
    expect(total).toMatch(/^total +─+ +[\d.]+ ms$/);
    expect(total).toHaveLength(80);
    expect(lines.some((line) => /^handler +.*█.* [\d.]+ ms$/.test(line))).toBe(true);
  });

  it('sends an event made from a template', async () => {
    const result = await lambdash(['invoke', name, '--event', 'sqs', '--json', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    expect((jsonOf(result) as { result: unknown }).result).toEqual({
      message: 'Hello, world!',
      stage: 'local',
    });
  });

  it('invokes a local container of the image with --container', async () => {
    const result = await lambdash(['invoke', name, '{"name": "Box"}', '--container', '--json'], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    expect((jsonOf(result) as { result: unknown }).result).toEqual({
      message: 'Hello, Box!',
      stage: 'local',
    });
  });

  // The engine cut off (through a proxy) as the command stops the container it started, after
  // the answer came: the answer decides the exit code; the container goes with the next command.
  it.each([
    { what: 'an answer', payload: '{"name": "Cut"}', code: 0, stdout: /"message": "Hello, Cut!"/ },
    { what: 'a function error', payload: '{"fail": true}', code: 5, stdout: /^$/ },
  ])(
    '--container with the engine gone after $what exits as for it; the next command removes the container',
    async ({ payload, code, stdout }) => {
      const proxy = await startDockerProxy({
        onRequest: (line) => {
          if (/^POST (\/v[\d.]+)?\/containers\/[0-9a-f]+\/stop/.test(line)) void proxy.kill();
        },
      });
      let container = '';
      try {
        const result = await lambdash(['invoke', name, payload, '--container'], {
          cwd: fx.project,
          env: { DOCKER_HOST: proxy.host },
        });
        expect(result.code, result.stderr).toBe(code);
        expect(result.stdout).toMatch(stdout);
        const warning = new RegExp(
          `^warning: Could not stop the container ([0-9a-f]{64}): no Docker engine answers at ${proxy.host}\\. The container \\S+ is removed by the next lambdash command that reaches the Docker engine\\.$`,
          'm',
        );
        container = warning.exec(result.stderr)?.[1] ?? '';
        expect(container, result.stderr).not.toBe('');
        // The stop never reached the engine: the container was left running. Any lambdash
        // process may remove it from here on (other test files run some); this file's next does.
        expect((await lambdash(['ls', '--no-aws', '-q'], { cwd: fx.project })).code).toBe(0);
        await vi.waitFor(async () => expect(await containerExists(container)).toBe(false), {
          timeout: 60_000,
          interval: 100,
        });
      } finally {
        await proxy.kill();
        if (container)
          await testDocker()
            .getContainer(container)
            .remove({ force: true })
            .catch(() => undefined);
      }
    },
  );

  it('a function error exits 5 with its type, message and stack', async () => {
    const result = await lambdash(['invoke', name, '{"fail": true}', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    const at = lines.indexOf(`error: ${name} failed: TypeError: asked to fail`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/^ {4}at .*handler/);
    const json = await lambdash(['invoke', name, '{"fail": true}', '--json', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(json.code).toBe(5);
    expect(jsonOf(json)).toMatchObject({
      error: { code: 'FUNCTION_ERROR', errorType: 'TypeError', errorMessage: 'asked to fail' },
    });
  });

  it('refuses invalid JSON with its position, and an unreadable file, with exit 2', async () => {
    const bad = await lambdash(['invoke', name, '{"name": "Ada",}', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(
      'error: The payload in the argument is not JSON: line 1, column 16: JSON allows no comma before }.',
    );
    const piped = await lambdash(['invoke', name, ...fx.endpoint], {
      cwd: fx.project,
      input: '{\n  "a": 1\n  "b": 2\n}',
    });
    expect(piped.code).toBe(2);
    expect(piped.stderr.split('\n')[0]).toBe(
      'error: The payload in stdin is not JSON: line 3, column 3: a comma is expected.',
    );
    const missing = path.join(tempDir(), 'none.json');
    const file = await lambdash(['invoke', name, '--file', missing, ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(file.code).toBe(2);
    expect(file.stderr.split('\n')[0]).toBe(`error: There is no payload file at ${missing}.`);
  });

  it('invokes a function deployed before the local cloud started again (a new registry port)', async () => {
    const dataDir = tempDir();
    const restarted = uniqueName('restart');
    const dir = writeProject([{ name: restarted }]);
    const first = await startLocalCloud({ port: 0, dataDir });
    try {
      const deployed = await lambdash(
        ['deploy', restarted, '--no-test', '-q', '--endpoint', first.endpoint],
        {
          cwd: dir,
        },
      );
      expect(deployed.code).toBe(0);
    } finally {
      await first.stop();
    }
    const second = await startLocalCloud({ port: 0, dataDir });
    try {
      const result = await lambdash(
        ['invoke', restarted, '{"name": "Again"}', '--json', '--endpoint', second.endpoint],
        {
          cwd: dir,
        },
      );
      expect(result.code).toBe(0);
      expect((jsonOf(result) as { result: unknown }).result).toEqual({
        message: 'Hello, Again!',
        stage: 'local',
      });
    } finally {
      await second.stop();
      await removeImages([restarted]);
    }
  }, 120_000);

  it('a function that does not exist exits 3', async () => {
    const result = await lambdash(['invoke', `${name}-none`, '{}', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(3);
    expect(errorOf(result)[0]).toBe(`error: There is no Lambda function ${name}-none.`);
  });
});
