// The Emulator class with runtimes that misbehave in ways lambdash's own does not: one that
// cannot be spawned at first, and one that reports a failed init but never exits. Either
// must leave the emulator able to serve the next invocation with a fresh runtime.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Emulator, type FunctionConfig } from '../../../runtime/emulator/emulator.js';
import { bootstrapPath, handlersDir } from '../../support/paths.js';

const taskRoot = path.join(handlersDir, 'emulator');
const config: FunctionConfig = {
  handler: 'app.echo',
  taskRoot,
  functionName: 'emulated',
  timeoutSeconds: 30,
  memorySizeMb: 256,
  region: 'us-east-1',
  environment: {},
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function emulator(runtimeCommand: readonly string[]): { emulator: Emulator; log: () => string } {
  let log = '';
  const instance = new Emulator({
    config,
    runtimeCommand,
    log: (text) => {
      log += text;
    },
  });
  cleanups.push(() => instance.close());
  return { emulator: instance, log: () => log };
}

const json = (body: unknown) => JSON.parse((body as Buffer).toString()) as unknown;

describe('Emulator: a runtime that cannot be spawned', () => {
  it('answers Runtime.ExitError, then spawns afresh once the command exists', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-spawn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const node = path.join(dir, 'node');
    const { emulator: instance } = emulator([node, bootstrapPath]);

    const first = await instance.invoke(Buffer.from('{"n":1}'));
    await first.done;
    expect(first.errorType).toBe('Runtime.ExitError');
    expect(json(first.body)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/Error: Runtime failed to start: spawn .*ENOENT$/),
    });

    symlinkSync(process.execPath, node);
    const second = await instance.invoke(Buffer.from('{"n":2}'));
    await second.done;
    expect(second.functionError).toBeUndefined();
    expect(json(second.body)).toMatchObject({ echo: { n: 2 } });
  });
});

describe('Emulator: a runtime that reports a failed init and stays alive', () => {
  it('answers the init error, ends the invocation and shuts that runtime down', async () => {
    const script = path.join(taskRoot, 'init-error-runtime.mjs');
    const { emulator: instance, log } = emulator([process.execPath, script]);
    const pids = () => [...log().matchAll(/init-error runtime (\d+)/g)].map((m) => Number(m[1]));

    const first = await instance.invoke(Buffer.from('{}'));
    expect(first.functionError).toBe('Unhandled');
    expect(first.errorType).toBe('Runtime.Custom');
    expect(json(first.body)).toEqual({ errorType: 'Runtime.Custom', errorMessage: 'cannot start' });
    const report = await first.done;
    expect(report.log).toMatch(/^START RequestId: /);
    expect(report.log).toContain(`END RequestId: ${first.requestId}\n`);
    expect(pids()).toHaveLength(1);
    expect(isAlive(pids()[0]!)).toBe(false);

    // The queue moves on: the next invocation gets a runtime of its own.
    const second = await instance.invoke(Buffer.from('{}'));
    await second.done;
    expect(second.errorType).toBe('Runtime.Custom');
    expect(pids()).toHaveLength(2);
    expect(pids()[1]).not.toBe(pids()[0]);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
