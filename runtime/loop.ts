// The Runtime API loop: next → handle → post → next, one invocation at a time. Failures
// that leave the process in an unknown state (an uncaught exception, an unhandled rejection)
// are reported for the invocation they happened in, then the process exits so the next
// invocation starts clean.

import { applyTraceId } from './context.js';
import { type ErrorPayload, errorJson, errorTypeHeader, toErrorPayload } from './errors.js';
import { handleInvocation, type InvokeDeps } from './invoke.js';
import { currentRequest } from './logging.js';

const EXIT_UNCAUGHT = 129;
const EXIT_UNHANDLED_REJECTION = 128;

export async function runLoop(deps: InvokeDeps): Promise<never> {
  installCrashReporting(deps);
  for (;;) {
    const invocation = await deps.client.next();
    currentRequest.id = invocation.requestId;
    applyTraceId(invocation.headers);
    await handleInvocation(invocation, deps);
  }
}

function installCrashReporting(deps: InvokeDeps): void {
  let exiting = false;
  const crash = async (label: string, payload: ErrorPayload, code: number) => {
    if (exiting) return;
    exiting = true;
    console.error(label, `\t${errorJson(payload)}`);
    if (currentRequest.id) {
      await deps.client
        .postError(currentRequest.id, errorJson(payload), errorTypeHeader(payload))
        .catch(() => undefined);
    }
    process.exit(code);
  };
  process.on('uncaughtException', (error) => {
    void crash('Uncaught Exception', toErrorPayload(error), EXIT_UNCAUGHT);
  });
  process.on('unhandledRejection', (reason) => {
    const inner = toErrorPayload(reason);
    const payload: ErrorPayload = {
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason),
      stackTrace: inner.stackTrace,
    };
    void crash('Unhandled Promise Rejection', payload, EXIT_UNHANDLED_REJECTION);
  });
}
