// Modules first loaded during an invocation: the runtime marks them, the warm-up lists them
// beside the handler, and the next runtime preloads them at init so no invocation loads any.
// Run through the emulator and read back from the log tail, as a deployed function's would be.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import { countLazyLoads, getLazyLoads } from '../../../src/core/logs/lazy-loads.js';
import { type EmulatorCli, startEmulatorCli } from '../../support/emulator-harness.js';
import { bootstrapPath } from '../../support/paths.js';

// Requires a built-in and a file of its own inside the handler, and says whether the file
// was already loaded (preloaded at init) when it was called.
const HANDLER = `
const path = require('node:path');
const helper = path.join(__dirname, 'lib', 'helper.cjs');
exports.handler = async (event) => {
  const preloaded = require.cache[helper] !== undefined;
  const zlib = require('node:zlib');
  const { twice } = require('./lib/helper.cjs');
  return { preloaded, gzipped: zlib.gzipSync('x').length > 0, twice: twice(event.n) };
};
`;
const QUIET_HANDLER = 'exports.handler = async (event) => ({ echo: event });\n';

let dir: string;
let emulator: EmulatorCli | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-loads-'));
  mkdirSync(path.join(dir, 'lib'));
  writeFileSync(path.join(dir, 'app.cjs'), HANDLER);
  writeFileSync(path.join(dir, 'lib', 'helper.cjs'), 'exports.twice = (n) => 2 * n;\n');
  writeFileSync(path.join(dir, 'event.json'), '{"n":1}');
});
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const preloadFile = () => path.join(dir, 'app.cjs.preload.json');

function warmUp(handler = 'app.handler'): ReturnType<typeof spawnSync> {
  return spawnSync(
    process.execPath,
    [bootstrapPath, handler, '--warmup', path.join(dir, 'event.json'), '--task-root', dir],
    { encoding: 'utf8', env: { PATH: process.env.PATH } },
  );
}

async function start(env: Record<string, string> = {}): Promise<EmulatorCli> {
  emulator = await startEmulatorCli({
    args: ['app.handler', '--task-root', dir, '--port', '0'],
    env,
  });
  return emulator;
}

/** Invokes with the log tail and reads it back as the library does. */
async function invoke(cli: EmulatorCli, n: number) {
  const answer = await cli.invoke(JSON.stringify({ n }), { 'X-Amz-Log-Type': 'Tail' });
  const tail = Buffer.from(answer.headers.get('x-amz-log-result') ?? '', 'base64').toString();
  const log = parseInvocationLog(tail, { source: 'tail' });
  expect(log.complete).toBe(true);
  return { body: answer.json, log };
}

describe('module loads', () => {
  it.each([
    { format: 'text', env: {} as Record<string, string> },
    { format: 'JSON', env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } },
  ])('are marked on the first invocation only ($format logs)', async ({ env }) => {
    const cli = await start(env);
    const first = await invoke(cli, 1);
    expect(first.body).toEqual({ preloaded: false, gzipped: true, twice: 2 });
    expect(getLazyLoads(first.log)).toEqual(['lib/helper.cjs', 'zlib']);
    // Written before response.posted, with the invocation's request id.
    const names = first.log.observations.map((mark) => mark.name);
    expect(names.slice(-3)).toEqual([
      'module.load lib/helper.cjs',
      'module.load zlib',
      'response.posted',
    ]);
    const second = await invoke(cli, 2);
    expect(second.body).toEqual({ preloaded: true, gzipped: true, twice: 4 });
    expect(countLazyLoads(second.log)).toBe(0);
    expect(second.log.observations.map((mark) => mark.name)).toEqual([
      'event.received',
      'handler.start',
      'handler.end',
      'response.posted',
    ]);
  });

  it('are listed by the warm-up and preloaded at init: none left after a good warm-up', async () => {
    const run = warmUp();
    expect(run.status).toBe(0);
    // The runtime's stderr reaches the emulator's output with the rest of the function's log.
    expect(`${run.stdout}${run.stderr}`).toContain(
      'lambdash warm-up: 2 module(s) loaded during the invocation will be preloaded at init: lib/helper.cjs, zlib\n',
    );
    expect(JSON.parse(readFileSync(preloadFile(), 'utf8'))).toEqual({
      builtins: ['zlib'],
      files: ['lib/helper.cjs'],
    });
    const cli = await start();
    const first = await invoke(cli, 3);
    expect(first.body).toEqual({ preloaded: true, gzipped: true, twice: 6 });
    expect(first.log.report?.initDurationMs).toBeGreaterThan(0);
    expect(countLazyLoads(first.log)).toBe(0);
  });

  it('leave no list when the warm-up loaded nothing, and remove a stale one', () => {
    writeFileSync(path.join(dir, 'app.cjs'), QUIET_HANDLER);
    writeFileSync(preloadFile(), '{"builtins":["zlib"],"files":[]}\n');
    const run = warmUp();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/REPORT RequestId: /);
    expect(`${run.stdout}${run.stderr}`).not.toContain('will be preloaded');
    expect(existsSync(preloadFile())).toBe(false);
  });

  it('skip preload entries that no longer load, and the handler still runs', async () => {
    writeFileSync(
      preloadFile(),
      '{"builtins":["no-such-builtin","zlib"],"files":["lib/gone.cjs","lib/helper.cjs"]}\n',
    );
    const cli = await start();
    const first = await invoke(cli, 5);
    expect(first.body).toEqual({ preloaded: true, gzipped: true, twice: 10 });
    expect(countLazyLoads(first.log)).toBe(0);
  });

  it('ignore a preload list that is not JSON', async () => {
    writeFileSync(preloadFile(), 'not json');
    const cli = await start();
    const first = await invoke(cli, 1);
    expect(first.body).toEqual({ preloaded: false, gzipped: true, twice: 2 });
    expect(getLazyLoads(first.log)).toEqual(['lib/helper.cjs', 'zlib']);
  });
});
