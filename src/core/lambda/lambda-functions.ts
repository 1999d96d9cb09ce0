// Lambda functions from images in ECR: created, or updated in place (lambda-function-update.ts:
// never deleted and made again, so the ARN, triggers and permissions stay), read back, listed
// and deleted. Everything a call could be refused for is checked before the first call.
import { DeleteFunctionCommand, type GetFunctionResponse } from '@aws-sdk/client-lambda';
import { type AwsOptions, callAwsIfFound } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../aws/aws-resources.js';
import { withImageLabels } from '../aws/aws-tags.js';
import { type AwsTarget, targetOf } from '../aws/aws-target.js';
import { parseReference } from '../aws/image-reference.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { LABELS } from '../common/labels.js';
import { mapLimited } from '../common/map-limited.js';
import { validateFunctionName, validateImageName } from '../common/names.js';
import { findEcrRepo, findRepository, repoNotFound } from '../ecr/ecr-repos.js';
import { describeImage } from '../ecr/remote-images.js';
import { createFunction } from './lambda-function-create.js';
import { deleteRoleOfDeletedFunction } from './lambda-function-role.js';
import {
  checkFunctionOptions,
  FUNCTION_DESCRIPTION,
  type FunctionImage,
  functionNameOf,
  type LambdaFunctionOptions,
} from './lambda-function-settings.js';
import {
  FUNCTION_NOT_FOUND,
  functionNotFound,
  functionOf,
  listFunctions,
  readFunction,
} from './lambda-function-state.js';
import { updateFunction } from './lambda-function-update.js';

export { functionNameOf, type LambdaFunctionOptions } from './lambda-function-settings.js';

const READ_CONCURRENCY = 8;

/**
 * Creates the function from the image, or updates the existing one in place (code, then
 * configuration, then tags), and waits until it is Active with its last update Successful.
 */
export async function createLambdaFunction(
  image: FunctionImage,
  options: LambdaFunctionOptions = {},
): Promise<LambdaFunction> {
  const checked = checkFunctionOptions(image, options);
  throwIfAborted(options.signal, `Deploying function ${checked.name}`);
  const target = await targetOf(options);
  const remote = 'digest' in image ? image : await remoteImageOf(target, options, image);
  const existing = await readFunction(target, options, checked.name);
  // The image's own labels come along, beneath those given now.
  const tags = withImageLabels(checked.tags, remote.labels ?? {});
  const settings = { ...checked, imageUri: remote.uri, tags };
  const settled = existing
    ? await updateFunction(target, options, settings, existing)
    : await createFunction(target, options, settings).catch(async (error: unknown) => {
        // Another deployment made it since it was read (two at once): update that one.
        if (awsErrorName(error) !== 'ResourceConflictException') throw error;
        const made = await readFunction(target, options, checked.name);
        if (!made) throw error;
        return updateFunction(target, options, settings, made);
      });
  return functionOf(settled);
}

/**
 * A function by any identity Jot accepts. A name finds the function of that name (a repository
 * name `team/api` the one named after it, `team-api`); failing that, or given an EcrRepo, the
 * function that runs an image of that repository, joined as the lineage joins them (by the
 * image Lambda resolved the function's to). FUNCTION_NOT_FOUND when there is none;
 * AMBIGUOUS_FUNCTION, naming them, when several functions run the repository's images.
 */
export async function getLambdaFunction(
  identity: string | EcrRepo,
  options: AwsOptions = {},
): Promise<LambdaFunction> {
  if (typeof identity !== 'string') {
    const target = await targetOf(options);
    return onlyFunctionOf(identity.name, await functionsOfRepo(target, options, identity.name));
  }
  const name = functionNameOf(identity);
  const repoName = isImageName(identity) ? identity : undefined;
  // A repository name may be longer than a function's: then it is looked up as a repository only.
  if (!repoName || isFunctionName(name)) {
    const named = await getLambdaFunctionNamed(identity, options);
    if (named) return named;
  }
  const target = await targetOf(options);
  if (!repoName || !(await findRepository(target, options, repoName))) throw functionNotFound(name);
  const running = await functionsOfRepo(target, options, repoName);
  if (running.length > 0 || !isFunctionName(name)) return onlyFunctionOf(repoName, running);
  throw new LambdashError(
    'FUNCTION_NOT_FOUND',
    `There is no Lambda function ${name}, nor one running an image of the repository ${repoName}.`,
    'Deploy it first (lambdash deploy; createLambdaFunction), or check the name and the region.',
  );
}

/**
 * The function of this name (a repository name `team/api` finds the one named after it,
 * `team-api`), or undefined. The workflows ask this of an entry's own function, which is named
 * after the entry: another function running the same image is not that one.
 */
export async function getLambdaFunctionNamed(
  nameOrRepo: string,
  options: AwsOptions = {},
): Promise<LambdaFunction | undefined> {
  const name = validateFunctionName(functionNameOf(nameOrRepo));
  const response = await readFunction(await targetOf(options), options, name);
  return response && functionOf(response);
}

/**
 * The functions lambdash deployed (Jot's default: generated only); with `generatedOnly: false`,
 * every function of the account and region (paginated ListFunctions).
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
  const generatedOnly = options.generatedOnly ?? true;
  const listed = await listFunctions(target, options);
  const kept = listed.filter(
    (config) => !generatedOnly || config.Description === FUNCTION_DESCRIPTION,
  );
  const read = await mapLimited(kept, READ_CONCURRENCY, (config) =>
    // Deleted since the list was read: left out.
    readFunction(target, options, config.FunctionName ?? ''),
  );
  return read
    .filter((response): response is GetFunctionResponse => response !== undefined)
    .map(functionOf)
    .filter((fn) => !generatedOnly || fn.tags[LABELS.generated] === 'true');
}

/**
 * Deletes the function; one already gone is fine. With `deleteRole`, also its role when lambdash
 * made it and no other function still runs as it (a LambdaFunction already gone still names
 * its role, so a second call finishes what a first one left).
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
    // Gone already, and by name its role cannot be known.
    if (!response) return;
    role = response.Configuration?.Role;
  }
  // Gone already (FUNCTION_NOT_FOUND's ResourceNotFoundException) is what was asked.
  await callAwsIfFound(
    target,
    options,
    'Lambda',
    'DeleteFunction',
    FUNCTION_NOT_FOUND,
    (abortSignal) =>
      target.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name }), {
        abortSignal,
      }),
  );
  if (options.deleteRole && role) await deleteRoleOfDeletedFunction(target, options, role);
}

/** The functions running an image of the repository: the lineage's join of function to image. */
async function functionsOfRepo(
  target: AwsTarget,
  options: AwsOptions,
  repoName: string,
): Promise<LambdaFunction[]> {
  const all = await getAllLambdaFunctions({ ...options, target, generatedOnly: false });
  return all.filter((fn) => parseReference(fn.resolvedImageUri ?? fn.imageUri)?.repo === repoName);
}

function onlyFunctionOf(repoName: string, running: readonly LambdaFunction[]): LambdaFunction {
  const [only, ...others] = running;
  if (only && others.length === 0) return only;
  if (!only) {
    throw new LambdashError(
      'FUNCTION_NOT_FOUND',
      `No Lambda function runs an image of the repository ${repoName}.`,
      'Deploy one from it (lambdash deploy; createLambdaFunction), or check the repository and the region.',
    );
  }
  const names = running.map((fn) => fn.name).sort();
  throw new LambdashError(
    'AMBIGUOUS_FUNCTION',
    `${names.length} Lambda functions run images of the repository ${repoName}: ${names.join(', ')}.`,
    `Name the one you mean by its function name, for example getLambdaFunction('${names[0]}').`,
  );
}

function isImageName(name: string): boolean {
  return passes(() => validateImageName(name));
}

function isFunctionName(name: string): boolean {
  return passes(() => validateFunctionName(name));
}

/** Whether a name check lets the name through (it throws INVALID_NAME otherwise). */
function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** `{ repo, tag }` → the image `<repoUri>@sha256:…`: a function runs one image, named by its digest. */
async function remoteImageOf(
  target: AwsTarget,
  options: AwsOptions,
  image: { readonly repo: string; readonly tag: string },
): Promise<RemoteImage> {
  const repo = await findEcrRepo(target, options, image.repo);
  if (!repo) throw repoNotFound(image.repo);
  const found = await describeImage(target, options, repo, { imageTag: image.tag });
  if (found) return found;
  throw new LambdashError(
    'REMOTE_IMAGE_NOT_FOUND',
    `Repository ${image.repo} has no image tagged ${image.tag}.`,
    'Push the image with that tag first (lambdash push; pushToEcr), or name a tag the repository has (lambdash ls; getAllRemoteImages).',
  );
}
