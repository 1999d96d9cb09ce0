// Functions as read back from Lambda (GetFunction: configuration, code and tags in one call;
// ListFunctions: every configuration), and the bounded wait for one to settle: Active after
// CreateFunction, Successful after each update. Failed is reported with Lambda's own reason.
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  type GetFunctionResponse,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { type AwsOptions, callAws, callAwsIfFound, collectPages } from '../aws/aws-call.js';
import type {
  Architecture,
  FunctionState,
  LambdaFunction,
  UpdateStatus,
} from '../aws/aws-resources.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { delay } from '../common/delay.js';
import { LambdashError } from '../common/errors.js';
import { emit } from '../common/events.js';

export const FUNCTION_NOT_FOUND = ['ResourceNotFoundException'];
/** How long to wait for a function to settle unless told (Lambda takes seconds to a minute). */
const DEFAULT_WAIT_SECONDS = 300;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;

/** GetFunction, or undefined when there is no such function. */
export function readFunction(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
): Promise<GetFunctionResponse | undefined> {
  return callAwsIfFound(
    target,
    options,
    'Lambda',
    'GetFunction',
    FUNCTION_NOT_FOUND,
    (abortSignal) =>
      target.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }), { abortSignal }),
  );
}

/** Every function's configuration (paginated ListFunctions: no image, no tags). */
export function listFunctions(
  target: AwsTarget,
  options: AwsOptions,
): Promise<FunctionConfiguration[]> {
  return collectPages(
    (Marker) =>
      callAws(target, options, 'Lambda', 'ListFunctions', (abortSignal) =>
        target.clients.lambda.send(new ListFunctionsCommand({ ...(Marker ? { Marker } : {}) }), {
          abortSignal,
        }),
      ),
    (page) => ({ items: page.Functions, next: page.NextMarker }),
  );
}

export function functionOf(response: GetFunctionResponse): LambdaFunction {
  const config = response.Configuration ?? {};
  return {
    name: config.FunctionName ?? '',
    arn: config.FunctionArn ?? '',
    state: (config.State ?? 'Active') as FunctionState,
    stateReason: config.StateReason,
    lastUpdateStatus: config.LastUpdateStatus as UpdateStatus | undefined,
    lastUpdateStatusReason: config.LastUpdateStatusReason,
    imageUri: response.Code?.ImageUri ?? '',
    resolvedImageUri: response.Code?.ResolvedImageUri,
    role: config.Role ?? '',
    timeout: config.Timeout ?? 3,
    memorySize: config.MemorySize ?? 128,
    architecture: (config.Architectures?.[0] ?? 'x86_64') as Architecture,
    environment: { ...config.Environment?.Variables },
    lastModified: config.LastModified ? new Date(config.LastModified) : new Date(0),
    tags: { ...response.Tags },
  };
}

/**
 * Polls GetFunction until the function is settled (not Pending, its last update not
 * InProgress), emitting `wait` events; Failed → FUNCTION_FAILED with Lambda's reason (unless
 * `acceptFailed`: before an update, which may fix it), longer than `waitSeconds` → WAIT_TIMEOUT.
 */
export async function waitForFunction(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
  {
    waitSeconds = DEFAULT_WAIT_SECONDS,
    acceptFailed = false,
  }: { readonly waitSeconds?: number | undefined; readonly acceptFailed?: boolean } = {},
): Promise<GetFunctionResponse> {
  const started = performance.now();
  let pause = FIRST_POLL_MS;
  for (;;) {
    const response = await readFunction(target, options, name);
    if (!response) throw functionNotFound(name);
    const config = response.Configuration ?? {};
    // A Failed function given new code stays Failed until the update is over: the update's
    // outcome decides.
    if (config.State !== 'Pending' && config.LastUpdateStatus !== 'InProgress') {
      if (!acceptFailed) throwIfFailed(name, config);
      return response;
    }
    const seconds = (performance.now() - started) / 1000;
    const state = config.State === 'Pending' ? 'Pending' : 'InProgress';
    emit(options, { type: 'wait', what: `function ${name}`, state, seconds });
    if (seconds >= waitSeconds) {
      throw new LambdashError(
        'WAIT_TIMEOUT',
        `Function ${name} is still ${state} after ${Math.round(seconds)} s.`,
        'Lambda may be slow to pull a large image: wait a little and look again (getLambdaFunction), or allow more time (waitSeconds).',
      );
    }
    await delay(
      Math.min(pause, Math.max(1, (waitSeconds - seconds) * 1000)),
      options.signal,
      `Waiting for function ${name}`,
    );
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

/** Throws FUNCTION_FAILED when the function, or its last update, failed. */
export function throwIfFailed(name: string, config: FunctionConfiguration): void {
  if (config.State === 'Failed') {
    throw new LambdashError(
      'FUNCTION_FAILED',
      `Function ${name} is Failed: ${config.StateReason ?? 'Lambda gave no reason'}${config.StateReasonCode ? ` (${config.StateReasonCode})` : ''}.`,
      `Fix what the reason says (push the image again, check the role), then deploy again: the function is updated in place. Or remove it: deleteLambdaFunction('${name}', { deleteRole: true }).`,
    );
  }
  if (config.LastUpdateStatus === 'Failed') {
    throw new LambdashError(
      'FUNCTION_FAILED',
      `The update of function ${name} failed: ${config.LastUpdateStatusReason ?? 'Lambda gave no reason'}${config.LastUpdateStatusReasonCode ? ` (${config.LastUpdateStatusReasonCode})` : ''}.`,
      'The function still runs its previous code and settings. Fix what the reason says and deploy again.',
    );
  }
}

export function functionNotFound(name: string): LambdashError {
  return new LambdashError(
    'FUNCTION_NOT_FOUND',
    `There is no Lambda function ${name}.`,
    'Deploy it first (lambdash deploy; createLambdaFunction), or check the name and the region.',
  );
}
