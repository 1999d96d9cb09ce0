// pushToEcr: a local image into an ECR repository (created when missing, tagged with the image's
// lineage), through the Docker engine, with the ECR token held in memory for this push only.
// The local image keeps the `<repoUri>:<tag>` tag afterwards, as `docker push` leaves it: the
// engine records the pushed digest (RepoDigests) only while a tag names that repository, and
// lineage joins local and remote images by that digest.
import { BatchGetImageCommand } from '@aws-sdk/client-ecr';
import type Docker from 'dockerode';
import { type AwsOptions, callAws } from '../aws/aws-call.js';
import type { EcrRepo, RemoteImage } from '../aws/aws-resources.js';
import { resourceTags, taggableLabels } from '../aws/aws-tags.js';
import { type AwsTarget, targetOf } from '../aws/aws-target.js';
import { abortedBy, LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { getUserLabels, lineageTagsOf } from '../common/labels.js';
import { validateImageName, validateTag } from '../common/names.js';
import { dockerError, getDocker, inspectImage } from '../images/docker.js';
import { DockerStreamError, followDockerStream } from '../images/docker-stream.js';
import { toLocalImage } from '../images/local-image-info.js';
import { getLocalImage } from '../images/local-image-queries.js';
import type { LocalImage } from '../images/types.js';
import { getRegistryAuth } from './ecr-auth.js';
import { registryOf, repoOfImageName } from './ecr-reference.js';
import { createEcrRepo } from './ecr-repos.js';
import {
  ACCEPTED_MEDIA_TYPES,
  checkLambdaManifest,
  checkLambdaPlatform,
} from './manifest-check.js';
import { describeImage } from './remote-images.js';

export interface PushOptions extends AwsOptions {
  /** The repository; by default the image's name. Created when missing. */
  readonly repo?: string;
  /** The tag in the repository; by default the image's tag. */
  readonly tag?: string;
  /** For a repository this push creates: scan images on push. */
  readonly scanOnPush?: boolean;
}

/** A layer's progress is reported at most this often, unless its status changes. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Pushes a local image (or `name[:tag]`, an id) to ECR and returns it as a RemoteImage, after
 * checking that its manifest is one Lambda runs. Emits `push.progress` per layer.
 */
export async function pushToEcr(
  image: LocalImage | string,
  options: PushOptions = {},
): Promise<RemoteImage> {
  if (options.repo !== undefined) validateImageName(options.repo);
  if (options.tag !== undefined) validateTag(options.tag);
  throwIfAborted(options.signal, 'The push');
  const { local, info } = await readLocalImage(image, options.signal);
  if (!options.repo && !local.name) {
    throw new LambdashError(
      'INVALID_NAME',
      `The image ${local.id} has no name to name its repository after.`,
      'Give the repository (lambdash push --repo, or the repo option of pushToEcr), or tag the image first.',
    );
  }
  // An image already pushed may be named by its registry tag (`127.0.0.1:5000/fn`): the
  // repository is the part after the registry.
  const repoName = validateImageName(options.repo ?? repoOfImageName(local.name));
  const tag = validateTag(options.tag ?? (local.tag || 'latest'));
  // The image's own labels (the user's, and any its base brought) as they are, beside its
  // lineage: checked as AWS tags, not as labels the user is giving now.
  const imageTags = { ...taggableLabels(getUserLabels(local)), ...lineageTagsOf(local.labels) };
  resourceTags(imageTags); // AWS's limits, before any call
  // Lambda would refuse it: better said before the upload than after.
  checkLambdaPlatform({ os: info.Os, architecture: info.Architecture, size: info.Size });

  const target = await targetOf(options);
  const repo = await createEcrRepo(repoName, {
    ...options,
    target,
    lineageTags: imageTags,
    ...(options.scanOnPush !== undefined ? { scanOnPush: options.scanOnPush } : {}),
  });
  const auth = await getRegistryAuth(target, options);
  const docker = getDocker();
  const reference = `${repo.uri}:${tag}`;
  // The image the registry tag names now (this one, an earlier build pushed there, or none):
  // a push that does not happen gives the tag back to it.
  const holder = info.RepoTags?.includes(reference)
    ? local.id
    : (await inspectImage(reference, options.signal))?.Id;
  await tagImage(docker, local.id, repo.uri, tag);
  let digest: string;
  try {
    digest = await pushImage(docker, repo, tag, auth, options);
  } catch (error) {
    if (holder !== local.id) {
      await (holder
        ? tagImage(docker, holder, repo.uri, tag)
        : docker.getImage(reference).remove({ noprune: true })
      ).catch(() => undefined);
    }
    throw error;
  }
  await checkPushedManifest(target, options, repo, digest, info);
  const remote = await describeImage(target, options, repo, { imageDigest: digest });
  if (!remote) {
    throw new LambdashError(
      'PUSH_FAILED',
      `The engine pushed ${repo.uri}@${digest}, but ECR does not list it.`,
      'Push again; if it persists, check the repository in the ECR console.',
    );
  }
  return remote;
}

/** The image as the engine knows it now (IMAGE_NOT_FOUND when it is gone). */
async function readLocalImage(
  image: LocalImage | string,
  signal: AbortSignal | undefined,
): Promise<{ local: LocalImage; info: Docker.ImageInspectInfo }> {
  const given = typeof image === 'string' ? await getLocalImage(image) : image;
  const info = await inspectImage(given.id, signal);
  if (!info) {
    throw new LambdashError(
      'IMAGE_NOT_FOUND',
      `The local image ${given.ref || given.id} is gone.`,
      'Build it again (lambdash build; createLocalImage), or list the local images (lambdash ls; getAllLocalImages).',
    );
  }
  // Named as the caller named it, with the engine's current labels.
  return { local: { ...toLocalImage(info, given.ref), name: given.name, tag: given.tag }, info };
}

async function tagImage(docker: Docker, id: string, repo: string, tag: string): Promise<void> {
  try {
    await docker.getImage(id).tag({ repo, tag });
  } catch (error) {
    throw dockerError(error, `tag the image ${repo}:${tag}`);
  }
}

/** Pushes `<repo.uri>:<tag>`, following the engine's stream; returns the manifest's digest. */
async function pushImage(
  docker: Docker,
  repo: EcrRepo,
  tag: string,
  authconfig: { username: string; password: string; serveraddress: string },
  options: OperationOptions,
): Promise<string> {
  const { signal } = options;
  const what = `Pushing ${repo.uri}:${tag}`;
  let stream: NodeJS.ReadableStream & { destroy?: () => void };
  try {
    throwIfAborted(signal, what);
    stream = await docker
      .getImage(repo.uri)
      .push({ tag, authconfig, ...(signal ? { abortSignal: signal } : {}) });
  } catch (error) {
    throw abortedBy(error, signal, what) ?? dockerError(error, `push ${repo.uri}:${tag}`);
  }
  const stop = () => stream.destroy?.();
  signal?.addEventListener('abort', stop, { once: true });
  const progress = layerProgress(options);
  let digest: string | undefined;
  try {
    if (signal?.aborted) stop();
    await followDockerStream(stream, (message) => {
      const aux = (message as { aux?: { Digest?: unknown } }).aux;
      if (typeof aux?.Digest === 'string') digest = aux.Digest;
      progress(message);
    });
    throwIfAborted(signal, what);
  } catch (error) {
    const aborted = abortedBy(error, signal, what);
    if (aborted) throw aborted;
    if (error instanceof DockerStreamError) throw pushFailed(error.message, repo, error);
    throw dockerError(error, `push ${repo.uri}:${tag}`);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  if (!digest) {
    throw pushFailed('the engine finished without reporting the pushed digest', repo);
  }
  return digest;
}

/** The engine's per-layer messages as `push.progress` events, a few per second per layer. */
function layerProgress(options: OperationOptions) {
  const layers = new Map<string, { status: string; at: number; total: number }>();
  return (message: {
    readonly id?: unknown;
    readonly status?: unknown;
    readonly progressDetail?: unknown;
  }) => {
    if (typeof message.id !== 'string' || typeof message.status !== 'string') return;
    const detail = (message.progressDetail ?? {}) as { current?: unknown; total?: unknown };
    const known = layers.get(message.id);
    const total = typeof detail.total === 'number' ? detail.total : (known?.total ?? 0);
    const now = Date.now();
    if (known && known.status === message.status && now - known.at < PROGRESS_INTERVAL_MS) {
      known.total = total;
      return;
    }
    layers.set(message.id, { status: message.status, at: now, total });
    // A finished layer (Pushed, Layer already exists, Mounted from ...) has sent all its bytes.
    const done = !/^(Preparing|Waiting|Pushing)/.test(message.status);
    const bytes = typeof detail.current === 'number' ? detail.current : done ? total : 0;
    emit(options, {
      type: 'push.progress',
      layer: message.id,
      status: message.status,
      bytes,
      total,
    });
  };
}

/** Reads the pushed manifest back from ECR and checks that Lambda can run it. */
async function checkPushedManifest(
  target: AwsTarget,
  options: AwsOptions,
  repo: EcrRepo,
  digest: string,
  info: Docker.ImageInspectInfo,
): Promise<void> {
  const answer = await callAws(target, options, 'ECR', 'BatchGetImage', (abortSignal) =>
    target.clients.ecr.send(
      new BatchGetImageCommand({
        repositoryName: repo.name,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: [...ACCEPTED_MEDIA_TYPES],
      }),
      { abortSignal },
    ),
  );
  const pushed = answer.images?.[0];
  if (!pushed?.imageManifest) {
    const failure = answer.failures?.[0];
    throw pushFailed(
      `ECR cannot return the pushed manifest ${digest}${failure ? ` (${failure.failureCode}: ${failure.failureReason})` : ''}`,
      repo,
    );
  }
  checkLambdaManifest(pushed.imageManifest, pushed.imageManifestMediaType, {
    os: info.Os,
    architecture: info.Architecture,
    size: info.Size,
  });
}

function pushFailed(reason: string, repo: EcrRepo, cause?: unknown): LambdashError {
  const registry = registryOf(repo.uri);
  let hint =
    'Try again; if it keeps failing, read the Docker engine log (journalctl -u docker) for the cause.';
  if (/unauthorized|authentication required|no basic auth|denied|forbidden/i.test(reason)) {
    hint = `The registry refused the upload: the identity in use needs ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage on ${repo.arn || repo.name}.`;
  } else if (/tag invalid|immutable|already exists/i.test(reason)) {
    hint = `The repository ${repo.name} keeps tags immutable and this tag is taken: push under another tag.`;
  } else if (
    /connection refused|no such host|i\/o timeout|dial tcp|HTTP response to HTTPS/i.test(reason)
  ) {
    hint = `The Docker engine cannot reach the registry ${registry}: check the network (for the local cloud: that it still runs; a plain-http registry off 127.0.0.0/8 must be in the engine's insecure-registries).`;
  }
  return new LambdashError(
    'PUSH_FAILED',
    `Pushing to ${repo.uri} failed: ${reason}`,
    hint,
    cause ? { cause } : undefined,
  );
}
