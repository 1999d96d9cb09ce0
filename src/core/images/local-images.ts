// Local images: a responder built into a container image with the Docker engine, and the
// images lambdash made, found again by their labels.
//
// A build produces an untagged image, which takes a temporary tag once the build is over;
// only when it (and its test, if there is test data) succeeded does it take the requested
// name. A failure therefore never leaves a half-built or untested image under the name, and
// the previous good image keeps it. The engine tags nothing itself: when the connection dies
// mid-build, the engine may still finish the image, but leaves it untagged.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { checkBuildAt, checkRuntimeBuilt, clearBuildAt } from '../build/build-context.js';
import { bundleResponder } from '../build/bundle.js';
import {
  getDockerfile,
  imageHandler,
  validateBuildArgs,
  WARMUP_EVENT,
} from '../build/dockerfile.js';
import { installExternals } from '../build/install-externals.js';
import { isTypeScriptEntry, typecheckResponder } from '../build/typecheck.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { LABELS, validateUserLabels } from '../common/labels.js';
import { validateImageName, validateTag } from '../common/names.js';
import { lambdashVersion, runtimeDistDir } from '../common/paths.js';
import type { Responder } from '../responder/responder.js';
import { ensureBaseImage, type Platform } from './base-image.js';
import {
  type BuildSecretValue,
  checkBuildSecretsSupport,
  validateBuildSecrets,
} from './build-secrets.js';
import { dockerError, getDocker, inspectImage } from './docker.js';
import { buildWithRetry } from './image-build.js';
import { noteLeftover, TEMPORARY_TAG_PREFIX, temporaryTag } from './leftovers.js';
import { runLocalImageTest, type TestData } from './local-test.js';
import type { LocalImage } from './types.js';

export type { LocalImage } from './types.js';

export interface LocalImageOptions extends OperationOptions {
  /** Image name; by default the responder's. */
  readonly name?: string;
  readonly tag?: string;
  readonly noCache?: boolean;
  /**
   * Keep the build context in this folder instead of a temporary one. It must be empty, new, or
   * a folder an earlier build used; only what lambdash writes there is replaced.
   */
  readonly buildAt?: string;
  readonly userLabels?: Readonly<Record<string, string>>;
  readonly dockerfileUpdate?: (dockerfile: string) => string;
  /**
   * Declared as ARGs after lambdash's last RUN step, so their values reach no layer's history
   * and no image config. Not for secrets: a RUN step a dockerfileUpdate adds after them records
   * them, as Docker does.
   */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * Values the build's RUN steps read at /run/secrets/<id>, kept by no layer, history entry or
   * config: the warm-up step mounts each, and a dockerfileUpdate's RUN steps may mount them
   * (`RUN --mount=type=secret,id=<id> ...`). The build then uses the engine's BuildKit;
   * an engine without it is refused (BUILD_SECRETS_UNSUPPORTED) before anything is built.
   */
  readonly secrets?: Readonly<Record<string, BuildSecretValue>>;
  /** The image's platform; default `linux/amd64`, what Lambda runs unless told otherwise. */
  readonly platform?: Platform;
  /** Overrides the base image `ensureBaseImage()` would choose. */
  readonly baseImage?: string;
  /** After the build, the image is started and invoked; a different answer fails the build. */
  readonly functionTestData?: TestData;
  /**
   * Runs a sample event (the test data's payload, or `{}`) through the bundle during the build
   * and keeps V8's code cache, so the first invocation compiles less.
   */
  readonly warmup?: boolean;
  readonly sourcemap?: boolean;
  /**
   * Type-check the code with the TypeScript compiler while it is bundled and built; type errors
   * fail the build (TYPECHECK_FAILED). Default: true for .ts, .mts and .cts entries.
   */
  readonly typecheck?: boolean;
}

const STEPS = 6;
/** Lambda's default architecture, and so the image's unless the caller picks arm64. */
const DEFAULT_PLATFORM: Platform = 'linux/amd64';
/** When the base image's Node version cannot be read (a foreign platform): the runtime's minimum. */
const FALLBACK_NODE_MAJOR = 20;

export async function createLocalImage(
  responder: Responder,
  options: LocalImageOptions = {},
): Promise<LocalImage> {
  const name = validateImageName(options.name ?? responder.name);
  const tag = validateTag(options.tag ?? 'latest');
  const userLabels = validateUserLabels(options.userLabels);
  validateBuildArgs(options.buildArgs);
  const secrets = validateBuildSecrets(options.secrets);
  checkRuntimeBuilt();
  if (Object.keys(secrets).length > 0) await checkBuildSecretsSupport();
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const buildAt = options.buildAt ? await checkBuildAt(options.buildAt, responder) : undefined;
  // The type check runs beside everything else; type errors stop the build at its next step
  // (an image build the engine runs is let finish: see engineSignal).
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let typeErrors: unknown;
  const typecheck =
    (options.typecheck ?? isTypeScriptEntry(responder))
      ? typecheckResponder(responder, { signal }).catch((error: unknown) => {
          typeErrors ??= error;
          stop.abort(error);
        })
      : Promise.resolve();
  try {
    return await buildLocalImage(responder, options, {
      name,
      tag,
      secrets,
      userLabels,
      platform,
      buildAt,
      signal,
      engineSignal: options.signal,
      typecheck,
    });
  } catch (error) {
    await typecheck;
    // Type errors explain the build's end better than the cancellation they caused.
    throw typeErrors && !options.signal?.aborted ? typeErrors : error;
  }
}

interface BuildPlan {
  readonly name: string;
  readonly tag: string;
  readonly secrets: Record<string, Uint8Array>;
  readonly userLabels: Record<string, string>;
  readonly platform: Platform;
  readonly buildAt: string | undefined;
  /** The caller's signal, or the type check's when it failed first. */
  readonly signal: AbortSignal;
  /**
   * The caller's signal alone. Type errors do not cancel a build the engine is running: a
   * cancelled build may still commit an image nobody learns the id of, while a finished one
   * carries the temporary tag that takes it away.
   */
  readonly engineSignal: AbortSignal | undefined;
  /** Settles when the type check has passed (or was not asked for). */
  readonly typecheck: Promise<void>;
}

async function buildLocalImage(
  responder: Responder,
  options: LocalImageOptions,
  plan: BuildPlan,
): Promise<LocalImage> {
  const { name, tag, userLabels, platform, buildAt, signal } = plan;
  const step = (n: number, text: string) => {
    throwIfAborted(signal, 'The build');
    emit(options, { type: 'build.step', step: n, total: STEPS, text });
  };

  step(1, 'Choosing the base image');
  const base = await ensureBaseImage({
    baseImage: options.baseImage,
    platform,
    signal,
    onEvent: options.onEvent,
  });
  const dockerfile = getDockerfile(responder, {
    baseImage: base.image,
    buildArgs: options.buildArgs,
    secrets: Object.keys(plan.secrets),
    warmup: options.warmup,
    dockerfileUpdate: options.dockerfileUpdate,
  });

  // A temporary folder is mkdtemp's own (mode 0700, nobody else's files in it) and is used
  // as it comes; a buildAt folder only loses what an earlier build wrote there.
  const context = buildAt ?? (await mkdtemp(path.join(os.tmpdir(), 'lambdash-build-')));
  const docker = getDocker();
  // It names this process, so that it goes even if the process ends first (leftovers.ts).
  const buildTag = temporaryTag();
  const temporary = `${name}:${buildTag}`;
  let tagged = false;
  // The temporary name goes in every case; the image itself only when nothing else names it.
  const removeTemporary = async () => {
    if (!tagged) return;
    tagged = false;
    await docker
      .getImage(temporary)
      .remove({ noprune: false })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) noteLeftover(docker, { image: temporary });
      });
  };
  try {
    step(2, 'Bundling the code');
    if (buildAt) await clearBuildAt(buildAt);
    await mkdir(path.join(context, 'node_modules'), { recursive: true });
    const bundle = await bundleResponder(responder, path.join(context, 'function'), {
      sourcemap: options.sourcemap,
      nodeMajor: nodeMajorOf(base.nodeVersion),
      signal,
      onEvent: options.onEvent,
    });

    step(3, 'Installing packages kept out of the bundle');
    await installExternals(bundle, path.join(context, 'node_modules'), {
      platform,
      signal,
      onEvent: options.onEvent,
    });

    step(4, 'Writing the build context');
    await cp(runtimeDistDir, path.join(context, 'runtime'), {
      recursive: true,
      filter: (file) => !file.endsWith('index.mjs'),
    });
    if (options.warmup) {
      const payload = options.functionTestData ? options.functionTestData.payload : {};
      await mkdir(path.join(context, path.dirname(WARMUP_EVENT)), { recursive: true });
      await writeFile(path.join(context, WARMUP_EVENT), JSON.stringify(payload ?? {}));
    }
    await writeFile(path.join(context, 'Dockerfile'), dockerfile);

    step(5, 'Building the image');
    const labels: Record<string, string> = {
      ...userLabels,
      [LABELS.generated]: 'true',
      [LABELS.name]: name,
      [LABELS.source]: responder.source,
      [LABELS.handler]: imageHandler(responder),
      [LABELS.hash]: responder.hash,
      [LABELS.runtimeVersion]: lambdashVersion,
      [LABELS.options]: JSON.stringify(responder.options),
    };
    const id = await buildWithRetry(docker, context, labels, {
      ...options,
      secrets: plan.secrets,
      platform,
      signal: plan.engineSignal,
    });
    // Marked first: a tag request whose answer is lost may still have tagged.
    tagged = true;
    try {
      await docker.getImage(id).tag({ repo: name, tag: buildTag });
    } catch (error) {
      throw dockerError(error, `tag the image ${temporary}`);
    }
    // Under the temporary tag, so that type errors found now take the image away with it.
    await plan.typecheck;
    throwIfAborted(signal, 'The build');

    step(6, options.functionTestData ? 'Testing the image' : 'Tagging the image');
    if (options.functionTestData) {
      const result = await runLocalImageTest(temporary, options.functionTestData, {
        signal,
        onEvent: options.onEvent,
      });
      if (!result.passed) {
        throw new LambdashError(
          'TEST_FAILED',
          `The image answered differently than the test data expects:\n${result.diff ?? ''}`,
          'Fix the handler or the expected value; the image was not kept.',
        );
      }
    }
    const replaced = (await inspectImage(`${name}:${tag}`))?.Id;
    try {
      await docker.getImage(id).tag({ repo: name, tag });
    } catch (error) {
      throw dockerError(error, `tag the image ${name}:${tag}`);
    }
    // Untagged before the image is described, so its tags are the ones it keeps.
    await removeTemporary();
    if (replaced && replaced !== id) await removeIfNameless(docker, replaced);
    const image = await getLocalImage(`${name}:${tag}`);
    emit(options, { type: 'image.built', id: image.id, tag: image.ref, size: image.size });
    return image;
  } finally {
    await removeTemporary();
    if (!buildAt) await rm(context, { recursive: true, force: true });
  }
}

/**
 * Removes an earlier build that a rebuild took the name from, when nothing names it any more
 * (no tag, no pushed digest) and it is lambdash's: docker build would leave it as a `<none>`
 * image. One a container uses, or that was pushed, stays (the engine refuses, or it is named).
 */
async function removeIfNameless(docker: Docker, id: string): Promise<void> {
  try {
    const info = await docker.getImage(id).inspect();
    const named = (info.RepoTags?.length ?? 0) > 0 || (info.RepoDigests?.length ?? 0) > 0;
    if (named || info.Config?.Labels?.[LABELS.generated] !== 'true') return;
    await docker.getImage(id).remove({ noprune: false });
  } catch {
    // In use, or gone already: it stays as the engine has it.
  }
}

/** The Node major version to bundle for: the base image's, or the runtime's minimum when unknown. */
export function nodeMajorOf(nodeVersion: string): number {
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  return Number.isInteger(major) && major > 0 ? major : FALLBACK_NODE_MAJOR;
}

export function toLocalImage(
  info: Docker.ImageInfo | Docker.ImageInspectInfo,
  wanted?: string,
): LocalImage {
  // A build's temporary tag is not a name the image has yet (it goes when the build ends).
  const tags =
    ('RepoTags' in info ? info.RepoTags : undefined)?.filter(
      (t) => t && t !== '<none>:<none>' && !t.includes(`:${TEMPORARY_TAG_PREFIX}`),
    ) ?? [];
  const labels: Record<string, string> =
    ('Labels' in info ? info.Labels : (info as Docker.ImageInspectInfo).Config?.Labels) ?? {};
  const ref = (wanted && tags.includes(wanted) ? wanted : ownTag(tags, labels)) ?? '';
  const colon = ref.lastIndexOf(':');
  const created =
    typeof info.Created === 'number' ? new Date(info.Created * 1000) : new Date(info.Created);
  const responder =
    labels[LABELS.generated] === 'true' && labels[LABELS.hash]
      ? {
          name: labels[LABELS.name] ?? '',
          source: labels[LABELS.source] ?? '',
          handler: labels[LABELS.handler] ?? '',
          hash: labels[LABELS.hash] ?? '',
          runtimeVersion: labels[LABELS.runtimeVersion] ?? '',
        }
      : undefined;
  return {
    id: info.Id,
    ref,
    name: colon > 0 ? ref.slice(0, colon) : ref,
    tag: colon > 0 ? ref.slice(colon + 1) : '',
    tags,
    created,
    size: info.Size,
    labels,
    digests: info.RepoDigests ?? [],
    responder,
  };
}

/**
 * The tag that names the image itself: the engine sorts tags, so after a push the registry's
 * `127.0.0.1:5000/name:latest` would come first. The tag of lambdash's name for it wins, then
 * any tag without a registry host.
 */
function ownTag(
  tags: readonly string[],
  labels: Readonly<Record<string, string>>,
): string | undefined {
  const name = labels[LABELS.name];
  const repoOf = (tag: string) => tag.slice(0, tag.lastIndexOf(':'));
  return (
    (name ? tags.find((tag) => repoOf(tag) === name) : undefined) ??
    tags.find((tag) => !/^[^/]*[.:][^/]*\//.test(tag)) ??
    tags[0]
  );
}

/**
 * An image by `name[:tag]` or by an id (prefix) of at least 4 characters, with or without
 * `sha256:`. A bare hex word such as `cafe` is looked up as an id first, then as a name.
 */
export async function getLocalImage(nameOrId: string): Promise<LocalImage> {
  const docker = getDocker();
  const idLike = /^(sha256:)?([0-9a-f]{4,64})$/.exec(nameOrId);
  if (idLike) {
    const id = idLike[2]!;
    let images: Docker.ImageInfo[];
    try {
      images = await docker.listImages({ all: false });
    } catch (error) {
      throw dockerError(error, 'list the local images');
    }
    const matches = images.filter((image) => image.Id.replace(/^sha256:/, '').startsWith(id));
    if (matches.length > 1) {
      throw new LambdashError(
        'AMBIGUOUS_IMAGE',
        `${matches.length} images have ids starting with ${id}.`,
        'Give more characters of the id.',
      );
    }
    if (matches.length === 1) return toLocalImage(matches[0]!);
    if (idLike[1]) {
      throw new LambdashError(
        'IMAGE_NOT_FOUND',
        `No local image has an id starting with ${id}.`,
        'Check the id, or list the images lambdash made.',
      );
    }
  }
  const ref = nameOrId.includes(':') ? nameOrId : `${nameOrId}:latest`;
  const info = await inspectImage(ref);
  if (!info) {
    throw new LambdashError(
      'IMAGE_NOT_FOUND',
      idLike
        ? `No local image has an id starting with ${nameOrId}, nor is there a local image ${ref}.`
        : `There is no local image ${ref}.`,
      'Build it first, or list the images lambdash made.',
    );
  }
  return toLocalImage(info, ref);
}

export async function getAllLocalImages(
  options: { generatedOnly?: boolean } = {},
): Promise<LocalImage[]> {
  const generatedOnly = options.generatedOnly ?? true;
  let images: Docker.ImageInfo[];
  try {
    images = await getDocker().listImages(
      generatedOnly ? { filters: JSON.stringify({ label: [`${LABELS.generated}=true`] }) } : {},
    );
  } catch (error) {
    throw dockerError(error, 'list the local images');
  }
  return images
    .map((image) => toLocalImage(image))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}

/**
 * Removes an image and every tag it has. Containers made from it block this unless `force`,
 * which removes them first. An image other images are built on loses its tags; the engine
 * keeps its layers for them.
 */
export async function deleteLocalImage(
  image: LocalImage | string,
  options: { force?: boolean } = {},
): Promise<void> {
  const target = typeof image === 'string' ? await getLocalImage(image) : image;
  const docker = getDocker();
  const what = target.ref || target.id;
  try {
    // The engine's `ancestor` filter also matches containers of images built on this one:
    // only containers of this very image count.
    const users = (await docker.listContainers({ all: true })).filter(
      (container) => container.ImageID === target.id,
    );
    if (users.length > 0 && !options.force) {
      throw new LambdashError(
        'DOCKER_FAILED',
        `${users.length} container(s) use the image ${what}.`,
        'Stop and delete them first, or delete with force.',
      );
    }
    for (const container of users) await docker.getContainer(container.Id).remove({ force: true });
    await docker.getImage(target.id).remove({ force: true });
  } catch (error) {
    if (error instanceof LambdashError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status === 409 && /dependent child images/.test(dockerError(error, '').message)) {
      await untagAll(target);
      return;
    }
    throw dockerError(error, `delete the image ${what}`);
  }
}

/** Removes every tag of an image the engine cannot delete (other images are built on it). */
async function untagAll(target: LocalImage): Promise<void> {
  const docker = getDocker();
  const info = await docker
    .getImage(target.id)
    .inspect()
    .catch(() => undefined);
  for (const tag of info?.RepoTags ?? target.tags) {
    try {
      await docker.getImage(tag).remove({ noprune: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        throw dockerError(error, `remove the tag ${tag}`);
      }
    }
  }
}
