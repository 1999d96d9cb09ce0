// Invoking a function, deployed or in a local container (the emulator speaks Lambda's Invoke
// API), with the same calls, so the REPL can target either: the decoded result, or a typed
// InvocationError carrying errorType, errorMessage and stackTrace; with the invocation's log
// when asked. The log comes from the 4 KB tail Lambda returns (LogType Tail) and, when that
// was cut, from CloudWatch Logs by request id (a container: from its output).

import { isDeepStrictEqual } from 'node:util';
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { type AwsOptions, callAws } from './aws-call.js';
import { awsErrorName } from './aws-errors.js';
import type { LambdaFunction } from './aws-resources.js';
import { type AwsTarget, targetOf } from './aws-target.js';
import { readCloudWatchLog } from './cloudwatch-log.js';
import { readContainerLog } from './container-log.js';
import { type Container, type LocalResponse, sendLocalRequest } from './containers.js';
import { LambdashError, throwIfAborted } from './errors.js';
import { functionErrorOf, InvocationError } from './invocation-error.js';
import { type InvocationLog, parseInvocationLog } from './invocation-log.js';
import { functionNameOf } from './lambda-function-settings.js';
import {
  functionNotFound,
  readFunction,
  throwIfFailed,
  waitForFunction,
} from './lambda-function-state.js';
import { describeDifference, type TestData } from './local-test.js';
import { validateFunctionName } from './names.js';

export { InvocationError } from './invocation-error.js';

export interface Invocation {
  readonly result: unknown;
  readonly requestId: string;
  readonly log: InvocationLog;
  /** Round trip of the invocation, as the caller saw it. */
  readonly seconds: number;
}

export type InvokeTarget = LambdaFunction | Container | string;

export interface InvokeOptions extends AwsOptions {
  /** Read the function's state first: not Active → FUNCTION_FAILED (Pending is waited for). */
  readonly checkState?: boolean;
}

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** The tail Lambda returns with LogType Tail. */
const TAIL_BYTES = 4096;
/** Error types of a handler that never loaded (the runtime's init errors). */
const INIT_ERRORS = new Set([
  'Runtime.UserCodeSyntaxError',
  'Runtime.ImportModuleError',
  'Runtime.HandlerNotFound',
  'Runtime.MalformedHandlerName',
]);

/** Invokes and returns the decoded result; a function error throws InvocationError. */
export async function invokeFunction(
  payload: unknown,
  fn: InvokeTarget,
  options: InvokeOptions = {},
): Promise<unknown> {
  const outcome = await invokeOnce(payload, fn, options, false);
  if (outcome.error) {
    throw new InvocationError({ ...outcome.error, requestId: outcome.requestId || undefined });
  }
  return outcome.result;
}

/**
 * Invokes and returns the result with the invocation's log; a function error throws
 * InvocationError with the log.
 */
export async function invokeFunctionWithLog(
  payload: unknown,
  fn: InvokeTarget,
  options: InvokeOptions & { readonly logWaitSeconds?: number } = {},
): Promise<Invocation> {
  const since = Date.now();
  const outcome = await invokeOnce(payload, fn, options, true);
  const log = await completeLog(outcome, since, options);
  if (outcome.error) {
    throw new InvocationError({
      ...outcome.error,
      log,
      requestId: log.requestId || outcome.requestId,
    });
  }
  return {
    result: outcome.result,
    requestId: log.requestId || outcome.requestId,
    log,
    seconds: outcome.seconds,
  };
}

/**
 * One request's log from CloudWatch Logs (group `/aws/lambda/<name>`), waited for up to
 * `waitSeconds` (default 30) until its REPORT line is there.
 */
export async function getInvocationLog(
  fn: LambdaFunction | string,
  requestId: string,
  options: AwsOptions & { readonly waitSeconds?: number } = {},
): Promise<InvocationLog> {
  const name = functionNameFor(fn);
  if (typeof requestId !== 'string' || !/^[\w-]{1,128}$/.test(requestId)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${String(requestId)}" is not a request id.`,
      'Give the request id of an invocation (Invocation.requestId, or the RequestId of its START line).',
    );
  }
  const target = await targetOf(options);
  return readCloudWatchLog(target, name, requestId, options);
}

/**
 * Invokes with the test's payload. With `expected`, passes when the answer equals it; without
 * (undefined), when the handler answered (a handler may reject the payload; an init error such
 * as a missing export still fails).
 */
export async function runLambdaFunctionTest(
  fn: InvokeTarget,
  testData: TestData,
  options: AwsOptions = {},
): Promise<{ passed: boolean; result: unknown; log: InvocationLog; diff?: string }> {
  let outcome: { result: unknown; log: InvocationLog; seconds: number; error?: InvocationError };
  try {
    outcome = await invokeFunctionWithLog(testData.payload, fn, options);
  } catch (error) {
    if (!(error instanceof InvocationError) || !error.log) throw error;
    const result = {
      errorType: error.errorType,
      errorMessage: error.errorMessage,
      stackTrace: error.stackTrace,
    };
    outcome = { result, log: error.log, seconds: 0, error };
  }
  const { result, log, error } = outcome;
  const checked = testData.expected !== undefined;
  const passed = checked
    ? !error && isDeepStrictEqual(result, testData.expected)
    : !error || !INIT_ERRORS.has(error.errorType);
  if (passed || !checked) return { passed, result, log };
  const response: LocalResponse = {
    statusCode: 200,
    functionError: error ? 'Unhandled' : undefined,
    body: result,
    seconds: outcome.seconds,
  };
  return { passed, result, log, diff: describeDifference(testData.expected, response) };
}

interface Outcome {
  readonly result: unknown;
  readonly error: Omit<ConstructorParameters<typeof InvocationError>[0], 'requestId'> | undefined;
  readonly requestId: string;
  /** The log tail as returned (with logs asked for). */
  readonly tail: string | undefined;
  readonly seconds: number;
  /** Where to read more of the log. */
  readonly source:
    | { readonly kind: 'lambda'; readonly target: AwsTarget; readonly name: string }
    | { readonly kind: 'container'; readonly id: string };
}

async function invokeOnce(
  payload: unknown,
  fn: InvokeTarget,
  options: InvokeOptions,
  withLog: boolean,
): Promise<Outcome> {
  const body = payloadText(payload);
  if (isContainer(fn)) return invokeContainer(payload, fn, options, withLog);
  const name = functionNameFor(fn);
  throwIfAborted(options.signal, `Invoking ${name}`);
  const target = await targetOf(options);
  if (options.checkState) await checkState(target, options, name);
  const started = performance.now();
  let out: InvokeCommandOutput;
  try {
    out = await callAws(target, options, 'Lambda', 'Invoke', (abortSignal) =>
      target.clients.lambda.send(
        new InvokeCommand({
          FunctionName: name,
          Payload: Buffer.from(body),
          ...(withLog ? { LogType: 'Tail' } : {}),
        }),
        { abortSignal },
      ),
    );
  } catch (error) {
    throw await invokeError(target, options, name, error);
  }
  const seconds = (performance.now() - started) / 1000;
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  const result = parseResult(text);
  const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined;
  return {
    result,
    error: out.FunctionError ? functionErrorOf(name, result, out.FunctionError) : undefined,
    requestId: out.$metadata.requestId ?? '',
    tail,
    seconds,
    source: { kind: 'lambda', target, name },
  };
}

async function invokeContainer(
  payload: unknown,
  container: Container,
  options: InvokeOptions,
  withLog: boolean,
): Promise<Outcome> {
  const response = await sendLocalRequest(payload, {
    port: container.port,
    log: withLog,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.statusCode !== 200) {
    throw new LambdashError(
      'CONTAINER_FAILED',
      `The container ${container.name} refused the invocation (${response.statusCode}): ${JSON.stringify(response.body)}`,
      'Check the payload, or start the container again (runImageLocally).',
    );
  }
  const requestId = response.log
    ? parseInvocationLog(response.log, { source: 'tail' }).requestId
    : '';
  return {
    result: response.body,
    error: response.functionError
      ? functionErrorOf(container.name, response.body, response.functionError)
      : undefined,
    requestId,
    tail: response.log,
    seconds: response.seconds,
    source: { kind: 'container', id: container.id },
  };
}

/**
 * The invocation's log: the tail when it holds all of it, else CloudWatch Logs (a container:
 * its output). A tail shorter than 4 KB is the whole log; a full one was cut, and is enough
 * only for a warm invocation whose START, END and REPORT are all in it (a cold start's init
 * lines come before START).
 */
async function completeLog(
  outcome: Outcome,
  since: number,
  options: AwsOptions & { readonly logWaitSeconds?: number },
): Promise<InvocationLog> {
  const tailText = outcome.tail ?? '';
  const cut = Buffer.byteLength(tailText) >= TAIL_BYTES;
  const tail = parseInvocationLog(tailText, {
    ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
    source: cut ? 'tail' : 'local',
  });
  const tailLog: InvocationLog = {
    ...tail,
    source: outcome.source.kind === 'lambda' ? 'tail' : 'local',
  };
  if (!cut || (tail.complete && tail.report?.initDurationMs === undefined)) return tailLog;
  const requestId = tail.requestId || outcome.requestId;
  if (!requestId) return tailLog;
  try {
    if (outcome.source.kind === 'container') {
      return (
        (await readContainerLog(outcome.source.id, requestId, since, options.signal)) ?? tailLog
      );
    }
    return await readCloudWatchLog(outcome.source.target, outcome.source.name, requestId, {
      ...options,
      target: outcome.source.target,
      since: since - 1_000,
      ...(options.logWaitSeconds !== undefined ? { waitSeconds: options.logWaitSeconds } : {}),
    });
  } catch (error) {
    // The invocation happened: its result is not lost because the full log could not be read
    // (logs:FilterLogEvents denied, CloudWatch Logs too slow). The tail says it is partial.
    if (error instanceof LambdashError && error.code === 'ABORTED') throw error;
    return tailLog;
  }
}

async function checkState(target: AwsTarget, options: AwsOptions, name: string): Promise<void> {
  const response = await readFunction(target, options, name);
  if (!response) throw functionNotFound(name);
  const config = response.Configuration ?? {};
  if (config.State === 'Pending' || config.LastUpdateStatus === 'InProgress') {
    await waitForFunction(target, options, name);
    return;
  }
  throwIfFailed(name, config);
}

/** Lambda refused the invocation: a missing function, or one not Active, said clearly. */
async function invokeError(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
  error: unknown,
): Promise<unknown> {
  const code = awsErrorName(error);
  if (code === 'ResourceNotFoundException') return functionNotFound(name);
  if (code === 'ResourceConflictException' || code === 'ResourceNotReadyException') {
    const response = await readFunction(target, options, name).catch(() => undefined);
    const config = response?.Configuration;
    if (config?.State && config.State !== 'Active') {
      return new LambdashError(
        'FUNCTION_FAILED',
        `Function ${name} cannot be invoked: it is ${config.State}${config.StateReason ? ` (${config.StateReason})` : ''}.`,
        config.State === 'Failed'
          ? 'Fix what the reason says and deploy again (the function is updated in place).'
          : 'Wait until it is Active (invoke with checkState: true waits for it), then invoke again.',
        { cause: error },
      );
    }
  }
  if (code === 'RequestTooLargeException') {
    return new LambdashError(
      'INVALID_PAYLOAD',
      `Lambda refused the payload as too large.`,
      'Keep payloads under 6 MB: put large data in S3 and send its key.',
      { cause: error },
    );
  }
  return error;
}

/** The payload as JSON text, or INVALID_PAYLOAD before any call. */
function payloadText(payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload cannot be sent as JSON: ${(error as Error).message}.`,
      'Send plain data: objects, arrays, strings, numbers, booleans and null (no BigInt, no cycles).',
    );
  }
  if (text === undefined) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload (${typeof payload}) has no JSON form.`,
      'Send plain data: objects, arrays, strings, numbers, booleans and null ({} for an empty event).',
    );
  }
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload is ${Buffer.byteLength(text)} bytes as JSON, more than Lambda's 6 MB.`,
      'Put large data in S3 and send its key.',
    );
  }
  return text;
}

function parseResult(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isContainer(fn: InvokeTarget): fn is Container {
  return typeof fn === 'object' && 'port' in fn && !('arn' in fn);
}

function functionNameFor(fn: LambdaFunction | Container | string): string {
  if (typeof fn === 'string') return validateFunctionName(functionNameOf(fn));
  return validateFunctionName((fn as LambdaFunction).name);
}
