// How often the emulator reads the runtime's peak memory from /proc: once per invocation,
// when the runtime asks for its next event (and before a kill), not several times over.
// node:fs is wrapped to count the reads; everything else goes to the real module.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Emulator } from '../../../runtime/emulator/emulator.js';
import { bootstrapPath, handlersDir } from '../../support/paths.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = vi.fn(actual.readFileSync);
  return { ...actual, default: { ...actual, readFileSync }, readFileSync };
});

const procReads = () =>
  vi.mocked(readFileSync).mock.calls.filter(([file]) => /^\/proc\/\d+\/status$/.test(String(file)))
    .length;

const emulator = new Emulator({
  config: {
    handler: 'app.echo',
    taskRoot: path.join(handlersDir, 'emulator'),
    functionName: 'memory',
    timeoutSeconds: 30,
    memorySizeMb: 256,
    region: 'us-east-1',
    environment: {},
  },
  runtimeCommand: [process.execPath, bootstrapPath],
  log: () => undefined,
});
afterAll(() => emulator.close());

describe('Emulator: peak memory', () => {
  it('is read from /proc once per warm invocation, and still reported', async () => {
    await (await emulator.invoke(Buffer.from('{"cold":true}'))).done;
    for (let i = 0; i < 3; i++) {
      const before = procReads();
      const outcome = await emulator.invoke(Buffer.from(`{"warm":${i}}`));
      const report = await outcome.done;
      expect(procReads() - before).toBe(1);
      // A Node.js process uses tens of megabytes: a real reading, not the floor of 1.
      expect(report.maxMemoryUsedMb).toBeGreaterThan(10);
    }
  });
});
