// A new function: CreateFunction as the role given or lambdash's default one, tried again while
// IAM is still making a new role known to Lambda (its one error for that, not a blind sleep),
// then waited for until Active. A creation that fails takes back the role made for it, unless
// the function came to be all the same.
import { CreateFunctionCommand, type GetFunctionResponse } from '@aws-sdk/client-lambda';
import { callAws } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { LambdashError } from '../common/errors.js';
import { retry } from '../common/retry.js';
import { functionRole } from './lambda-function-role.js';
import {
  FUNCTION_DESCRIPTION,
  type FunctionSettings,
  type LambdaFunctionOptions,
} from './lambda-function-settings.js';
import { readFunction, waitForFunction } from './lambda-function-state.js';
import { deleteLambdaRole } from './lambda-roles.js';

const DEFAULT_ROLE_WAIT_SECONDS = 60;
const FIRST_ROLE_RETRY_MS = 1_000;
const MAX_ROLE_RETRY_MS = 8_000;
const ROLE_NOT_ASSUMABLE = /cannot be assumed by Lambda/i;

type CreateInput = ConstructorParameters<typeof CreateFunctionCommand>[0];

export async function createFunction(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  settings: FunctionSettings,
): Promise<GetFunctionResponse> {
  const { name } = settings;
  const { roleArn, createdRole } = await functionRole(target, options, options.role);
  try {
    await createWithRoleRetry(target, options, {
      FunctionName: name,
      PackageType: 'Image',
      Code: { ImageUri: settings.imageUri },
      Role: roleArn,
      Description: FUNCTION_DESCRIPTION,
      ...(options.timeout !== undefined ? { Timeout: options.timeout } : {}),
      ...(options.memorySize !== undefined ? { MemorySize: options.memorySize } : {}),
      ...(options.architecture ? { Architectures: [options.architecture] } : {}),
      ...(settings.environment ? { Environment: { Variables: settings.environment } } : {}),
      Tags: settings.tags,
    });
  } catch (error) {
    throw await afterFailedCreate(target, options, name, createdRole, error);
  }
  return waitForFunction(target, options, name, { waitSeconds: options.waitSeconds });
}

/**
 * CreateFunction, tried again while Lambda cannot assume the role yet: IAM takes a while to
 * make a new role known everywhere, and CreateFunction says so with this one error.
 */
async function createWithRoleRetry(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  input: CreateInput,
): Promise<void> {
  const bound = (options.roleWaitSeconds ?? DEFAULT_ROLE_WAIT_SECONDS) * 1000;
  const started = performance.now();
  await retry(
    () =>
      callAws(target, options, 'Lambda', 'CreateFunction', (abortSignal) =>
        target.clients.lambda.send(new CreateFunctionCommand(input), { abortSignal }),
      ),
    {
      what: `Creating function ${input.FunctionName}`,
      retryOn: isRoleNotYetAssumable,
      firstDelayMs: FIRST_ROLE_RETRY_MS,
      maxDelayMs: MAX_ROLE_RETRY_MS,
      giveUp: (error, next) => {
        const elapsed = performance.now() - started;
        if (elapsed + next.delayMs <= bound) return undefined;
        return new LambdashError(
          'INVALID_ROLE',
          `Lambda cannot assume the role ${input.Role} (still refused after ${Math.round(elapsed / 1000)} s).`,
          'Check that the role trusts lambda.amazonaws.com (sts:AssumeRole). If it was made just now, IAM may need longer: deploy again in a minute.',
          { cause: error },
        );
      },
      event: {
        what: `Lambda CreateFunction ${input.FunctionName}`,
        reason: 'Lambda cannot assume the role yet (IAM is still propagating it)',
      },
    },
    options,
  );
}

function isRoleNotYetAssumable(error: unknown): boolean {
  return (
    awsErrorName(error) === 'InvalidParameterValueException' &&
    error instanceof Error &&
    ROLE_NOT_ASSUMABLE.test(error.message)
  );
}

/**
 * The error of a CreateFunction that failed or was cancelled, once what it left is seen to. The
 * call may have reached Lambda all the same (cancelled while the answer was on its way): then
 * the function runs as the role made for it, which stays. Otherwise that role is taken back.
 */
async function afterFailedCreate(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  name: string,
  createdRole: string | undefined,
  error: unknown,
): Promise<unknown> {
  // Without the caller's signal: a cancelled deployment still cleans up after itself.
  const quiet = options.onEvent ? { onEvent: options.onEvent } : {};
  const exists = await readFunction(target, quiet, name).then(
    (response) => response !== undefined,
    () => undefined, // unknown: the role stays
  );
  if (exists) {
    return withHint(
      error,
      `The function ${name} was made all the same: deploy again to finish it, or delete it with deleteLambdaFunction('${name}', { deleteRole: true }).`,
    );
  }
  if (!createdRole) return error;
  const removed =
    exists === false &&
    (await deleteLambdaRole(createdRole, { ...quiet, target }).then(
      () => true,
      () => false,
    ));
  return removed
    ? error
    : withHint(
        error,
        `The role ${createdRole} made for the function is left: delete it with deleteLambdaRole('${createdRole}').`,
      );
}

/** The same error with more to say in its hint. */
function withHint(error: unknown, more: string): unknown {
  if (!(error instanceof LambdashError)) return error;
  const hint = error.hint ? `${error.hint} ${more}` : more;
  return new LambdashError(error.code, error.message, hint, { cause: error.cause });
}
