// The image every responder image starts FROM: a Node.js of the host's major version. Pulling
// an official Node image is an optimisation, never a requirement: with no registry in reach we
// build one offline from the host's own `node` binary and the shared libraries it loads
// (offline-base-image.ts).
import type Docker from 'dockerode';
import { defaultBaseImage } from '../build/dockerfile.js';
import { abortedBy, LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { validateImageReference } from '../common/names.js';
import { dockerError, getDocker, getDockerEngine, inspectImage } from './docker.js';
import { pullAllowed, pullImage } from './image-pull.js';
import { offlineBase } from './offline-base-image.js';
import type { BaseImage, BaseImageOptions } from './types.js';

export type { BaseImage, BaseImageOptions, Platform } from './types.js';

/** The oldest Node.js the bundled runtime runs on (scripts/build.mjs targets node20). */
export const MIN_NODE_MAJOR = 20;
const WHAT = 'Preparing the base image';

/** Finds or makes the base image; see the module comment for the order of preference. */
export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<BaseImage> {
  throwIfAborted(options.signal, WHAT);
  const engine = await getDockerEngine();
  const arch = options.platform ? platformArch(options.platform) : engine.arch;
  if (options.baseImage) return explicitBase(options.baseImage, arch, options);

  const major = process.versions.node.split('.')[0];
  for (const image of [defaultBaseImage(), `node:${major}`]) {
    const info = await inspectImage(image, options.signal);
    if (info && info.Architecture === arch) return existing(image, info, engine.arch, options);
  }

  let pullFailure: string | undefined;
  if (pullAllowed(options)) {
    const image = defaultBaseImage();
    try {
      await pullImage(image, options.platform, options);
      const info = await inspectImage(image, options.signal);
      if (info) return existing(image, info, engine.arch, options);
    } catch (error) {
      const aborted = abortedBy(error, options.signal, WHAT);
      if (aborted) throw aborted;
      pullFailure = error instanceof Error ? error.message : String(error);
      emit(options, {
        type: 'base.build',
        image,
        text: `pull failed, building offline: ${pullFailure}`,
      });
    }
  }
  return offlineBase(arch, engine, pullFailure, options);
}

// ---------------------------------------------------------------------------------------------
// Images that exist (or can be pulled)

async function explicitBase(
  image: string,
  arch: string,
  options: BaseImageOptions,
): Promise<BaseImage> {
  const engine = await getDockerEngine();
  // The name goes into the engine's URLs and a FROM line: only a reference may reach either.
  validateImageReference(image);
  let info = await inspectImage(image, options.signal);
  if (info && info.Architecture !== arch) info = undefined;
  if (!info) {
    const where = options.platform ? ` for ${options.platform}` : '';
    if (!pullAllowed(options)) {
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `The base image "${image}" is not present locally${where}, and pulling is turned off.`,
        `Pull it first (\`docker pull ${options.platform ? `--platform ${options.platform} ` : ''}${image}\`), allow pulling (unset LAMBDASH_NO_PULL), or leave the base image unset to build one offline from this machine's Node.js.`,
      );
    }
    try {
      await pullImage(image, options.platform, options);
    } catch (error) {
      const aborted = abortedBy(error, options.signal, WHAT);
      if (aborted) throw aborted;
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `The base image "${image}" is not present locally${where} and could not be pulled: ${error instanceof Error ? error.message : String(error)}`,
        "Check the image name, your network and your registry login (`docker login`), or leave the base image unset to build one offline from this machine's Node.js.",
        { cause: error },
      );
    }
    info = await inspectImage(image, options.signal);
    if (!info) {
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `The base image "${image}" was pulled but the engine does not list it.`,
      );
    }
  }
  return existing(image, info, engine.arch, options);
}

async function existing(
  image: string,
  info: Docker.ImageInspectInfo,
  engineArch: string,
  options: OperationOptions,
): Promise<BaseImage> {
  const nodeVersion = await imageNodeVersion(image, info, engineArch, options);
  return { image, id: info.Id, built: false, nodeVersion };
}

const checkedVersions = new Map<string, string>();

/** NODE_VERSION as official Node images set it, else what `node --version` says inside the image. */
async function imageNodeVersion(
  image: string,
  info: Docker.ImageInspectInfo,
  engineArch: string,
  options: OperationOptions,
): Promise<string> {
  const fromEnv = (info.Config?.Env ?? [])
    .find((e) => e.startsWith('NODE_VERSION='))
    ?.slice('NODE_VERSION='.length);
  let version = fromEnv?.replace(/^v/, '') || checkedVersions.get(info.Id);
  if (!version) {
    // A foreign platform's binaries cannot run here (without emulation): trust the caller.
    if (info.Architecture !== engineArch) return 'unknown';
    version = await runNodeVersion(image, info.Id, options);
    checkedVersions.set(info.Id, version);
  }
  const major = Number(version.split('.')[0]);
  if (!(major >= MIN_NODE_MAJOR)) {
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `The base image "${image}" has Node.js ${version}; lambdash's runtime needs ${MIN_NODE_MAJOR} or newer.`,
      `Use a newer Node image (for example node:${MIN_NODE_MAJOR}-slim), or leave the base image unset.`,
    );
  }
  return version;
}

async function runNodeVersion(
  image: string,
  id: string,
  options: OperationOptions,
): Promise<string> {
  const docker = getDocker();
  let container: Docker.Container | undefined;
  let output = '';
  let exitCode = -1;
  try {
    container = await docker.createContainer({
      Image: id,
      Entrypoint: ['node'],
      Cmd: ['--version'],
      Tty: true, // one raw output stream, no multiplexing frames to strip
      HostConfig: { NetworkMode: 'none' },
      abortSignal: options.signal,
    });
    await container.start();
    exitCode = ((await container.wait()) as { StatusCode: number }).StatusCode;
    output = String(await container.logs({ stdout: true, stderr: true })).trim();
  } catch (error) {
    const aborted = abortedBy(error, options.signal, WHAT);
    if (aborted) throw aborted;
    // Starting fails outright when there is no `node` to execute.
    output = dockerError(error, 'run node').message;
  } finally {
    await container?.remove({ force: true }).catch(() => undefined);
  }
  const match = /^v(\d+\.\d+\.\d+)\s*$/.exec(output);
  if (exitCode !== 0 || !match?.[1]) {
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `The base image "${image}" has no working \`node\` on its PATH (node --version: ${output || `exit code ${exitCode}`}).`,
      `lambdash's runtime needs Node.js ${MIN_NODE_MAJOR} or newer in the image: use a Node image (node:${MIN_NODE_MAJOR}-slim, public.ecr.aws/lambda/nodejs:${MIN_NODE_MAJOR}), or leave the base image unset.`,
    );
  }
  return match[1];
}

function platformArch(platform: string): string {
  const arch = /^linux\/(amd64|arm64)$/.exec(platform)?.[1];
  if (!arch) {
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `"${platform}" is not a platform Lambda runs.`,
      'Use "linux/amd64" or "linux/arm64".',
    );
  }
  return arch;
}
