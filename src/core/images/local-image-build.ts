// A responder built into a container image with the Docker engine.
//
// A build produces an untagged image, which takes a temporary tag once the build is over;
// only when it (and its test, if there is test data) succeeded does it take the requested
// name. A failure therefore never leaves a half-built or untested image under the name, and
// the previous good image keeps it. The engine tags nothing itself: when the connection dies
// mid-build, the engine may still finish the image, but leaves it untagged.
//
// With warmup and test data, the warm-up step runs the test's own payload (build/warmup-event.ts)
// and the test then starts the warmed image: its first invocation loads the code the test's path
// needs from the cache, as a deployed function's cold start will.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { checkBuildAt, checkRuntimeBuilt, clearBuildAt } from '../build/build-context.js';
import { bundleResponder } from '../build/bundle.js';
import { getDockerfile, imageHandler, validateBuildArgs } from '../build/dockerfile.js';
import { installExternals } from '../build/install-externals.js';
import { isTypeScriptEntry, typecheckResponder } from '../build/typecheck.js';
import { warmupEventOf, writeWarmupEvent } from '../build/warmup-event.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit } from '../common/events.js';
import { LABELS, validateUserLabels } from '../common/labels.js';
import { validateImageName, validateTag } from '../common/names.js';
import { lambdashVersion, runtimeDistDir } from '../common/paths.js';
import type { Responder } from '../responder/responder.js';
import { ensureBaseImage, type Platform } from './base-image.js';
import { checkBuildSecretsSupport, validateBuildSecrets } from './build-secrets.js';
import { dockerError, getDocker, inspectImage } from './docker.js';
import { buildWithRetry } from './image-build.js';
import { noteLeftover, temporaryTag } from './leftovers.js';
import type { LocalImageOptions } from './local-image-options.js';
import { getLocalImage } from './local-image-queries.js';
import { runLocalImageTest } from './local-test.js';
import type { LocalImage } from './types.js';

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
  // Checked with the rest: a test payload no invocation can send fails before any build.
  const warmupEvent = warmupEventOf(options.functionTestData);
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
      warmupEvent,
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
  /** What the warm-up runs, when asked for: the test data's payload as the test sends it, or `{}`. */
  readonly warmupEvent: string;
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
    if (options.warmup) await writeWarmupEvent(context, plan.warmupEvent);
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
