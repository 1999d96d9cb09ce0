// An invocation of a deployed function: Lambda's Invoke, its answer decoded, the log tail asked
// for (LogType Tail) when wanted. A function that cannot run (missing, Pending, Failed) is said
// clearly, and with `checkState` found out before the call (Pending waited for).
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { type AwsOptions, callAws } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { LambdashError } from '../common/errors.js';
import { resultOf } from '../common/invocation-payload.js';
import { functionErrorOf } from './invocation-error.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import {
  functionNotFound,
  readFunction,
  throwIfFailed,
  waitForFunction,
} from './lambda-function-state.js';

export async function invokeLambda(
  target: AwsTarget,
  options: AwsOptions & { readonly checkState?: boolean },
  name: string,
  body: string,
  withLog: boolean,
): Promise<InvocationOutcome> {
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
  const result = resultOf(out.Payload ? Buffer.from(out.Payload).toString('utf8') : '');
  return {
    result,
    error: out.FunctionError ? functionErrorOf(name, result, out.FunctionError) : undefined,
    requestId: out.$metadata.requestId ?? '',
    tail: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
    seconds,
    source: { kind: 'lambda', target, name },
  };
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
      'Lambda refused the payload as too large.',
      'Keep payloads under 6 MB: put large data in S3 and send its key.',
      { cause: error },
    );
  }
  return error;
}
