// callHandler with real contexts: which arguments a handler gets, and the legacy completion
// methods (made on first use) with Lambda's rules: the first completion wins, they work
// detached, a handler may replace them, and an ended invocation's methods do nothing.
import { describe, expect, it } from 'vitest';
import { callHandler } from '../../../runtime/call-handler.js';
import { createContext, type LambdaContext } from '../../../runtime/context.js';
import type { HandlerFunction, LoadedHandler } from '../../../runtime/handler-loader.js';

const identity = {
  functionName: 'f',
  functionVersion: '$LATEST',
  memoryLimitInMB: '128',
  logGroupName: '/aws/lambda/f',
  logStreamName: 's',
};

let sequence = 0;
function newContext(): LambdaContext {
  return createContext(identity, {
    requestId: `req-${++sequence}`,
    body: Buffer.from('{}'),
    headers: { 'lambda-runtime-deadline-ms': String(Date.now() + 60_000) },
  });
}

/** A handler as the loader describes it; the flags follow the loader's rules. */
function loaded(fn: HandlerFunction, streaming = false): LoadedHandler {
  const isAsync = Object.prototype.toString.call(fn) === '[object AsyncFunction]';
  return {
    fn,
    streaming,
    passCallback: !streaming && (fn.length >= 3 || !isAsync),
    eventSchema: undefined,
    deserialize: undefined,
    serialize: undefined,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('callHandler: arguments', () => {
  it.each<[string, HandlerFunction, unknown]>([
    // An async function that declares fewer than three parameters cannot reach a callback.
    ['an async function of two parameters', async (...args: unknown[]) => args.length, 2],
    [
      'an async function of three parameters',
      async (_e: unknown, _c: unknown, cb: unknown) => typeof cb,
      'function',
    ],
    [
      'a plain function, which may read arguments[2]',
      function (this: unknown) {
        // A synchronous handler's return value is ignored (as by AWS's runtime): it answers
        // through the context (the callback would wait for an event loop that never drains here).
        // biome-ignore lint/complexity/noArguments: what legacy handlers do.
        (arguments[1] as LambdaContext).succeed(typeof arguments[2]);
      },
      'function',
    ],
  ])('%s', async (_label, fn, expected) => {
    expect(await callHandler(loaded(fn), {}, newContext())).toBe(expected);
  });
});

describe('callHandler: legacy completion methods', () => {
  it('completes through context.done passed on detached, as legacy code does', async () => {
    const handler = loaded((_event, context) => {
      setTimeout((context as LambdaContext).done, 1, null, { via: 'detached done' });
    });
    expect(await callHandler(handler, {}, newContext())).toEqual({ via: 'detached done' });
  });

  it('gives the same function on every read', async () => {
    const context = newContext();
    const reads: unknown[] = [];
    await callHandler(
      loaded(async (_event, ctx) => {
        const c = ctx as LambdaContext;
        reads.push(c.succeed, c.succeed, c.fail, c.fail, c.done, c.done);
        return 'ok';
      }),
      {},
      context,
    );
    expect(reads[0]).toBe(reads[1]);
    expect(reads[2]).toBe(reads[3]);
    expect(reads[4]).toBe(reads[5]);
    expect(new Set(reads).size).toBe(3);
  });

  it('lets the handler replace a method', async () => {
    const calls: unknown[] = [];
    const answer = await callHandler(
      loaded(async (_event, ctx) => {
        const c = ctx as LambdaContext;
        c.succeed = (result) => calls.push(result);
        c.succeed('through the replacement');
        return 'returned';
      }),
      {},
      newContext(),
    );
    expect(calls).toEqual(['through the replacement']);
    expect(answer).toBe('returned');
  });

  it('takes the first completion only', async () => {
    const answer = callHandler(
      loaded((_event, ctx) => {
        const c = ctx as LambdaContext;
        c.succeed('first');
        c.fail(new Error('second'));
        c.done(null, 'third');
      }),
      {},
      newContext(),
    );
    await expect(answer).resolves.toBe('first');
  });

  it.each<[string, (c: LambdaContext) => void, unknown]>([
    ['fail() without a reason', (c) => c.fail(), 'handled'],
    ['fail(error)', (c) => c.fail(new RangeError('r')), new RangeError('r')],
    ['done(error)', (c) => c.done(new TypeError('t')), new TypeError('t')],
  ])('rejects on %s', async (_label, complete, reason) => {
    const answer = callHandler(
      loaded((_event, ctx) => complete(ctx as LambdaContext)),
      {},
      newContext(),
    );
    await expect(answer).rejects.toEqual(reason);
  });

  it("ignores an ended invocation's methods in the next invocation", async () => {
    let stale: LambdaContext['succeed'] | undefined;
    await callHandler(
      loaded((_event, ctx) => {
        stale = (ctx as LambdaContext).succeed;
        stale('first');
      }),
      {},
      newContext(),
    );
    const second = callHandler(
      loaded(async () => {
        stale!('stale answer');
        await tick();
        return 'second';
      }),
      {},
      newContext(),
    );
    await expect(second).resolves.toBe('second');
  });

  it('refuses them to streaming handlers', async () => {
    const errors: string[] = [];
    await callHandler(
      loaded(async (_event, _stream, ctx) => {
        const c = ctx as LambdaContext;
        for (const method of [c.done, c.succeed, c.fail]) {
          try {
            method();
          } catch (error) {
            errors.push((error as Error).message);
          }
        }
      }, true),
      {},
      newContext(),
      {},
    );
    expect(errors).toEqual(
      Array(3).fill('done/succeed/fail are not available to streaming handlers'),
    );
  });
});
