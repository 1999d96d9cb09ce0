// The warm-up run writes a V8 code cache beside a CommonJS handler; the runtime then loads the
// handler through it. A cache V8 refuses (another version, a damaged file) is ignored.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapPath, handlersDir } from '../../support/paths.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let dir: string;
let harness: RuntimeHarness | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-cache-'));
  cpSync(path.join(handlersDir, 'warmup', 'app.cjs'), path.join(dir, 'app.cjs'));
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function warmUp(event: unknown): ReturnType<typeof spawnSync> {
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
  return spawnSync(
    process.execPath,
    [bootstrapPath, 'app.handler', '--warmup', path.join(dir, 'event.json'), '--task-root', dir],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    },
  );
}

describe('code cache', () => {
  it('is written by a warm-up run that invoked the handler once', () => {
    const run = warmUp({ hello: 'warm' });
    expect(run.status).toBe(0);
    const cache = path.join(dir, 'app.cjs.v8cache');
    expect(existsSync(cache)).toBe(true);
    expect(statSync(cache).size).toBeGreaterThan(100);
    expect(run.stdout).toMatch(/REPORT RequestId: /);
    expect(`${run.stdout}${run.stderr}`).toMatch(/wrote a \d+-byte code cache/);
  });

  it('makes the runtime load the handler through vm.Script instead of require()', async () => {
    expect(warmUp({}).status).toBe(0);
    harness = await startRuntime({ handler: 'app.handler', taskRoot: dir });
    expect((await harness.invokeJson({ n: 1 })).body).toEqual({
      viaRequire: false,
      calls: 1,
      echo: { n: 1 },
    });
    expect((await harness.invokeJson({ n: 2 })).body).toEqual({
      viaRequire: false,
      calls: 2,
      echo: { n: 2 },
    });
  });

  it('is not used when there is none', async () => {
    harness = await startRuntime({ handler: 'app.handler', taskRoot: dir });
    expect((await harness.invokeJson({})).body).toMatchObject({ viaRequire: true });
  });

  it('is ignored when V8 refuses it, and the handler still loads', async () => {
    writeFileSync(path.join(dir, 'app.cjs.v8cache'), Buffer.from('not a code cache at all'));
    harness = await startRuntime({ handler: 'app.handler', taskRoot: dir });
    expect((await harness.invokeJson({ ok: true })).body).toEqual({
      viaRequire: false,
      calls: 1,
      echo: { ok: true },
    });
  });

  it('is skipped with a note for ES module handlers', () => {
    writeFileSync(path.join(dir, 'esm.mjs'), 'export const handler = async () => 1;\n');
    writeFileSync(path.join(dir, 'event.json'), '{}');
    const run = spawnSync(
      process.execPath,
      [bootstrapPath, 'esm.handler', '--warmup', path.join(dir, 'event.json'), '--task-root', dir],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/only CommonJS bundles carry a code cache/);
    expect(existsSync(path.join(dir, 'esm.mjs.v8cache'))).toBe(false);
  });

  it('refuses a warm-up event that is not JSON', () => {
    writeFileSync(path.join(dir, 'bad.json'), '{nope');
    const run = spawnSync(
      process.execPath,
      [bootstrapPath, 'app.handler', '--warmup', path.join(dir, 'bad.json'), '--task-root', dir],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--warmup needs a JSON event file/);
  });
});

describe('code cache and import()', () => {
  it.each([
    {
      file: 'app.cjs',
      source:
        "exports.handler = async () => ({ zlib: typeof (await import('node:zlib')).gzipSync });\n",
    },
    {
      file: 'app.mjs',
      source:
        "export const handler = async () => ({ zlib: typeof (await import('node:zlib')).gzipSync });\n",
    },
  ])(
    'a $file handler that imports node:zlib works after a warm-up, cold and warm',
    async ({ file, source }) => {
      rmSync(path.join(dir, 'app.cjs'));
      writeFileSync(path.join(dir, file), source);
      const run = warmUp({});
      expect(run.status).toBe(0);
      for (let start = 0; start < 2; start++) {
        harness = await startRuntime({ handler: 'app.handler', taskRoot: dir });
        for (let call = 0; call < 3; call++) {
          expect(await harness.invokeJson({})).toEqual({
            kind: 'response',
            errorType: undefined,
            body: { zlib: 'function' },
          });
        }
        await harness.stop();
        harness = undefined;
      }
    },
  );
});
