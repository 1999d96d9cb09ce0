// `bootstrap <handler> --warmup EVENT.json`: the image build's warm-up. One invocation with the
// event writes the code cache (the runtime does it, see code-cache-writer.ts); then a second
// runtime, started as every later one will be (loading the handler through that cache), runs
// the same event. A cache that makes the handler fail where it had succeeded is deleted, so a
// warm-up can cost an image its speed but never its correctness.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CACHE_SUFFIX } from '../code-cache.js';
import { parseHandlerName } from '../handler-loader.js';
import { Emulator, type FunctionConfig } from './emulator.js';

interface Failure {
  readonly errorType: string | undefined;
  readonly body: Buffer | string;
}

/** A handler error does not fail the warm-up: the functions that ran are in the cache anyway. */
export async function warmUp(config: FunctionConfig, entry: string, event: Buffer): Promise<void> {
  const writing = await invokeOnce(
    { ...config, environment: { ...config.environment, LAMBDASH_WRITE_CODE_CACHE: '1' } },
    entry,
    event,
  );
  if (writing) report('the handler failed', writing);
  const cache = cacheFileOf(config);
  if (!cache) return;
  const cached = await invokeOnce(config, entry, event);
  if (cached && !writing) {
    rmSync(cache, { force: true });
    report(
      'the handler failed when loaded through the code cache, so the cache was removed',
      cached,
    );
  }
}

async function invokeOnce(
  config: FunctionConfig,
  entry: string,
  event: Buffer,
): Promise<Failure | undefined> {
  const emulator = new Emulator({ config, runtimeCommand: [process.execPath, entry] });
  const outcome = await emulator.invoke(event);
  // Nobody reads a streamed answer here: it is dropped as it comes, or the handler would
  // stall on a full stream until its timeout.
  if (!Buffer.isBuffer(outcome.body)) outcome.body.resume();
  await outcome.done;
  // Settled by now unless the runtime died mid-stream, which its exit already reported.
  const streamError = await Promise.race([outcome.streamError, undefined]);
  await emulator.close();
  return outcome.functionError
    ? { errorType: outcome.errorType, body: Buffer.isBuffer(outcome.body) ? outcome.body : '' }
    : streamError;
}

/** The cache the runtime wrote beside the handler's file, if it wrote one. */
function cacheFileOf(config: FunctionConfig): string | undefined {
  const base = path.resolve(config.taskRoot, parseHandlerName(config.handler).modulePath);
  return ['.js', '.mjs', '.cjs']
    .map((extension) => base + extension + CACHE_SUFFIX)
    .find((file) => existsSync(file));
}

function report(what: string, failure: Failure): void {
  process.stderr.write(
    `lambdash warm-up: ${what} (${failure.errorType}): ${failure.body.toString()}\n`,
  );
}

/** The event file's bytes, which must be JSON. */
export function readWarmupEvent(file: string): Buffer {
  const event = readFileSync(file);
  JSON.parse(event.toString('utf8'));
  return event;
}
