// The runtime's start: patch the console, install the `awslambda` global, load the handler
// (reporting init failures once to /init/error), then run the loop.
import { functionIdentityFromEnv } from './context.js';
import { errorJson, errorTypeHeader, toErrorPayload } from './errors.js';
import { loadHandler } from './handler-loader.js';
import { logSettingsFromEnv, patchConsole } from './logging.js';
import { runLoop } from './loop.js';
import { createObserver } from './observe.js';
import { RuntimeApiFatal, RuntimeClient } from './runtime-client.js';
import { HttpResponseStream, streamifyResponse } from './streaming.js';

const EXIT_INIT_FAILED = 129;

export async function runRuntime(runtimeApi: string, handlerName: string): Promise<void> {
  const env = process.env;
  const settings = logSettingsFromEnv(env);
  const write = (line: string) => {
    process.stdout.write(line);
  };
  patchConsole(settings, write);
  const observe = createObserver(settings, write);
  observe('runtime', 'init.start');
  if (!/^(1|true)$/i.test(env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? '')) {
    (globalThis as Record<string, unknown>).awslambda = { streamifyResponse, HttpResponseStream };
  }

  const client = new RuntimeClient(runtimeApi);
  let handler: Awaited<ReturnType<typeof loadHandler>>;
  try {
    handler = await loadHandler(handlerName, env.LAMBDA_TASK_ROOT ?? process.cwd());
  } catch (error) {
    const payload = toErrorPayload(error);
    console.error('Init Error', `\t${errorJson(payload)}`);
    await client.postInitError(errorJson(payload), errorTypeHeader(payload)).catch(() => undefined);
    process.exit(EXIT_INIT_FAILED);
  }
  observe('runtime', 'handler.loaded');
  try {
    await runLoop({ client, handler, identity: functionIdentityFromEnv(env), observe });
  } catch (error) {
    const message = error instanceof RuntimeApiFatal ? error.message : String(error);
    process.stderr.write(`lambdash runtime: ${message}\n`);
    process.exit(1);
  }
}
