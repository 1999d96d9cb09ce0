// Lambda functions from images in ECR: created, or updated in place (code, then configuration,
// then tags, each waited for: never deleted and made again, so the ARN, triggers and
// permissions stay), read back, listed and deleted. Everything a call could be refused for is
// checked before the first call.
import { DescribeImagesCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  type GetFunctionResponse,
  ListFunctionsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { type AwsOptions, callAws, callAwsIfFound, collectPages } from './aws-call.js';
import { awsErrorName } from './aws-errors.js';
import type { Architecture, LambdaFunction, LambdaRole, RemoteImage } from './aws-resources.js';
import { type AwsTarget, targetOf } from './aws-target.js';
import { delay } from './delay.js';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit } from './events.js';
import { LABEL_PREFIX, LABELS } from './labels.js';
import {
  checkArchitecture,
  checkEnvironment,
  checkImageReference,
  checkMemorySize,
  checkTimeout,
  checkWaitSeconds,
  functionNameOf,
  functionTags,
} from './lambda-function-settings.js';
import {
  FUNCTION_NOT_FOUND,
  functionNotFound,
  functionOf,
  readFunction,
  waitForFunction,
} from './lambda-function-state.js';
import {
  DEFAULT_ROLE_NAME,
  deleteGeneratedRole,
  deleteLambdaRole,
  ensureLambdaRole,
  getLambdaRole,
  roleNameOf,
} from './lambda-roles.js';
import { mapLimited } from './map-limited.js';
import { validateFunctionName } from './names.js';

export { functionNameOf } from './lambda-function-settings.js';

export interface LambdaFunctionOptions extends AwsOptions {
  /** The function's name (default: the image's repository, `team/api` → `team-api`). */
  readonly name?: string;
  /** The role it runs as (default: createLambdaRole(), when the function is created). */
  readonly role?: LambdaRole | string;
  /** Seconds, 1–900 (Lambda's default 3 on creation). */
  readonly timeout?: number;
  /** MB, 128–10240 (Lambda's default 128 on creation). */
  readonly memorySize?: number;
  readonly architecture?: Architecture;
  /** Replaces the function's environment variables when given. */
  readonly environment?: Record<string, string>;
  readonly userLabels?: Record<string, string>;
  /** lambdash's lineage tags (dev.lambdash.*), set by LambdaComponents from the local image's labels. */
  readonly lineageTags?: Record<string, string>;
  /** Bound on waiting for Active/Successful, seconds (default 300). */
  readonly waitSeconds?: number;
  /**
   * Bound on retrying CreateFunction while IAM makes a new role known to Lambda, seconds
   * (default 60; IAM usually takes under ten).
   */
  readonly roleWaitSeconds?: number;
}

/**
 * The description lambdash gives its functions. ListFunctions returns descriptions but not
 * tags, so `generatedOnly` picks lambdash's functions from it without a call per function of
 * the account; the tag (GetFunction) then confirms each.
 */
const FUNCTION_DESCRIPTION = 'Deployed by lambdash (dev.lambdash.generated).';
const DEFAULT_ROLE_WAIT_SECONDS = 60;
const FIRST_ROLE_RETRY_MS = 1_000;
const MAX_ROLE_RETRY_MS = 8_000;
/** Updates refused with 409 (another update in progress) are tried again this many times. */
const MAX_CONFLICT_RETRIES = 5;
const READ_CONCURRENCY = 8;
const ROLE_NOT_ASSUMABLE = /cannot be assumed by Lambda/i;

/**
 * Creates the function from the image, or updates the existing one in place (code, then
 * configuration, then tags), and waits until it is Active with its last update Successful.
 */
export async function createLambdaFunction(
  image: RemoteImage | { readonly repo: string; readonly tag: string },
  options: LambdaFunctionOptions = {},
): Promise<LambdaFunction> {
  const name = validateFunctionName(options.name ?? functionNameOf(image.repo));
  checkImageReference(image);
  checkTimeout(options.timeout);
  checkMemorySize(options.memorySize);
  checkArchitecture(options.architecture);
  checkWaitSeconds(options.waitSeconds, 'waitSeconds');
  checkWaitSeconds(options.roleWaitSeconds, 'roleWaitSeconds');
  const environment = checkEnvironment(options.environment);
  const tags = functionTags(options.userLabels, options.lineageTags);
  if (typeof options.role === 'string') roleNameOf(options.role);
  throwIfAborted(options.signal, `Deploying function ${name}`);

  const target = await targetOf(options);
  const imageUri = 'digest' in image ? image.uri : await resolveImageUri(target, options, image);
  const existing = await readFunction(target, options, name);
  const settings = { name, imageUri, environment, tags };
  const settled = existing
    ? await updateFunction(target, options, settings, existing)
    : await createFunction(target, options, settings);
  return functionOf(settled);
}

/** The function (FUNCTION_NOT_FOUND when missing); a repository name `team/api` finds `team-api`. */
export async function getLambdaFunction(
  nameOrRepo: string,
  options: AwsOptions = {},
): Promise<LambdaFunction> {
  const name = validateFunctionName(
    typeof nameOrRepo === 'string' ? functionNameOf(nameOrRepo) : nameOrRepo,
  );
  const target = await targetOf(options);
  const response = await readFunction(target, options, name);
  if (!response) throw functionNotFound(name);
  return functionOf(response);
}

/**
 * Every function of the account and region (paginated ListFunctions); with `generatedOnly`,
 * those lambdash deployed.
 *
 * ListFunctions gives neither the image nor the tags, so each function kept is read with
 * GetFunction (configuration, code and tags in one call; ListTags would give the tags only), a
 * few at a time. `generatedOnly` first keeps the functions whose description is lambdash's,
 * which ListFunctions does return, so the reads are one per lambdash function, not one per
 * function of the account; the `dev.lambdash.generated` tag then confirms each.
 */
export async function getAllLambdaFunctions(
  options: AwsOptions & { readonly generatedOnly?: boolean } = {},
): Promise<LambdaFunction[]> {
  const target = await targetOf(options);
  const listed = await listFunctions(target, options);
  const kept = listed.filter(
    (config) => !options.generatedOnly || config.Description === FUNCTION_DESCRIPTION,
  );
  const read = await mapLimited(kept, READ_CONCURRENCY, (config) =>
    // Deleted since the list was read: left out.
    readFunction(target, options, config.FunctionName ?? ''),
  );
  return read
    .filter((response): response is GetFunctionResponse => response !== undefined)
    .map(functionOf)
    .filter((fn) => !options.generatedOnly || fn.tags[LABELS.generated] === 'true');
}

/**
 * Deletes the function (FUNCTION_NOT_FOUND when missing). With `deleteRole`, also its role when
 * lambdash made it and no other function still runs as it.
 */
export async function deleteLambdaFunction(
  fn: LambdaFunction | string,
  options: AwsOptions & { readonly deleteRole?: boolean } = {},
): Promise<void> {
  const name = validateFunctionName(typeof fn === 'string' ? fn : fn.name);
  const target = await targetOf(options);
  let role = typeof fn === 'string' ? undefined : fn.role;
  if (options.deleteRole && role === undefined) {
    const response = await readFunction(target, options, name);
    if (!response) throw functionNotFound(name);
    role = response.Configuration?.Role;
  }
  const deleted = await callAwsIfFound(
    target,
    options,
    'Lambda',
    'DeleteFunction',
    FUNCTION_NOT_FOUND,
    async (abortSignal) => {
      await target.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name }), {
        abortSignal,
      });
      return true;
    },
  );
  if (!deleted) throw functionNotFound(name);
  if (!options.deleteRole || !role || isForeignRoleArn(role, target.accountId)) return;
  const others = await listFunctions(target, options);
  if (others.some((other) => other.Role === role)) return;
  await deleteGeneratedRole(role, { ...options, target });
}

/** Every function's configuration (paginated ListFunctions). */
function listFunctions(target: AwsTarget, options: AwsOptions): Promise<FunctionConfiguration[]> {
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

interface Settings {
  readonly name: string;
  readonly imageUri: string;
  readonly environment: Record<string, string> | undefined;
  readonly tags: Record<string, string>;
}

async function createFunction(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  settings: Settings,
): Promise<GetFunctionResponse> {
  const { name } = settings;
  const { roleArn, createdRole } = await roleForCreate(target, options);
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
  return waitForFunction(target, options, name, waitOptions(options));
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
  return new LambdashError(error.code, error.message, error.hint ? `${error.hint} ${more}` : more, {
    cause: error.cause,
  });
}

/** The role a new function runs as: the one given (checked), or lambdash's default one. */
async function roleForCreate(
  target: AwsTarget,
  options: LambdaFunctionOptions,
): Promise<{ roleArn: string; createdRole: string | undefined }> {
  const role = options.role;
  // A role object was read from IAM already; a role of another account cannot be read here.
  if (typeof role === 'object') return { roleArn: role.arn, createdRole: undefined };
  if (typeof role === 'string') {
    if (isForeignRoleArn(role, target.accountId)) return { roleArn: role, createdRole: undefined };
    return {
      roleArn: (await getLambdaRole(role, { ...options, target })).arn,
      createdRole: undefined,
    };
  }
  const made = await ensureLambdaRole({ ...options, target, name: DEFAULT_ROLE_NAME });
  return { roleArn: made.role.arn, createdRole: made.created ? made.role.name : undefined };
}

/**
 * CreateFunction, tried again while Lambda cannot assume the role yet: IAM takes a while to
 * make a new role known everywhere, and CreateFunction says so with this one error.
 */
async function createWithRoleRetry(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  input: ConstructorParameters<typeof CreateFunctionCommand>[0],
): Promise<void> {
  const bound = (options.roleWaitSeconds ?? DEFAULT_ROLE_WAIT_SECONDS) * 1000;
  const started = performance.now();
  let pause = FIRST_ROLE_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await callAws(target, options, 'Lambda', 'CreateFunction', (abortSignal) =>
        target.clients.lambda.send(new CreateFunctionCommand(input), { abortSignal }),
      );
      return;
    } catch (error) {
      const message = (error as LambdashError).message ?? '';
      if (
        awsErrorName(error) !== 'InvalidParameterValueException' ||
        !ROLE_NOT_ASSUMABLE.test(message)
      ) {
        throw error;
      }
      const elapsed = performance.now() - started;
      if (elapsed + pause > bound) {
        throw new LambdashError(
          'INVALID_ROLE',
          `Lambda cannot assume the role ${input.Role} (still refused after ${Math.round(elapsed / 1000)} s).`,
          'Check that the role trusts lambda.amazonaws.com (sts:AssumeRole). If it was made just now, IAM may need longer: deploy again in a minute.',
          { cause: error },
        );
      }
      emit(options, {
        type: 'retry',
        what: `Lambda CreateFunction ${input.FunctionName}`,
        reason: 'Lambda cannot assume the role yet (IAM is still propagating it)',
        attempt,
        delayMs: pause,
      });
      await delay(pause, options.signal, `Creating function ${input.FunctionName}`);
      pause = Math.min(pause * 2, MAX_ROLE_RETRY_MS);
    }
  }
}

async function updateFunction(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  settings: Settings,
  existing: GetFunctionResponse,
): Promise<GetFunctionResponse> {
  const { name } = settings;
  const wait = waitOptions(options);
  // An update still in progress (someone else's) must finish before ours can start.
  const busy =
    existing.Configuration?.State === 'Pending' ||
    existing.Configuration?.LastUpdateStatus === 'InProgress';
  let current = busy
    ? await waitForFunction(target, options, name, { ...wait, acceptFailed: true })
    : existing;
  const config = current.Configuration ?? existing.Configuration ?? {};
  const architectureChanged =
    options.architecture !== undefined && config.Architectures?.[0] !== options.architecture;
  // After a failed update Lambda names the image that failed as the function's code: deployed
  // again, it is tried again (and its failure reported), not taken as already there.
  const failed = config.State === 'Failed' || config.LastUpdateStatus === 'Failed';
  if (current.Code?.ImageUri !== settings.imageUri || failed || architectureChanged) {
    await updateWithConflictRetry(target, options, name, 'UpdateFunctionCode', (abortSignal) =>
      target.clients.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: name,
          ImageUri: settings.imageUri,
          ...(architectureChanged ? { Architectures: [options.architecture as Architecture] } : {}),
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
  settings: Settings,
  config: FunctionConfiguration,
) {
  const changes: {
    Role?: string;
    Timeout?: number;
    MemorySize?: number;
    Environment?: { Variables: Record<string, string> };
    Description?: string;
  } = {};
  if (options.role !== undefined) {
    const { roleArn } = await roleForCreate(target, options);
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
  const have = current.Tags ?? {};
  const changed = Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => have[key] !== value),
  );
  // The user's other tags may come from elsewhere (a console, a pipeline): only ours go.
  const stale = Object.keys(have).filter((key) => key.startsWith(LABEL_PREFIX) && !(key in wanted));
  if (Object.keys(changed).length > 0) {
    await callAws(target, options, 'Lambda', 'TagResource', (abortSignal) =>
      target.clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: changed }), {
        abortSignal,
      }),
    );
  }
  if (stale.length > 0) {
    await callAws(target, options, 'Lambda', 'UntagResource', (abortSignal) =>
      target.clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: stale }), {
        abortSignal,
      }),
    );
  }
  return Object.keys(changed).length > 0 || stale.length > 0;
}

/** An update call, tried again after waiting when Lambda answers 409 (an update in progress). */
async function updateWithConflictRetry(
  target: AwsTarget,
  options: LambdaFunctionOptions,
  name: string,
  operation: string,
  send: (abortSignal: AbortSignal | undefined) => Promise<unknown>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await callAws(target, options, 'Lambda', operation, send);
      return;
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceConflictException' || attempt > MAX_CONFLICT_RETRIES) {
        throw error;
      }
      emit(options, {
        type: 'retry',
        what: `Lambda ${operation} ${name}`,
        reason: 'another update of the function is in progress',
        attempt,
        delayMs: 0,
      });
      await waitForFunction(target, options, name, { ...waitOptions(options), acceptFailed: true });
    }
  }
}

/** `{ repo, tag }` → `<repoUri>@sha256:…`, with ECR's DescribeRepositories and DescribeImages. */
async function resolveImageUri(
  target: AwsTarget,
  options: AwsOptions,
  image: { readonly repo: string; readonly tag: string },
): Promise<string> {
  const [repository, described] = await Promise.all([
    callAwsIfFound(
      target,
      options,
      'ECR',
      'DescribeRepositories',
      ['RepositoryNotFoundException'],
      (abortSignal) =>
        target.clients.ecr.send(
          new DescribeRepositoriesCommand({ repositoryNames: [image.repo] }),
          {
            abortSignal,
          },
        ),
    ),
    callAwsIfFound(
      target,
      options,
      'ECR',
      'DescribeImages',
      ['RepositoryNotFoundException', 'ImageNotFoundException'],
      (abortSignal) =>
        target.clients.ecr.send(
          new DescribeImagesCommand({
            repositoryName: image.repo,
            imageIds: [{ imageTag: image.tag }],
          }),
          { abortSignal },
        ),
    ),
  ]);
  const repoUri = repository?.repositories?.[0]?.repositoryUri;
  if (!repoUri) {
    throw new LambdashError(
      'REPO_NOT_FOUND',
      `There is no ECR repository ${image.repo}.`,
      'Push the image first (pushToEcr), which makes the repository.',
    );
  }
  const digest = described?.imageDetails?.[0]?.imageDigest;
  if (!digest) {
    throw new LambdashError(
      'REMOTE_IMAGE_NOT_FOUND',
      `Repository ${image.repo} has no image tagged ${image.tag}.`,
      `Push the image with that tag first (pushToEcr), or name a tag the repository has (getAllRemoteImages).`,
    );
  }
  return `${repoUri}@${digest}`;
}

/** A role ARN of another account than the target's (which IAM here cannot read). */
function isForeignRoleArn(role: string, accountId?: string): boolean {
  const account = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(role)?.[1];
  return account !== undefined && accountId !== undefined && account !== accountId;
}

function waitOptions(options: LambdaFunctionOptions) {
  return options.waitSeconds !== undefined ? { waitSeconds: options.waitSeconds } : {};
}

function sameRecord(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  const other = b ?? {};
  const keys = Object.keys(a);
  return keys.length === Object.keys(other).length && keys.every((key) => a[key] === other[key]);
}
