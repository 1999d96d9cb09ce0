// The runtime's start: patch the console, install the `awslambda` global, load the handler
// (reporting init failures once to /init/error), then run the loop.

import { CodeCacheWriter } from './code-cache-writer.js';
import { functionIdentityFromEnv } from './context.js';
import { type LoadedHandler, loadHandler } from './handler-loader.js';
import { logSettingsFromEnv, patchConsole } from './logging.js';
import { EXIT_UNCAUGHT, exitWithError, installCrashReporting, runLoop } from './loop.js';
import { startModuleLoads } from './module-loads.js';
import { createObserver, observeEnabled } from './observe.js';
import { RuntimeApiFatal, RuntimeClient } from './runtime-client.js';
import { enableSourceMaps } from './source-maps.js';
import { HttpResponseStream, streamifyResponse } from './streaming.js';

export async function runRuntime(runtimeApi: string, handlerName: string): Promise<void> {
  const env = process.env;
  const settings = logSettingsFromEnv(env);
  // One writer for the console and the marks: the marks line keeps its place among the
  // handler's lines.
  const write = (line: string): void => {
    process.stdout.write(line);
  };
  patchConsole(settings, write);
  const observe = createObserver(settings, write, observeEnabled(settings, env));
  // A process that exits mid-invocation (a crash, process.exit in the handler) still writes
  // the marks taken so far (stdout is synchronous for files and pipes on Linux).
  process.on('exit', observe.flush);
  observe('runtime', 'init.start');
  if (!/^(1|true)$/i.test(env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? '')) {
    (globalThis as Record<string, unknown>).awslambda = { streamifyResponse, HttpResponseStream };
  }

  const client = new RuntimeClient(runtimeApi);
  // Before user code runs: its top level may leave a rejected promise or a throwing timer.
  installCrashReporting(runtimeApi);
  let handler: LoadedHandler;
  const warmup = env.LAMBDASH_WRITE_CODE_CACHE === '1' ? new CodeCacheWriter() : undefined;
  const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
  // Before the handler's module loads: Node reads a module's map as it loads it.
  enableSourceMaps(env);
  try {
    handler = await loadHandler(handlerName, taskRoot, {
      onCompiled: warmup?.compiled,
    });
    if (warmup) handler = warmup.wrap(handler);
  } catch (error) {
    return exitWithError('Init Error', error, EXIT_UNCAUGHT);
  }
  observe('runtime', 'handler.loaded');
  // After the mark: the modules the warm-up found lazily loaded are init's work of their own.
  const moduleLoads = startModuleLoads(taskRoot, handlerName, warmup !== undefined);
  try {
    await runLoop({
      client,
      handler,
      identity: functionIdentityFromEnv(env),
      observe,
      moduleLoads,
    });
  } catch (error) {
    // Fatal answers of the Runtime API explain themselves; anything else is a bug of the
    // runtime, and its stack says where.
    const stack = (error as { stack?: unknown } | null)?.stack;
    const message =
      error instanceof RuntimeApiFatal
        ? error.message
        : typeof stack === 'string'
          ? stack
          : String(error);
    process.stderr.write(`lambdash runtime: ${message}\n`);
    process.exit(1);
  }
}
