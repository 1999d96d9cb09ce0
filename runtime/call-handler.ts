// Calls a handler, async or callback style, and settles when it is done. With
// `callbackWaitsForEmptyEventLoop` (the default) a callback handler's result is held until
// the event loop drains, as on Lambda. A promise that never settles is caught the same way:
// when the loop drains with the handler still pending, nothing can ever settle it.
import type { LambdaContext } from './context.js';
import { RuntimeError } from './errors.js';
import type { LoadedHandler } from './handler-loader.js';

let drainWaiters: Array<() => void> = [];
let pending: ((error: Error) => void) | undefined;

process.on('beforeExit', () => {
  if (drainWaiters.length > 0) {
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resume of waiters) resume();
    return;
  }
  pending?.(
    new RuntimeError(
      'Runtime.NodeJsExit',
      'The handler returned a promise that never settled, and nothing else was left to run. ' +
        'Return or await every promise the handler starts, or call the callback.',
    ),
  );
});

function whenEventLoopDrains(): Promise<void> {
  return new Promise((resolve) => drainWaiters.push(resolve));
}

export function callHandler(
  handler: LoadedHandler,
  event: unknown,
  context: LambdaContext,
  extraArg?: unknown,
): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const settle = (failed: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      pending = undefined;
      if (failed) reject(value ?? new Error('the handler failed without giving a reason'));
      else resolve(value);
    };
    pending = (error) => settle(true, error);

    // Node's callback convention: a null or undefined first argument means success.
    const callback = (error?: unknown, result?: unknown) => {
      if (settled) return;
      const failed = error !== undefined && error !== null;
      if (context.callbackWaitsForEmptyEventLoop) {
        pending = undefined;
        void whenEventLoopDrains().then(() => settle(failed, failed ? error : result));
      } else settle(failed, failed ? error : result);
    };
    if (handler.usesCallback) {
      context.done = callback;
      context.succeed = (result) => callback(null, result);
      context.fail = (error) => callback(error ?? new Error('handler failed'));
    }

    try {
      const returned = handler.streaming
        ? handler.fn(event, extraArg, context)
        : handler.fn(event, context, callback);
      if (isThenable(returned)) {
        returned.then(
          (result) => settle(false, result),
          (error) => settle(true, error),
        );
      } else if (!handler.usesCallback) {
        settle(false, returned);
      }
    } catch (error) {
      settle(true, error);
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
