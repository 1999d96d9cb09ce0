// Calls a handler, async or callback style, and settles when it is done, with the Lambda
// Node.js runtime's rules:
// - a returned promise decides the answer as soon as it settles;
// - `callback(null, result)` waits for the event loop to drain while
//   `callbackWaitsForEmptyEventLoop` is true (the default), and answers at once otherwise;
//   `callback(error)` answers at once;
// - `context.succeed/fail/done` answer at once, whatever the flag;
// - only the first of callback, succeed, fail and done counts;
// - a handler that returned no promise and never completes answers null when the loop drains
//   (legacy code calls context.succeed from a timer or an I/O callback), whatever value it
//   returned: AWS's runtime ignores a synchronous handler's return value;
// - a promise still pending when the loop drains can never settle: Runtime.NodeJsExit.
// This runs once per invocation, so it allocates little: one Call object, and the callback
// only for handlers that can reach it (see handler-loader.ts); context.done/succeed/fail are
// made on first use (context.ts).
import {
  bindCompletion,
  type Completion,
  type LambdaContext,
  releaseDeadline,
  unrefDeadline,
} from './context.js';
import { RuntimeError } from './errors.js';
import type { LoadedHandler } from './handler-loader.js';

// One call for the process to complete when the event loop drains, replaced by each
// invocation (as in Lambda's runtime): work left over from an earlier invocation must not
// complete the current one.
let draining: Call | undefined;
process.on('beforeExit', () => {
  const call = draining;
  draining = undefined;
  call?.drained();
});

const NEVER_SETTLED =
  'The handler returned a promise that never settled, and nothing else was left to run. ' +
  'Return or await every promise the handler starts, or call the callback.';

/**
 * What a drained event loop means for a call that waits for it: answer with the value kept
 * (the callback's result, or undefined), or fail because the returned promise can never settle.
 */
type OnDrain = 'answer' | 'never-settled' | undefined;

class Call implements Completion {
  settled = false;
  /** A completion method (callback, done, succeed, fail) was called: later ones are ignored. */
  completed = false;
  #onDrain: OnDrain;
  #drainValue: unknown;
  readonly #context: LambdaContext;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    context: LambdaContext,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.#context = context;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  finish(failed: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (draining === this) draining = undefined;
    releaseDeadline(this.#context);
    if (failed) this.#reject(value ?? new Error('the handler failed without giving a reason'));
    else this.#resolve(value);
  }

  /** context.done/succeed/fail: the first completion decides, whatever the flag. */
  complete(failed: boolean, value: unknown): void {
    if (this.completed || this.settled) return;
    this.completed = true;
    this.finish(failed, value);
  }

  /** Node's callback convention: a null or undefined first argument means success. */
  callback(error: unknown, result: unknown): void {
    if (this.completed || this.settled) return;
    this.completed = true;
    if (error !== undefined && error !== null) this.finish(true, error);
    else if (!this.#context.callbackWaitsForEmptyEventLoop) this.finish(false, result);
    else {
      // The deadline's timer is not the handler's work: it must not hold the answer back.
      unrefDeadline(this.#context);
      this.waitForDrain('answer', result);
    }
  }

  waitForDrain(onDrain: OnDrain, value?: unknown): void {
    this.#onDrain = onDrain;
    this.#drainValue = value;
    draining = this;
  }

  drained(): void {
    if (this.#onDrain === 'never-settled') {
      this.finish(true, new RuntimeError('Runtime.NodeJsExit', NEVER_SETTLED));
    } else if (this.#onDrain === 'answer') {
      this.finish(false, this.#drainValue);
    }
  }
}

/**
 * The receiver the handler is called on. AWS's runtime calls `this.handler(...)` on its
 * Runtime object, so V8 names the handler's frame `Runtime.handler` in every stack trace
 * (and `this` is that object); the same name keeps traces identical to AWS's.
 */
class Runtime {
  constructor(readonly handler: LoadedHandler['fn']) {}
}

export function callHandler(
  handler: LoadedHandler,
  event: unknown,
  context: LambdaContext,
  extraArg?: unknown,
): Promise<unknown> {
  draining = undefined;
  return new Promise<unknown>((resolve, reject) => {
    const call = new Call(context, resolve, reject);
    if (!handler.streaming) bindCompletion(context, call);

    let returned: unknown;
    try {
      const runtime = new Runtime(handler.fn);
      returned = handler.streaming
        ? runtime.handler(event, extraArg, context)
        : handler.passCallback
          ? runtime.handler(event, context, (error?: unknown, result?: unknown) =>
              call.callback(error, result),
            )
          : runtime.handler(event, context);
    } catch (error) {
      // As AWS's runtime: a throw goes to the callback, so it counts only if nothing completed
      // the call before, and a thrown null or undefined is no error at all.
      if (handler.streaming) call.finish(true, error);
      else call.callback(error, undefined);
      return;
    }
    if (isThenable(returned)) {
      returned.then(
        (result) => call.finish(false, result),
        // AWS's context.fail turns a missing reason into the string "handled".
        (error) => call.finish(true, handler.streaming ? error : (error ?? 'handled')),
      );
      if (!call.settled && !call.completed) call.waitForDrain('never-settled');
    } else if (handler.streaming) {
      call.finish(false, returned);
    } else if (!call.settled && !call.completed) {
      // AWS's runtime ignores what a synchronous handler returns, whatever its arity: only the
      // callback or context.done/succeed/fail answer, or null once the event loop drains.
      call.waitForDrain('answer', undefined);
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
