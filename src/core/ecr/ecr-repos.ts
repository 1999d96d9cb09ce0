// ECR repositories: found by name (or by the local image that goes in them), listed, created
// with lambdash's lineage tags, deleted. A repository's tags are read with
// ListTagsForResource, one call per repository: ECR has no batch tag read (DescribeRepositories
// leaves tags out), so listing reads them a few at a time.
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  type Repository,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { type AwsOptions, callAws, callAwsIfFound, collectPages } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { EcrRepo } from '../aws/aws-resources.js';
import { resourceTags, tagChanges } from '../aws/aws-tags.js';
import { type AwsTarget, targetOf } from '../aws/aws-target.js';
import { LambdashError } from '../common/errors.js';
import { LABELS } from '../common/labels.js';
import { mapLimited } from '../common/map-limited.js';
import { validateImageName } from '../common/names.js';
import type { LocalImage } from '../images/types.js';
import { repoOfImageName } from './ecr-reference.js';

/** ListTagsForResource calls in flight at once: one per repository, so few enough not to be throttled. */
const TAG_READS = 5;
const NOT_FOUND = ['RepositoryNotFoundException'];

export interface CreateEcrRepoOptions extends AwsOptions {
  readonly scanOnPush?: boolean;
  /** The user's tags (checked as labels: no dev.lambdash. prefix). */
  readonly userLabels?: Readonly<Record<string, string>>;
  /** lambdash's lineage tags (dev.lambdash.*), from the image's labels. */
  readonly lineageTags?: Readonly<Record<string, string>>;
}

/** A repository by name, or the one a local image goes to (named as the image). REPO_NOT_FOUND when missing. */
export async function getEcrRepo(
  nameOrImage: string | LocalImage,
  options: AwsOptions = {},
): Promise<EcrRepo> {
  const name = validateImageName(
    typeof nameOrImage === 'string' ? nameOrImage : repoOfImageName(nameOrImage.name),
  );
  const found = await findEcrRepo(await targetOf(options), options, name);
  if (!found) throw repoNotFound(name);
  return found;
}

/** The repository with its tags, or undefined when there is none by that name. */
export async function findEcrRepo(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
): Promise<EcrRepo | undefined> {
  const found = await findRepository(target, options, name);
  const tags = found && (await readTags(target, options, found));
  return found && tags ? toEcrRepo(found, tags) : undefined;
}

/**
 * The repositories lambdash made (Jot's default: generated only), or with
 * `generatedOnly: false` every repository, tags included.
 */
export async function getAllEcrRepos(
  options: AwsOptions & { readonly generatedOnly?: boolean } = {},
): Promise<EcrRepo[]> {
  const generatedOnly = options.generatedOnly ?? true;
  const target = await targetOf(options);
  const listed = await listRepositories(target, options);
  // Tags decide what generatedOnly keeps, and ECR reads them one repository at a time: a
  // bounded fan-out keeps a large account quick without a burst AWS would throttle.
  const repos = await mapLimited(listed, TAG_READS, async (repository) => {
    const tags = await readTags(target, options, repository);
    // Deleted since the list was read: left out.
    return tags ? toEcrRepo(repository, tags) : undefined;
  });
  return repos
    .filter(
      (repo): repo is EcrRepo =>
        repo !== undefined && (!generatedOnly || repo.tags[LABELS.generated] === 'true'),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Creates a repository with these tags. One that exists already is returned, its tags updated
 * (and its scan-on-push setting, when given); the name is checked before any call.
 */
export async function createEcrRepo(
  name: string,
  options: CreateEcrRepoOptions = {},
): Promise<EcrRepo> {
  validateImageName(name);
  const tags = resourceTags(options.lineageTags, options.userLabels);
  const target = await targetOf(options);
  const existing = await findRepository(target, options, name);
  if (existing) return updateRepository(target, options, existing, tags);
  try {
    const created = await callAws(target, options, 'ECR', 'CreateRepository', (abortSignal) =>
      target.clients.ecr.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageScanningConfiguration: { scanOnPush: options.scanOnPush ?? false },
          tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
        { abortSignal },
      ),
    );
    if (!created.repository) {
      throw new LambdashError(
        'AWS_FAILED',
        `ECR CreateRepository answered without the repository ${name}.`,
        'Look it up (getEcrRepo), or try again.',
      );
    }
    return toEcrRepo(created.repository, tags);
  } catch (error) {
    if (awsErrorName(error) !== 'RepositoryAlreadyExistsException') throw error;
    // Created by someone else since we looked: theirs is updated like any existing one.
    const raced = await findRepository(target, options, name);
    if (!raced) throw error;
    return updateRepository(target, options, raced, tags);
  }
}

/**
 * Deletes a repository; one already gone is fine, named or given. One that still holds images
 * is refused unless `force` (which deletes them too).
 */
export async function deleteEcrRepo(
  repo: EcrRepo | string,
  options: AwsOptions & { readonly force?: boolean } = {},
): Promise<void> {
  const name = validateImageName(typeof repo === 'string' ? repo : repo.name);
  const target = await targetOf(options);
  try {
    await callAws(target, options, 'ECR', 'DeleteRepository', (abortSignal) =>
      target.clients.ecr.send(
        new DeleteRepositoryCommand({ repositoryName: name, force: options.force ?? false }),
        { abortSignal },
      ),
    );
  } catch (error) {
    const reason = awsErrorName(error);
    if (reason === 'RepositoryNotFoundException') return;
    if (reason === 'RepositoryNotEmptyException') {
      // The SDK's error stays the cause: awsErrorName() still says RepositoryNotEmptyException.
      throw new LambdashError(
        'AWS_FAILED',
        `The repository ${name} still holds images, so ECR will not delete it.`,
        'Delete its images first (deleteRemoteImage), or delete the repository with force (its images go with it).',
        { cause: (error as LambdashError).cause },
      );
    }
    throw error;
  }
}

/** Every repository's description, without tags (paginated DescribeRepositories). */
export function listRepositories(target: AwsTarget, options: AwsOptions): Promise<Repository[]> {
  return collectPages(
    (nextToken) =>
      callAws(target, options, 'ECR', 'DescribeRepositories', (abortSignal) =>
        target.clients.ecr.send(
          new DescribeRepositoriesCommand({
            maxResults: 1000,
            ...(nextToken ? { nextToken } : {}),
          }),
          { abortSignal },
        ),
      ),
    (page) => ({ items: page.repositories, next: page.nextToken }),
  );
}

/** The repository's description without its tags, or undefined when there is none by that name. */
export async function findRepository(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
): Promise<Repository | undefined> {
  const answer = await callAwsIfFound(
    target,
    options,
    'ECR',
    'DescribeRepositories',
    NOT_FOUND,
    (abortSignal) =>
      target.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), {
        abortSignal,
      }),
  );
  return answer?.repositories?.[0];
}

export function repoNotFound(name: string): LambdashError {
  return new LambdashError(
    'REPO_NOT_FOUND',
    `There is no ECR repository ${name}.`,
    'Push an image to create it (lambdash push; pushToEcr), create it (createEcrRepo), or list the repositories (lambdash ls; getAllEcrRepos).',
  );
}

/** Tags what differs, updates scan-on-push when asked to, and returns the repository as it is now. */
async function updateRepository(
  target: AwsTarget,
  options: CreateEcrRepoOptions,
  repository: Repository,
  tags: Record<string, string>,
): Promise<EcrRepo> {
  const name = repository.repositoryName ?? '';
  const current = await readTags(target, options, repository);
  if (!current) throw repoNotFound(name);
  // A new lineage (a push's) replaces the old one; the user's tags alone leave it be.
  const { set, remove } = tagChanges(current, tags, options.lineageTags !== undefined);
  if (Object.keys(set).length > 0) {
    await callAws(target, options, 'ECR', 'TagResource', (abortSignal) =>
      target.clients.ecr.send(
        new TagResourceCommand({
          resourceArn: repository.repositoryArn,
          tags: Object.entries(set).map(([Key, Value]) => ({ Key, Value })),
        }),
        { abortSignal },
      ),
    );
  }
  if (remove.length > 0) {
    await callAws(target, options, 'ECR', 'UntagResource', (abortSignal) =>
      target.clients.ecr.send(
        new UntagResourceCommand({ resourceArn: repository.repositoryArn, tagKeys: remove }),
        { abortSignal },
      ),
    );
  }
  let updated = repository;
  const scanOnPush = options.scanOnPush;
  if (
    scanOnPush !== undefined &&
    scanOnPush !== (repository.imageScanningConfiguration?.scanOnPush ?? false)
  ) {
    await callAws(target, options, 'ECR', 'PutImageScanningConfiguration', (abortSignal) =>
      target.clients.ecr.send(
        new PutImageScanningConfigurationCommand({
          repositoryName: name,
          imageScanningConfiguration: { scanOnPush },
        }),
        { abortSignal },
      ),
    );
    updated = { ...repository, imageScanningConfiguration: { scanOnPush } };
  }
  const kept = Object.fromEntries(Object.entries(current).filter(([key]) => !remove.includes(key)));
  return toEcrRepo(updated, { ...kept, ...tags });
}

/** The repository's tags, or undefined when it was deleted meanwhile. */
async function readTags(
  target: AwsTarget,
  options: AwsOptions,
  repository: Repository,
): Promise<Record<string, string> | undefined> {
  const answer = await callAwsIfFound(
    target,
    options,
    'ECR',
    'ListTagsForResource',
    NOT_FOUND,
    (abortSignal) =>
      target.clients.ecr.send(
        new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }),
        { abortSignal },
      ),
  );
  if (!answer) return undefined;
  return Object.fromEntries((answer.tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

export function toEcrRepo(repository: Repository, tags: Record<string, string>): EcrRepo {
  return {
    name: repository.repositoryName ?? '',
    uri: repository.repositoryUri ?? '',
    arn: repository.repositoryArn ?? '',
    registryId: repository.registryId ?? '',
    created: repository.createdAt ?? new Date(0),
    scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
    // ECR's *_WITH_EXCLUSION settings are immutable or mutable but for some tags.
    tagMutability: repository.imageTagMutability?.startsWith('IMMUTABLE') ? 'IMMUTABLE' : 'MUTABLE',
    tags,
  };
}
