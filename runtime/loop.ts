// The Runtime API loop: next → handle → post → next, one invocation at a time. Failures
// that leave the process in an unknown state (an uncaught exception, an unhandled rejection)
// are reported where they belong (the invocation in flight, or init before the first one),
// then the process exits so the next invocation starts clean.

import { applyTraceId } from './context.js';
import {
  errorJson,
  errorTypeValue,
  RuntimeError,
  toErrorPayload,
  xrayErrorCause,
} from './errors.js';
import { handleInvocation, type InvokeDeps } from './invoke.js';
import { currentRequest, logError } from './logging.js';
import { flushObservations } from './observe.js';
import { RuntimeClient } from './runtime-client.js';

export const EXIT_UNCAUGHT = 129;
export const EXIT_UNHANDLED_REJECTION = 128;

/**
 * Where the process is: crash reports go to /init/error, to the invocation in flight (whose id
 * is currentRequest.id, as on the log lines), or nowhere.
 */
const state: { phase: 'init' | 'waiting' | 'invoking' } = { phase: 'init' };
let runtimeApi = '';
let exiting = false;

export async function runLoop(deps: InvokeDeps): Promise<never> {
  for (;;) {
    // The marks of init, then of each invocation, as one line: before asking for the next
    // event, since that request is what ends the invocation (END is written then).
    deps.observe.flush();
    // Until the first event arrives this is still init (as for Lambda's own runtime): a
    // rejection the module's top level left behind surfaces only after loading finished.
    const invocation = await deps.client.next();
    state.phase = 'invoking';
    currentRequest.id = invocation.requestId;
    applyTraceId(invocation.headers);
    await handleInvocation(invocation, deps);
    state.phase = 'waiting';
  }
}

/**
 * Logs a failure that ends the process, reports it (as an init error before the first
 * invocation, as that invocation's error during one; between invocations there is no one to
 * tell), then exits. Only the first call does anything: a crash while reporting a crash must
 * not post twice.
 */
export async function exitWithError(
  label: string,
  error: unknown,
  exitCode: number,
): Promise<never> {
  if (!exiting) {
    exiting = true;
    flushObservations();
    const payload = toErrorPayload(error);
    logError(label, payload);
    const body = errorJson(payload);
    try {
      // A connection of its own: the loop's may be held by a `next` that never returns, and
      // a report queued behind it would never leave.
      const client = new RuntimeClient(runtimeApi);
      if (state.phase === 'init') await client.postInitError(body, errorTypeValue(payload));
      else if (state.phase === 'invoking') {
        await client.postError(currentRequest.id, body, xrayErrorCause(error));
      }
    } catch {
      // The exit below is what matters; the Runtime API may be gone too.
    }
    process.exit(exitCode);
  }
  return new Promise<never>(() => {});
}

/** Reports uncaught exceptions and unhandled rejections from the moment user code loads. */
export function installCrashReporting(address: string): void {
  runtimeApi = address;
  process.on('uncaughtException', (error) => {
    void exitWithError('Uncaught Exception', error, EXIT_UNCAUGHT);
  });
  process.on('unhandledRejection', (reason) => {
    // As AWS's runtime: an error of its own whose message is the reason as a string (an
    // Error's "Name: message"), so the reason's stack is not in the trace.
    const message = reason === undefined ? '' : String(reason);
    const error = new RuntimeError('Runtime.UnhandledPromiseRejection', message);
    void exitWithError('Unhandled Promise Rejection', error, EXIT_UNHANDLED_REJECTION);
  });
}
