// Lambda functions from images in ECR: created, or updated in place (lambda-function-update.ts:
// never deleted and made again, so the ARN, triggers and permissions stay), read back, listed
// and deleted. Everything a call could be refused for is checked before the first call.
import { DeleteFunctionCommand, type GetFunctionResponse } from '@aws-sdk/client-lambda';
import { type AwsOptions, callAwsIfFound } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { LambdaFunction } from '../aws/aws-resources.js';
import { type AwsTarget, targetOf } from '../aws/aws-target.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { LABELS } from '../common/labels.js';
import { mapLimited } from '../common/map-limited.js';
import { validateFunctionName } from '../common/names.js';
import { findRepository, repoNotFound } from '../ecr/ecr-repos.js';
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
  const imageUri = 'digest' in image ? image.uri : await imageUriOf(target, options, image);
  const existing = await readFunction(target, options, checked.name);
  const settings = { ...checked, imageUri };
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

/** The function (FUNCTION_NOT_FOUND when missing); a repository name `team/api` finds `team-api`. */
export async function getLambdaFunction(
  nameOrRepo: string,
  options: AwsOptions = {},
): Promise<LambdaFunction> {
  const name = validateFunctionName(functionNameOf(nameOrRepo));
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
  if (options.deleteRole && role) await deleteRoleOfDeletedFunction(target, options, role);
}

/** `{ repo, tag }` → `<repoUri>@sha256:…`: a function runs one image, named by its digest. */
async function imageUriOf(
  target: AwsTarget,
  options: AwsOptions,
  image: { readonly repo: string; readonly tag: string },
): Promise<string> {
  const repository = await findRepository(target, options, image.repo);
  if (!repository) throw repoNotFound(image.repo);
  const repo = { name: image.repo, uri: repository.repositoryUri ?? '' };
  const found = await describeImage(target, options, repo, { imageTag: image.tag });
  if (found) return found.uri;
  throw new LambdashError(
    'REMOTE_IMAGE_NOT_FOUND',
    `Repository ${image.repo} has no image tagged ${image.tag}.`,
    'Push the image with that tag first (lambdash push; pushToEcr), or name a tag the repository has (lambdash ls; getAllRemoteImages).',
  );
}
