// An existing function brought to what a deployment asks for, in place: never deleted and made
// again, so its ARN, triggers and permissions stay. Code first, then configuration, then tags;
// each update waited for, since Lambda refuses one while another is in progress (409, tried
// again after waiting, a bounded number of times).
import {
  type FunctionConfiguration,
  type GetFunctionResponse,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { type AwsOptions, callAws } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import { tagChanges } from '../aws/aws-tags.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { retry } from '../common/retry.js';
import { functionRole } from './lambda-function-role.js';
import {
  FUNCTION_DESCRIPTION,
  type FunctionSettings,
  type LambdaFunctionOptions,
} from './lambda-function-settings.js';
import { readFunction, waitForFunction } from './lambda-function-state.js';

/** Updates refused with 409 (another update in progress) are tried again this many times. */
const MAX_CONFLICT_RETRIES = 5;

type ConfigurationChanges = Omit<
  ConstructorParameters<typeof UpdateFunctionConfigurationCommand>[0],
  'FunctionName'
>;

export async function updateFunction(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  settings: FunctionSettings,
  existing: GetFunctionResponse,
): Promise<GetFunctionResponse> {
  const { name } = settings;
  const wait = { waitSeconds: options.waitSeconds };
  // An update still in progress (someone else's) must finish before ours can start.
  const busy =
    existing.Configuration?.State === 'Pending' ||
    existing.Configuration?.LastUpdateStatus === 'InProgress';
  let current = busy
    ? await waitForFunction(target, options, name, { ...wait, acceptFailed: true })
    : existing;
  const config = current.Configuration ?? {};
  const { architecture } = options;
  const architectureChanged =
    architecture !== undefined && config.Architectures?.[0] !== architecture;
  // After a failed update Lambda names the image that failed as the function's code: deployed
  // again, it is tried again (and its failure reported), not taken as already there.
  const failed = config.State === 'Failed' || config.LastUpdateStatus === 'Failed';
  if (current.Code?.ImageUri !== settings.imageUri || failed || architectureChanged) {
    await updateWithConflictRetry(target, options, name, 'UpdateFunctionCode', (abortSignal) =>
      target.clients.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: name,
          ImageUri: settings.imageUri,
          ...(architectureChanged ? { Architectures: [architecture] } : {}),
        }),
        { abortSignal },
      ),
    );
    current = await waitForFunction(target, options, name, wait);
  }
  const changes = await configurationChanges(
    target,
    options,
    settings,
    current.Configuration ?? {},
  );
  if (changes) {
    await updateWithConflictRetry(
      target,
      options,
      name,
      'UpdateFunctionConfiguration',
      (abortSignal) =>
        target.clients.lambda.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: name, ...changes }),
          { abortSignal },
        ),
    );
    current = await waitForFunction(target, options, name, wait);
  }
  if (await updateTags(target, options, current, settings.tags)) {
    current = (await readFunction(target, options, name)) ?? current;
  }
  return current;
}

/** The configuration fields that differ from what was asked for, or undefined. */
async function configurationChanges(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  settings: FunctionSettings,
  config: FunctionConfiguration,
): Promise<ConfigurationChanges | undefined> {
  const changes: ConfigurationChanges = {};
  if (options.role !== undefined) {
    const { roleArn } = await functionRole(target, options, options.role);
    if (roleArn !== config.Role) changes.Role = roleArn;
  }
  if (options.timeout !== undefined && options.timeout !== config.Timeout) {
    changes.Timeout = options.timeout;
  }
  if (options.memorySize !== undefined && options.memorySize !== config.MemorySize) {
    changes.MemorySize = options.memorySize;
  }
  if (settings.environment && !sameRecord(settings.environment, config.Environment?.Variables)) {
    changes.Environment = { Variables: settings.environment };
  }
  if (config.Description !== FUNCTION_DESCRIPTION) changes.Description = FUNCTION_DESCRIPTION;
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/** Sets the tags that differ and removes lambdash's tags no longer wanted; true if any changed. */
async function updateTags(
  target: AwsTarget,
  options: AwsOptions,
  current: GetFunctionResponse,
  wanted: Record<string, string>,
): Promise<boolean> {
  const arn = current.Configuration?.FunctionArn ?? '';
  const { set, remove } = tagChanges(current.Tags ?? {}, wanted, true);
  if (Object.keys(set).length > 0) {
    await callAws(target, options, 'Lambda', 'TagResource', (abortSignal) =>
      target.clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: set }), {
        abortSignal,
      }),
    );
  }
  if (remove.length > 0) {
    await callAws(target, options, 'Lambda', 'UntagResource', (abortSignal) =>
      target.clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: remove }), {
        abortSignal,
      }),
    );
  }
  return Object.keys(set).length > 0 || remove.length > 0;
}

/** An update call, tried again after waiting when Lambda answers 409 (an update in progress). */
async function updateWithConflictRetry(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  name: string,
  operation: string,
  send: (abortSignal: AbortSignal | undefined) => Promise<unknown>,
): Promise<void> {
  await retry(
    () => callAws(target, options, 'Lambda', operation, send),
    {
      what: `Lambda ${operation} ${name}`,
      retryOn: (error) => awsErrorName(error) === 'ResourceConflictException',
      attempts: MAX_CONFLICT_RETRIES + 1,
      event: {
        what: `Lambda ${operation} ${name}`,
        reason: 'another update of the function is in progress',
      },
      // Lambda says when the update in progress is over: waited for, not slept on.
      wait: async () => {
        await waitForFunction(target, options, name, {
          waitSeconds: options.waitSeconds,
          acceptFailed: true,
        });
      },
    },
    options,
  );
}

function sameRecord(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  const other = b ?? {};
  const keys = Object.keys(a);
  return keys.length === Object.keys(other).length && keys.every((key) => a[key] === other[key]);
}
