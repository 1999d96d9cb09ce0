// The loop against Runtime API answers the real RuntimeApiServer never gives: a scripted
// server on loopback decides each status, and records what the runtime asked for, in order.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handlersDir } from '../../support/paths.js';
import { pause, type RuntimeProcess, spawnRuntime, until } from '../../support/runtime-process.js';
import {
  type ApiCall,
  isNext,
  isPost,
  reply,
  ScriptedRuntimeApi,
  sendEvent,
} from '../../support/scripted-runtime-api.js';

const taskRoot = `${handlersDir}/lifecycle`;
let api: ScriptedRuntimeApi | undefined;
let runtime: RuntimeProcess | undefined;
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  await runtime?.stop();
  await api?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  runtime = undefined;
  api = undefined;
});

/** A server that hands out `events` in turn on each next, then holds the next request open. */
async function serve(
  events: unknown[],
  onPost: (call: ApiCall) => void,
): Promise<ScriptedRuntimeApi> {
  let served = 0;
  return ScriptedRuntimeApi.start((call) => {
    if (isNext(call)) {
      if (served < events.length) {
        sendEvent(call.res, `req-${served + 1}`, events[served]);
        served++;
      }
      return;
    }
    onPost(call);
  });
}

describe('runtime loop: Runtime API status paths', () => {
  it('goes straight to next after a 413 on its response, without posting an error', async () => {
    api = await serve([{ n: 1 }], (call) =>
      reply(call.res, 413, {
        errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
        errorType: 'RequestEntityTooLarge',
      }),
    );
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'loop.handler', taskRoot });
    await api.waitForCall(isNext, 2);
    expect(api.trail).toEqual(['GET next', 'POST req-1/response', 'GET next']);
    expect(runtime.alive()).toBe(true);
  });

  it.each([
    { status: 400, post: 'response', event: { n: 1 } },
    { status: 403, post: 'response', event: { n: 1 } },
    { status: 400, post: 'error', event: { fail: 'boom' } },
    { status: 404, post: 'error', event: { fail: 'boom' } },
  ])(
    'logs a $status on /$post and carries on with the next event',
    async ({ status, post, event }) => {
      api = await serve([event, { n: 2 }], (call) =>
        call.path.includes('req-1')
          ? reply(call.res, status, { errorMessage: 'refused by test', errorType: 'TestRefusal' })
          : reply(call.res, 202),
      );
      runtime = spawnRuntime({ runtimeApi: api.address, handler: 'loop.handler', taskRoot });
      await api.waitForCall(isNext, 3);
      expect(api.trail).toEqual([
        'GET next',
        `POST req-1/${post}`,
        'GET next',
        'POST req-2/response',
        'GET next',
      ]);
      expect(JSON.parse(api.calls[3]!.body.toString())).toEqual({ ok: true, n: 2 });
      expect(runtime.output()).toContain(`/req-1/${post} answered ${status}`);
      expect(runtime.output()).toContain('refused by test');
      expect(runtime.alive()).toBe(true);
    },
  );

  it('exits non-zero when next answers 500, without asking again', async () => {
    api = await ScriptedRuntimeApi.start((call) =>
      reply(call.res, 500, { errorMessage: 'service broken', errorType: 'ServiceException' }),
    );
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'loop.handler', taskRoot });
    expect(await runtime.exited).toBe(1);
    expect(api.trail).toEqual(['GET next']);
    expect(runtime.output()).toContain('Runtime API answered 500 to next');
  });

  it('exits non-zero when a post answers 500', async () => {
    api = await serve([{ n: 1 }], (call) =>
      reply(call.res, 500, { errorType: 'ServiceException' }),
    );
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'loop.handler', taskRoot });
    expect(await runtime.exited).toBe(1);
    expect(api.trail).toEqual(['GET next', 'POST req-1/response']);
  });

  it('exits non-zero when nothing listens at AWS_LAMBDA_RUNTIME_API', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    runtime = spawnRuntime({ runtimeApi: `127.0.0.1:${port}`, handler: 'loop.handler', taskRoot });
    expect(await runtime.exited).toBe(1);
    expect(runtime.output()).toMatch(/unreachable after \d+ attempts/);
  });

  it('retries a failing connection a bounded number of times, then exits', async () => {
    let connections = 0;
    const hangUp = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => hangUp.close(resolve)));
    const { port } = hangUp.address() as net.AddressInfo;
    runtime = spawnRuntime({ runtimeApi: `127.0.0.1:${port}`, handler: 'loop.handler', taskRoot });
    expect(await runtime.exited).toBe(1);
    // More than one attempt (it does retry), but few: backoff, not a hot loop.
    expect(connections).toBeGreaterThan(1);
    expect(connections).toBeLessThanOrEqual(10);
    expect(runtime.output()).toMatch(/unreachable after \d+ attempts/);
  });

  it('asks for the next event only after its response was acknowledged', async () => {
    let held: ApiCall | undefined;
    api = await serve([{ n: 1 }, { n: 2 }], (call) => {
      if (call.path.includes('req-1')) held = call;
      else reply(call.res, 202);
    });
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'loop.handler', taskRoot });
    await api.waitForCall(isPost('/req-1/response'));
    await pause(300);
    expect(api.trail).toEqual(['GET next', 'POST req-1/response']);
    expect(runtime.output()).not.toContain('response.posted');

    reply(held!.res, 202);
    await api.waitForCall(isNext, 3);
    expect(api.trail).toEqual([
      'GET next',
      'POST req-1/response',
      'GET next',
      'POST req-2/response',
      'GET next',
    ]);
    // req-2's marks line, written before the runtime asks for its next event, says it posted.
    await until(() =>
      runtime!
        .output()
        .split('\n')
        .some(
          (line) =>
            line.startsWith('[lambdash]\tmarks\treq-2\t') &&
            line.includes(' runtime response.posted'),
        ),
    );
  });

  it('exits 129 when work left from an answered invocation throws, posting nothing more', async () => {
    api = await serve([{ do: 'throwsAfterAnswer' }], (call) => reply(call.res, 202));
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'errors.handler', taskRoot });
    expect(await runtime.exited).toBe(129);
    // No error for req-1 (it was answered) and no init error: there is no one to tell.
    expect(api.trail).toEqual(['GET next', 'POST req-1/response', 'GET next']);
    expect(runtime.output()).toContain(
      'Uncaught Exception \t{"errorType":"Error","errorMessage":"thrown after the answer"',
    );
  });

  it('reports an exception during an invocation on a connection of its own', async () => {
    let postedError: ApiCall | undefined;
    api = await serve([{ do: 'uncaughtInTimer' }], (call) => {
      postedError = call;
      reply(call.res, 202);
    });
    runtime = spawnRuntime({ runtimeApi: api.address, handler: 'errors.handler', taskRoot });
    expect(await runtime.exited).toBe(129);
    expect(api.trail).toEqual(['GET next', 'POST req-1/error']);
    expect(postedError!.remotePort).not.toBe(api.calls[0]!.remotePort);
    // As aws-lambda-ric 3.3.0: no error type header, only the X-Ray cause of the error.
    expect(postedError!.headers['lambda-runtime-function-error-type']).toBeUndefined();
    expect(postedError!.headers['content-type']).toBe('application/json');
    const cause = JSON.parse(
      postedError!.headers['lambda-runtime-function-xray-error-cause'] as string,
    );
    expect(cause).toMatchObject({
      working_directory: expect.any(String),
      exceptions: [{ type: 'RangeError', message: 'timer exploded', stack: expect.any(Array) }],
      paths: expect.any(Array),
    });
    expect(JSON.parse(postedError!.body.toString())).toMatchObject({
      errorType: 'RangeError',
      errorMessage: 'timer exploded',
    });
  });
});
