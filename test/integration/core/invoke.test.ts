// Invoking functions against a local cloud of this file's own, through the real SDK clients and
// Docker, and the same calls on a local container: results, function errors with their type,
// message and stack, logs from the tail or, past 4 KB, from CloudWatch Logs by request id (a
// container: from its output), payloads that cannot be sent, functions that cannot run, and
// tests with expected answers.
import { randomBytes } from 'node:crypto';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaFunction } from '../../../src/core/aws/aws-resources.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { readContainerLog } from '../../../src/core/images/container-log.js';
import {
  type Container,
  deleteContainer,
  runImageLocally,
} from '../../../src/core/images/containers.js';
import {
  getInvocationLog,
  InvocationError,
  invokeFunction,
  invokeFunctionWithLog,
  runLambdaFunctionTest,
} from '../../../src/core/lambda/invoke.js';
import { createLambdaFunction } from '../../../src/core/lambda/lambda-functions.js';
import {
  type FunctionImages,
  pushFunctionImages,
  unpushedImage,
} from '../../support/function-images.js';
import { failure, recorder } from '../../support/images.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const suffix = randomBytes(4).toString('hex');
const repo = `invoke-${suffix}`;
const names = {
  fn: `invoke-${suffix}`,
  cold: `cold-${suffix}`,
  failed: `failed-${suffix}`,
  testFailed: `test-failed-${suffix}`,
};
let test: TestTarget;
let images: FunctionImages;
let fn: LambdaFunction;
let container: Container | undefined;

beforeAll(async () => {
  test = await startTestTarget();
  images = await pushFunctionImages(test.target, repo, ['v1']);
  fn = await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name: names.fn });
}, 300_000);

afterAll(async () => {
  if (container) await deleteContainer(container).catch(() => undefined);
  await test?.stop();
  await removeFunctionContainers(...Object.values(names));
  await images?.remove();
}, 120_000);

const calls = (events: readonly LambdashEvent[]) =>
  events.flatMap((event) => (event.type === 'aws.call' ? [event.operation] : []));

/** The InvocationError a promise rejects with. */
async function invocationError(promise: Promise<unknown>): Promise<InvocationError> {
  const error = await failure(promise);
  if (!(error instanceof InvocationError)) throw new Error(`not an InvocationError: ${error.code}`);
  return error;
}

const logLines = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${i} ${'x'.repeat(60)}`);

describe('invoking a deployed function', () => {
  it('reads a cold start’s whole log from CloudWatch Logs when it is longer than the 4 KB tail, init lines included', async () => {
    // Its own function, so this invocation is a cold start.
    const cold = await createLambdaFunction(
      { repo, tag: 'v1' },
      { target: test.target, name: names.cold },
    );
    const { events, onEvent } = recorder();
    const invocation = await invokeFunctionWithLog({ action: 'log', lines: 200 }, cold, {
      target: test.target,
      onEvent,
    });
    expect(invocation.result).toEqual({ logged: 200 });
    const { log } = invocation;
    expect(log.source).toBe('cloudwatch');
    expect(log.complete).toBe(true);
    expect(log.requestId).toBe(invocation.requestId);
    expect(log.report?.requestId).toBe(invocation.requestId);
    expect(log.report?.initDurationMs).toBeGreaterThan(0);
    // Every line the handler printed (200 × 70 bytes, far past 4 KB), in order.
    const printed = log.lines.flatMap((line) => {
      const match = /\tINFO\t(line \d+ x+)$/.exec(line);
      return match ? [match[1]] : [];
    });
    expect(printed).toEqual(logLines(200));
    // The line printed while the module loaded, and the runtime's init marks.
    // (It names no request, so only the request's stream, not the search, gives it.)
    expect(log.lines.filter((line) => line.endsWith('init v1 loading'))).toHaveLength(1);
    expect(log.observations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['init.start', 'handler.loaded', 'handler.start', 'handler.end']),
    );
    expect(calls(events)).toEqual(
      expect.arrayContaining(['Invoke', 'FilterLogEvents', 'GetLogEvents']),
    );
    // What CloudWatch Logs holds for the request is all in the log.
    const stored = await test.target.clients.logs.send(
      new FilterLogEventsCommand({
        logGroupName: `/aws/lambda/${names.cold}`,
        filterPattern: `"${invocation.requestId}"`,
      }),
    );
    const storedLines = (stored.events ?? []).map((event) => event.message?.trimEnd());
    expect(log.lines).toEqual(expect.arrayContaining(storedLines));
    expect(storedLines.some((line) => line?.endsWith('init v1 loading'))).toBe(false);
  }, 120_000);

  it('returns the decoded result', async () => {
    const { events, onEvent } = recorder();
    expect(
      await invokeFunction({ value: [1, 'two'] }, fn, { target: test.target, onEvent }),
    ).toEqual({ version: 'v1', echo: [1, 'two'] });
    expect(calls(events)).toEqual(['Invoke']);
    // By name too.
    expect(await invokeFunction({ value: 2 }, names.fn, { target: test.target })).toEqual({
      version: 'v1',
      echo: 2,
    });
  });

  it('throws an InvocationError with the error’s type, message and stack', async () => {
    const error = await invocationError(
      invokeFunction({ action: 'fail' }, fn, { target: test.target }),
    );
    expect(error.code).toBe('FUNCTION_ERROR');
    expect(error.errorType).toBe('RangeError');
    expect(error.errorMessage).toBe('the event asked for a failure (v1)');
    expect(error.message).toBe(
      `${names.fn} failed: RangeError: the event asked for a failure (v1)`,
    );
    expect(error.stackTrace[0]).toMatch(/^\s*at /);
    expect(error.stackTrace.join('\n')).toMatch(/handler/);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.log).toBeUndefined();
  });

  it('returns a warm invocation’s log from the tail, with the request id and the REPORT', async () => {
    const { events, onEvent } = recorder();
    const invocation = await invokeFunctionWithLog({ value: 'logged' }, fn, {
      target: test.target,
      onEvent,
    });
    expect(invocation.result).toEqual({ version: 'v1', echo: 'logged' });
    expect(invocation.log).toMatchObject({
      requestId: invocation.requestId,
      complete: true,
      source: 'tail',
    });
    expect(invocation.log.lines[0]).toBe(
      `START RequestId: ${invocation.requestId} Version: $LATEST`,
    );
    expect(invocation.log.report?.initDurationMs).toBeUndefined();
    expect(invocation.log.report?.memorySizeMb).toBe(128);
    expect(invocation.seconds).toBeGreaterThan(0);
    expect(calls(events)).toEqual(['Invoke']);
  });

  it('gives the log of a failed invocation with the InvocationError', async () => {
    const error = await invocationError(
      invokeFunctionWithLog({ action: 'fail' }, fn, { target: test.target }),
    );
    expect(error.errorType).toBe('RangeError');
    expect(error.log?.complete).toBe(true);
    expect(error.log?.requestId).toBe(error.requestId);
    expect(error.log?.lines.join('\n')).toContain('the event asked for a failure (v1)');
  });

  it('reads one request’s log again by its id, and says LOG_NOT_FOUND for an unknown one', async () => {
    const invocation = await invokeFunctionWithLog({ value: 'again' }, fn, { target: test.target });
    const log = await getInvocationLog(fn, invocation.requestId, { target: test.target });
    expect(log.source).toBe('cloudwatch');
    expect(log.complete).toBe(true);
    expect(log.lines).toEqual(invocation.log.lines);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const error = await failure(
      getInvocationLog(names.fn, unknown, { target: test.target, waitSeconds: 0.5 }),
    );
    expect(error.code).toBe('LOG_NOT_FOUND');
    expect(error.message).toBe(
      `No log of request ${unknown} in /aws/lambda/${names.fn} after 1 s.`,
    );
  });

  it('refuses payloads that have no JSON form before any call', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const payload of [{ n: 1n }, cycle, undefined, () => 1]) {
      const { events, onEvent } = recorder();
      const error = await failure(invokeFunction(payload, fn, { target: test.target, onEvent }));
      expect(error.code).toBe('INVALID_PAYLOAD');
      expect(events).toEqual([]);
    }
    const tooBig = await failure(
      invokeFunction({ data: 'x'.repeat(6 * 1024 * 1024) }, fn, { target: test.target }),
    );
    expect(tooBig.code).toBe('INVALID_PAYLOAD');
  });

  it('says clearly that a Failed function cannot be invoked, with or without checkState', async () => {
    const broken = unpushedImage(images.versions.v1!);
    await failure(createLambdaFunction(broken, { target: test.target, name: names.failed }));
    const { events, onEvent } = recorder();
    const checked = await failure(
      invokeFunction({}, names.failed, { target: test.target, checkState: true, onEvent }),
    );
    expect(checked.code).toBe('FUNCTION_FAILED');
    expect(checked.message).toContain(`Function ${names.failed} is Failed: Lambda could not pull`);
    expect(calls(events)).toEqual(['GetFunction']);
    const unchecked = await failure(invokeFunction({}, names.failed, { target: test.target }));
    expect(unchecked.code).toBe('FUNCTION_FAILED');
    expect(unchecked.message).toContain(`Function ${names.failed} cannot be invoked: it is Failed`);
    const missing = await failure(invokeFunction({}, `none-${suffix}`, { target: test.target }));
    expect(missing.code).toBe('FUNCTION_NOT_FOUND');
  }, 60_000);
});

describe('runLambdaFunctionTest', () => {
  it('passes when the answer equals the expected one, and says what differs when not', async () => {
    const passed = await runLambdaFunctionTest(
      fn,
      { payload: { value: 3 }, expected: { echo: 3, version: 'v1' } },
      { target: test.target },
    );
    expect(passed).toMatchObject({ passed: true, result: { version: 'v1', echo: 3 } });
    expect(passed.log.complete).toBe(true);
    expect(passed.diff).toBeUndefined();
    const failed = await runLambdaFunctionTest(
      fn,
      { payload: { value: 3 }, expected: { version: 'v1', echo: 4 } },
      { target: test.target },
    );
    expect(failed.passed).toBe(false);
    expect(failed.diff).toContain('-   "echo": 4');
    expect(failed.diff).toContain('+   "echo": 3');
  });

  it('fails on a function error, whether an answer is expected or not (a health check)', async () => {
    const errored = await runLambdaFunctionTest(
      fn,
      { payload: { action: 'fail' }, expected: { ok: true } },
      { target: test.target },
    );
    expect(errored.passed).toBe(false);
    expect(errored.result).toMatchObject({ errorType: 'RangeError' });
    expect(errored.diff).toContain('but the function failed (Unhandled)');
    const health = await runLambdaFunctionTest(
      fn,
      { payload: { action: 'fail' }, expected: undefined },
      { target: test.target },
    );
    expect(health).toMatchObject({
      passed: false,
      functionError: 'Unhandled',
      result: { errorType: 'RangeError' },
    });
    const healthy = await runLambdaFunctionTest(
      fn,
      { payload: { value: 'fine' }, expected: undefined },
      { target: test.target },
    );
    expect(healthy).toMatchObject({ passed: true });
    expect(healthy.functionError).toBeUndefined();
  });

  it('with checkState (Jot’s check_function_state) reads the state first, and a Failed function fails before the call', async () => {
    const { events, onEvent } = recorder();
    const checked = await runLambdaFunctionTest(
      fn,
      { payload: { value: 1 }, expected: { version: 'v1', echo: 1 } },
      { target: test.target, checkState: true, onEvent },
    );
    expect(checked.passed).toBe(true);
    expect(calls(events).slice(0, 2)).toEqual(['GetFunction', 'Invoke']);
    const unchecked = recorder();
    await runLambdaFunctionTest(
      fn,
      { payload: { value: 1 }, expected: undefined },
      { target: test.target, onEvent: unchecked.onEvent },
    );
    expect(calls(unchecked.events)[0]).toBe('Invoke');

    const broken = unpushedImage(images.versions.v1!);
    await failure(createLambdaFunction(broken, { target: test.target, name: names.testFailed }));
    const error = await failure(
      runLambdaFunctionTest(
        names.testFailed,
        { payload: {}, expected: undefined },
        { target: test.target, checkState: true },
      ),
    );
    expect(error.code).toBe('FUNCTION_FAILED');
    expect(error.message).toContain(`Function ${names.testFailed} is Failed`);
  }, 60_000);
});

describe('invoking a local container', () => {
  it('works the same on a container of the image: results, errors, and a long log read from its output', async () => {
    container = await runImageLocally(images.versions.v1!.image);
    expect(await invokeFunction({ value: 'local' }, container)).toEqual({
      version: 'v1',
      echo: 'local',
    });
    const error = await invocationError(invokeFunction({ action: 'fail' }, container));
    expect(error.errorType).toBe('RangeError');
    expect(error.errorMessage).toBe('the event asked for a failure (v1)');
    expect(error.stackTrace.length).toBeGreaterThan(0);

    const invocation = await invokeFunctionWithLog({ action: 'log', lines: 200 }, container);
    expect(invocation.result).toEqual({ logged: 200 });
    expect(invocation.log).toMatchObject({ source: 'local', complete: true });
    expect(invocation.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const printed = invocation.log.lines.flatMap((line) => {
      const match = /\tINFO\t(line \d+ x+)$/.exec(line);
      return match ? [match[1]] : [];
    });
    expect(printed).toEqual(logLines(200));

    const test1 = await runLambdaFunctionTest(container, {
      payload: { value: 5 },
      expected: { version: 'v1', echo: 5 },
    });
    expect(test1.passed).toBe(true);
  }, 120_000);

  it('stops waiting for a request’s last lines in the output when the signal fires', async () => {
    if (!container) container = await runImageLocally(images.versions.v1!.image);
    // A request the container never served: its REPORT never comes, so only the signal (well
    // before the few seconds the wait allows) ends the wait.
    const error = await failure(
      readContainerLog(container.id, 'never-served', Date.now(), AbortSignal.timeout(300)),
    );
    expect(error.code).toBe('ABORTED');
  }, 60_000);
});
