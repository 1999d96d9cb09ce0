// Invoking a function, deployed or in a local container (the emulator speaks Lambda's Invoke
// API), with the same calls, so the REPL can target either: the decoded result, or a typed
// InvocationError carrying errorType, errorMessage and stackTrace; with the invocation's log
// when asked. The log comes from the 4 KB tail Lambda returns (LogType Tail) and, when that
// was cut, from CloudWatch Logs by request id (a container: from its output).
import { isDeepStrictEqual } from 'node:util';
import type { AwsOptions } from '../aws/aws-call.js';
import type { LambdaFunction } from '../aws/aws-resources.js';
import { targetOf } from '../aws/aws-target.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { payloadJson } from '../common/invocation-payload.js';
import { validateFunctionName } from '../common/names.js';
import type { Container, LocalResponse } from '../images/containers.js';
import { describeDifference, type TestData } from '../images/local-test.js';
import { readCloudWatchLog } from '../logs/cloudwatch-log.js';
import type { InvocationLog } from '../logs/invocation-log.js';
import { fullInvocationLog } from './full-invocation-log.js';
import { InvocationError } from './invocation-error.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import { invokeContainer } from './invoke-container.js';
import { invokeLambda } from './invoke-lambda.js';
import { functionNameOf } from './lambda-function-settings.js';

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
  const log = await fullInvocationLog(outcome, since, options);
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
 * (undefined), when the handler answered. A function error fails either way: a handler that
 * cannot load, or that throws on the payload, has not passed. `functionError` is Lambda's
 * (`Unhandled`) when the function failed. With `checkState` (Jot's check_function_state), a
 * function that is not Active fails with FUNCTION_FAILED before the call.
 */
export async function runLambdaFunctionTest(
  fn: InvokeTarget,
  testData: TestData,
  options: InvokeOptions = {},
): Promise<{
  passed: boolean;
  result: unknown;
  log: InvocationLog;
  diff?: string;
  functionError?: string;
}> {
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
  const passed = !error && (!checked || isDeepStrictEqual(result, testData.expected));
  const failed = error ? { functionError: 'Unhandled' } : {};
  if (passed || !checked) return { passed, result, log, ...failed };
  const response: LocalResponse = {
    statusCode: 200,
    functionError: error ? 'Unhandled' : undefined,
    body: result,
    seconds: outcome.seconds,
  };
  return {
    passed,
    result,
    log,
    diff: describeDifference(testData.expected, response),
    ...failed,
  };
}

/** One invocation, of a deployed function or a local container; the payload checked first. */
async function invokeOnce(
  payload: unknown,
  fn: InvokeTarget,
  options: InvokeOptions,
  withLog: boolean,
): Promise<InvocationOutcome> {
  // A container's request checks the payload as this does, before it sends anything.
  if (isContainer(fn)) return invokeContainer(payload, fn, options, withLog);
  const body = payloadJson(payload);
  const name = functionNameFor(fn);
  throwIfAborted(options.signal, `Invoking ${name}`);
  return invokeLambda(await targetOf(options), options, name, body, withLog);
}

function isContainer(fn: InvokeTarget): fn is Container {
  return typeof fn === 'object' && 'port' in fn && !('arn' in fn);
}

function functionNameFor(fn: LambdaFunction | string): string {
  return validateFunctionName(typeof fn === 'string' ? functionNameOf(fn) : fn.name);
}
