// Images in ECR repositories, known by their digest: found from a local image (the digests the
// engine recorded when it pushed), from a Lambda function (the digest Lambda resolved), or from
// a name; listed with DescribeImages per repository; deleted by digest.
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  type ImageDetail,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr';
import { type AwsOptions, callAwsIfFound, collectPages } from '../aws/aws-call.js';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../aws/aws-resources.js';
import { type AwsTarget, targetOf } from '../aws/aws-target.js';
import { isLambdashError, LambdashError } from '../common/errors.js';
import { mapLimited } from '../common/map-limited.js';
import { validateImageName } from '../common/names.js';
import { inspectImage } from '../images/docker.js';
import type { LocalImage } from '../images/types.js';
import {
  type EcrReference,
  parseEcrReference,
  registryOf,
  repoOfImageName,
} from './ecr-reference.js';
import { findEcrRepo, getAllEcrRepos } from './ecr-repos.js';

/** DescribeImages calls in flight at once (one repository each). */
const REPO_READS = 5;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REPO_GONE = ['RepositoryNotFoundException'];
const IMAGE_GONE = ['RepositoryNotFoundException', 'ImageNotFoundException'];

/** The repository part of a RemoteImage: its tags are the image's labels (ECR tags repositories, not images). */
type RepoRef = Pick<EcrRepo, 'name' | 'uri' | 'tags'>;

/**
 * A remote image: of a local image (by the digests the engine recorded when it was pushed), of
 * a Lambda function (the digest it runs), by name: `repo` (its newest image), `repo:tag`,
 * `repo@sha256:...` or a full URI, or by its digest alone (`sha256:...`, in whichever repository
 * holds it). REMOTE_IMAGE_NOT_FOUND when there is none; AMBIGUOUS_IMAGE when a digest is in
 * several repositories.
 */
export async function getRemoteImage(
  of: LocalImage | LambdaFunction | string,
  options: AwsOptions = {},
): Promise<RemoteImage> {
  if (typeof of === 'string') {
    return DIGEST.test(of)
      ? byDigest(of, options)
      : byReference(parseEcrReference(of), of, options);
  }
  if ('imageUri' in of) {
    const uri = of.resolvedImageUri ?? of.imageUri;
    return byReference(parseEcrReference(uri), `${uri} (function ${of.name})`, options);
  }
  return ofLocalImage(of, options);
}

/**
 * Every image of these repositories (default: those lambdash made, as Jot's; with
 * `generatedOnly: false`, every repository), newest first. One paginated DescribeImages per
 * repository, a few at a time, and the repositories' tags (one call each): they pick lambdash's
 * and are the images' labels. Repositories given are listed as they are.
 */
export async function getAllRemoteImages(
  options: AwsOptions & {
    readonly repos?: readonly EcrRepo[];
    readonly generatedOnly?: boolean;
  } = {},
): Promise<RemoteImage[]> {
  const target = await targetOf(options);
  const repos: readonly RepoRef[] =
    options.repos ??
    (await getAllEcrRepos({ ...options, target, generatedOnly: options.generatedOnly ?? true }));
  const lists = await mapLimited(repos, REPO_READS, (repo) => listImages(target, options, repo));
  return lists.flat().sort((a, b) => b.pushed.getTime() - a.pushed.getTime());
}

/** Deletes an image (every tag that names it) by its digest; one already gone is fine. */
export async function deleteRemoteImage(
  image: RemoteImage,
  options: AwsOptions = {},
): Promise<void> {
  validateImageName(image.repo);
  if (!DIGEST.test(image.digest)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${image.digest}" is not an image digest.`,
      'Pass a RemoteImage as getRemoteImage or getAllRemoteImages return it.',
    );
  }
  const target = await targetOf(options);
  const answer = await callAwsIfFound(
    target,
    options,
    'ECR',
    'BatchDeleteImage',
    REPO_GONE,
    (abortSignal) =>
      target.clients.ecr.send(
        new BatchDeleteImageCommand({
          repositoryName: image.repo,
          imageIds: [{ imageDigest: image.digest }],
        }),
        { abortSignal },
      ),
  );
  const failure = answer?.failures?.find((f) => f.failureCode !== 'ImageNotFound');
  if (failure) {
    throw new LambdashError(
      'AWS_FAILED',
      `ECR did not delete ${image.uri}: ${failure.failureCode}: ${failure.failureReason ?? ''}`,
      'Try again; if it persists, check the image in the ECR console.',
    );
  }
}

/** One image of a repository, or undefined when the repository or the image is not there. */
export async function describeImage(
  target: AwsTarget,
  options: AwsOptions,
  repo: RepoRef,
  imageId: ImageIdentifier,
): Promise<RemoteImage | undefined> {
  const answer = await callAwsIfFound(
    target,
    options,
    'ECR',
    'DescribeImages',
    IMAGE_GONE,
    (abortSignal) =>
      target.clients.ecr.send(
        new DescribeImagesCommand({ repositoryName: repo.name, imageIds: [imageId] }),
        { abortSignal },
      ),
  );
  const detail = answer?.imageDetails?.[0];
  return detail ? toRemoteImage(detail, repo) : undefined;
}

/**
 * An image by its digest alone, in whichever repository holds it: the lineage joins remote
 * images by repository and digest, so one DescribeImages per repository asks each for it.
 */
async function byDigest(digest: string, options: AwsOptions): Promise<RemoteImage> {
  const target = await targetOf(options);
  const repos = await getAllEcrRepos({ ...options, target, generatedOnly: false });
  const found = await mapLimited(repos, REPO_READS, (repo) =>
    describeImage(target, options, repo, { imageDigest: digest }),
  );
  const images = found.filter((image): image is RemoteImage => image !== undefined);
  const [only, ...others] = images;
  if (only && others.length === 0) return only;
  if (!only) {
    throw notFound(
      `No ECR repository holds an image ${digest}.`,
      'Push the image first (lambdash push; pushToEcr), or list the remote images (lambdash ls; getAllRemoteImages).',
    );
  }
  const uris = images.map((image) => `${image.repo}@${digest}`).sort();
  throw new LambdashError(
    'AMBIGUOUS_IMAGE',
    `The image ${digest} is in ${uris.length} repositories: ${uris.join(', ')}.`,
    `Name it with its repository, for example getRemoteImage('${uris[0]}').`,
  );
}

async function byReference(
  reference: EcrReference,
  named: string,
  options: AwsOptions,
): Promise<RemoteImage> {
  const target = await targetOf(options);
  const repo = await findEcrRepo(target, options, reference.repo);
  if (!repo) {
    throw notFound(
      `There is no ECR repository ${reference.repo}, so no image ${named}.`,
      'Push the image first (lambdash push; pushToEcr), or list the remote images (lambdash ls; getAllRemoteImages).',
    );
  }
  if (reference.registry && reference.registry !== registryOf(repo.uri)) {
    throw notFound(
      `${named} is in the registry ${reference.registry}, not in this target's (${registryOf(repo.uri)}).`,
      'Name the image by its repository and tag or digest, or connect to the account and region that hold it.',
    );
  }
  if (!reference.tag && !reference.digest) {
    const [newest] = (await listImages(target, options, repo)).sort(
      (a, b) => b.pushed.getTime() - a.pushed.getTime(),
    );
    if (newest) return newest;
    throw notFound(
      `The repository ${repo.name} holds no image.`,
      'Push one first (lambdash push; pushToEcr).',
    );
  }
  const image = await describeImage(target, options, repo, {
    ...(reference.digest ? { imageDigest: reference.digest } : {}),
    ...(reference.tag ? { imageTag: reference.tag } : {}),
  });
  if (image) return image;
  throw notFound(
    `The repository ${repo.name} has no image ${named}.`,
    "Check the tag or digest, or list the repository's images (getAllRemoteImages({ repos: [repo] })).",
  );
}

/**
 * A local image's remote copy: the engine records `<repoUri>@<digest>` for every push (its
 * RepoDigests), read afresh here since the LocalImage may predate the push. Repositories named
 * like the image are tried first.
 */
async function ofLocalImage(image: LocalImage, options: AwsOptions): Promise<RemoteImage> {
  // Without the engine (stopped, another machine), the digests the LocalImage carries still count.
  const fresh = await inspectImage(image.id, options.signal).catch((error: unknown) => {
    if (isLambdashError(error, 'ABORTED')) throw error;
    return undefined;
  });
  const pushed: { uri: string; reference: EcrReference & { digest: string } }[] = [];
  for (const uri of fresh?.RepoDigests ?? image.digests) {
    let reference: EcrReference;
    try {
      reference = parseEcrReference(uri);
    } catch {
      continue; // a reference ECR could not hold
    }
    if (reference.registry && reference.digest) {
      pushed.push({ uri, reference: { ...reference, digest: reference.digest } });
    }
  }
  const ownRepo = repoOfImageName(image.name);
  pushed.sort(
    (a, b) => Number(b.reference.repo === ownRepo) - Number(a.reference.repo === ownRepo),
  );
  const target = await targetOf(options);
  const repos = new Map<string, RepoRef | undefined>();
  for (const { reference } of pushed) {
    if (!repos.has(reference.repo)) {
      repos.set(reference.repo, await findEcrRepo(target, options, reference.repo));
    }
    const repo = repos.get(reference.repo);
    // The same repository name in another registry (another account, region or local cloud).
    if (!repo || repo.uri !== `${reference.registry}/${reference.repo}`) continue;
    const remote = await describeImage(target, options, repo, { imageDigest: reference.digest });
    if (remote) return remote;
  }
  const what = image.ref || image.id;
  throw notFound(
    `The local image ${what} has not been pushed to this target's ECR${pushed.length > 0 ? ' (or its remote copy was deleted)' : ''}.`,
    'Push it first (lambdash push; pushToEcr).',
  );
}

/** Every image of a repository ([] when it was deleted meanwhile). */
async function listImages(
  target: AwsTarget,
  options: AwsOptions,
  repo: RepoRef,
): Promise<RemoteImage[]> {
  let gone = false;
  const details = await collectPages(
    async (nextToken) => {
      const page = await callAwsIfFound(
        target,
        options,
        'ECR',
        'DescribeImages',
        REPO_GONE,
        (abortSignal) =>
          target.clients.ecr.send(
            new DescribeImagesCommand({
              repositoryName: repo.name,
              maxResults: 1000,
              ...(nextToken ? { nextToken } : {}),
            }),
            { abortSignal },
          ),
      );
      gone ||= page === undefined;
      return page;
    },
    (page) => ({ items: page?.imageDetails, next: page?.nextToken }),
  );
  if (gone) return [];
  // Signatures and attestations attached to an image (ECR's referrers) are not images to run.
  return details
    .filter((detail) => !detail.subjectManifestDigest)
    .map((detail) => toRemoteImage(detail, repo));
}

export function toRemoteImage(detail: ImageDetail, repo: RepoRef): RemoteImage {
  const digest = detail.imageDigest ?? '';
  return {
    repo: repo.name,
    repoUri: repo.uri,
    digest,
    uri: `${repo.uri}@${digest}`,
    tags: [...(detail.imageTags ?? [])].sort(),
    pushed: detail.imagePushedAt ?? new Date(0),
    size: detail.imageSizeInBytes ?? 0,
    mediaType: detail.imageManifestMediaType,
    labels: repo.tags,
  };
}

function notFound(message: string, hint: string): LambdashError {
  return new LambdashError('REMOTE_IMAGE_NOT_FOUND', message, hint);
}
