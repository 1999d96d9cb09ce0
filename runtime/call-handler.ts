// Calls a handler, async or callback style, and settles when it is done, with the Lambda
// Node.js runtime's rules:
// - a returned promise decides the answer as soon as it settles;
// - `callback(null, result)` waits for the event loop to drain while
//   `callbackWaitsForEmptyEventLoop` is true (the default), and answers at once otherwise;
//   `callback(error)` answers at once;
// - `context.succeed/fail/done` answer at once, whatever the flag;
// - only the first of callback, succeed, fail and done counts;
// - a handler that returned no promise and never completes answers null when the loop drains
//   (legacy code calls context.succeed from a timer or an I/O callback);
// - a promise still pending when the loop drains can never settle: Runtime.NodeJsExit.
import { type LambdaContext, releaseDeadline } from './context.js';
import { RuntimeError } from './errors.js';
import type { LoadedHandler } from './handler-loader.js';

// One listener for the process, replaced by each invocation (as in Lambda's runtime): work
// left over from an earlier invocation must not complete the current one.
let onDrain: (() => void) | undefined;
process.on('beforeExit', () => {
  const action = onDrain;
  onDrain = undefined;
  action?.();
});

const NEVER_SETTLED =
  'The handler returned a promise that never settled, and nothing else was left to run. ' +
  'Return or await every promise the handler starts, or call the callback.';

export function callHandler(
  handler: LoadedHandler,
  event: unknown,
  context: LambdaContext,
  extraArg?: unknown,
): Promise<unknown> {
  onDrain = undefined;
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    let completed = false;
    let drainAction: (() => void) | undefined;
    const finish = (failed: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      if (onDrain === drainAction) onDrain = undefined;
      releaseDeadline(context);
      if (failed) reject(value ?? new Error('the handler failed without giving a reason'));
      else resolve(value);
    };
    const whenDrained = (action: () => void) => {
      drainAction = action;
      onDrain = action;
    };
    // The first completion call decides; later ones are ignored, as on Lambda.
    const first =
      <A extends unknown[]>(complete: (...args: A) => void) =>
      (...args: A) => {
        if (completed || settled) return;
        completed = true;
        complete(...args);
      };

    // Node's callback convention: a null or undefined first argument means success.
    const callback = first((error?: unknown, result?: unknown) => {
      if (error !== undefined && error !== null) finish(true, error);
      else if (!context.callbackWaitsForEmptyEventLoop) finish(false, result);
      else {
        // The deadline's timer is not the handler's work: it must not hold the answer back.
        releaseDeadline(context);
        whenDrained(() => finish(false, result));
      }
    });
    if (!handler.streaming) {
      context.done = first((error?: unknown, result?: unknown) =>
        error !== undefined && error !== null ? finish(true, error) : finish(false, result),
      );
      context.succeed = first((result?: unknown) => finish(false, result));
      // Lambda's runtime reports a reasonless fail() as the string 'handled'.
      context.fail = first((error?: unknown) => finish(true, error ?? 'handled'));
    }

    let returned: unknown;
    try {
      returned = handler.streaming
        ? handler.fn(event, extraArg, context)
        : handler.fn(event, context, callback);
    } catch (error) {
      finish(true, error);
      return;
    }
    if (isThenable(returned)) {
      returned.then(
        (result) => finish(false, result),
        (error) => finish(true, error),
      );
      if (!settled && !completed) {
        whenDrained(() => finish(true, new RuntimeError('Runtime.NodeJsExit', NEVER_SETTLED)));
      }
    } else if (handler.streaming || (!handler.usesCallback && returned !== undefined)) {
      finish(false, returned);
    } else if (!settled && !completed) {
      whenDrained(() => finish(false, undefined));
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
