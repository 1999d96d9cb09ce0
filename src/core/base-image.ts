// The image every responder image starts FROM: a Node.js of the host's major version. Pulling
// an official Node image is an optimisation, never a requirement: with no registry in reach we
// build one offline from the host's own `node` binary and the shared libraries it loads.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { dockerError, getDocker, getDockerEngine } from './docker.js';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit, type LambdashEvent, type OperationOptions } from './events.js';
import { LABELS } from './labels.js';
import { validateImageName } from './names.js';

export type Platform = 'linux/amd64' | 'linux/arm64';

export interface BaseImageOptions extends OperationOptions {
  /** An image to use as is (present locally, or pulled when pulling is allowed). */
  readonly baseImage?: string;
  /** Defaults to the engine's own platform. */
  readonly platform?: Platform;
  /** `false` never pulls; so does the LAMBDASH_NO_PULL environment variable. */
  readonly pull?: boolean;
  /** Repository of the image built offline, tagged with the host's Node.js version. */
  readonly offlineName?: string;
}

export interface BaseImage {
  /** The reference to build FROM. */
  readonly image: string;
  /** The engine's image id (sha256:...). */
  readonly id: string;
  /** True when this call built the offline base image. */
  readonly built: boolean;
  /** The image's Node.js version without the "v" ("20.20.2"), or "unknown" for a foreign platform. */
  readonly nodeVersion: string;
}

export const DEFAULT_OFFLINE_NAME = 'lambdash/node-base';
/** The oldest Node.js the bundled runtime runs on (scripts/build.mjs targets node20). */
const MIN_NODE_MAJOR = 20;
/** A pull that reports nothing for this long is given up: offline, it would hang on a dead network. */
const PULL_IDLE_MS = 15_000;

/** Finds or makes the base image; see the module comment for the order of preference. */
export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<BaseImage> {
  throwIfAborted(options.signal, 'Preparing the base image');
  const engine = await getDockerEngine();
  const arch = options.platform ? platformArch(options.platform) : engine.arch;
  if (options.baseImage) return explicitBase(options.baseImage, arch, options);

  const docker = getDocker();
  const major = process.versions.node.split('.')[0];
  for (const image of [`node:${major}-slim`, `node:${major}`]) {
    const info = await inspectImage(docker, image, options);
    if (info && info.Architecture === arch) return existing(image, info, engine.arch, options);
  }

  let pullFailure: string | undefined;
  if (pullAllowed(options)) {
    const image = `node:${major}-slim`;
    try {
      await pullImage(docker, image, options.platform, options);
      const info = await inspectImage(docker, image, options);
      if (info) return existing(image, info, engine.arch, options);
    } catch (error) {
      if (options.signal?.aborted) throw aborted(options.signal);
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
  const docker = getDocker();
  const engine = await getDockerEngine();
  // dockerode puts the name into the URL as is: only reference characters may reach it.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/.test(image)) throw invalidReference(image);
  let info = await inspectImage(docker, image, options, true);
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
      await pullImage(docker, image, options.platform, options);
    } catch (error) {
      if (options.signal?.aborted) throw aborted(options.signal);
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `The base image "${image}" is not present locally${where} and could not be pulled: ${error instanceof Error ? error.message : String(error)}`,
        "Check the image name, your network and your registry login (`docker login`), or leave the base image unset to build one offline from this machine's Node.js.",
        { cause: error },
      );
    }
    info = await inspectImage(docker, image, options, true);
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
    if (options.signal?.aborted) throw aborted(options.signal);
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

/** The image's details, or undefined when the engine has no such image. */
async function inspectImage(
  docker: Docker,
  image: string,
  options: OperationOptions,
  named = false,
): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(image).inspect();
  } catch (error) {
    if (options.signal?.aborted) throw aborted(options.signal);
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 404) return undefined;
    if (named && status === 400) throw invalidReference(image);
    throw dockerError(error, `look up the image ${image}`);
  }
}

function invalidReference(image: string): LambdashError {
  return new LambdashError(
    'BASE_IMAGE_FAILED',
    `"${image}" is not a valid image reference.`,
    'Give a name such as "node:20-slim" or "registry.example.com/team/node:20".',
  );
}

function pullAllowed(options: BaseImageOptions): boolean {
  return options.pull !== false && !process.env.LAMBDASH_NO_PULL;
}

/** Pulls to the end of the engine's progress stream; gives up when it goes quiet for PULL_IDLE_MS. */
async function pullImage(
  docker: Docker,
  image: string,
  platform: Platform | undefined,
  options: OperationOptions,
): Promise<void> {
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  let timer = setTimeout(() => idle.abort(), PULL_IDLE_MS);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), PULL_IDLE_MS);
  };
  emit(options, {
    type: 'base.build',
    image,
    text: `pulling ${image}${platform ? ` for ${platform}` : ''}`,
  });
  try {
    const stream: NodeJS.ReadableStream = await docker.pull(image, {
      ...(platform ? { platform } : {}),
      abortSignal: signal,
    });
    await followJsonStream(stream, (message) => {
      touch();
      const text = [message.id, message.status, message.progress]
        .filter((s) => typeof s === 'string')
        .join(' ');
      if (text) emit(options, { type: 'base.build', image, text });
    });
  } catch (error) {
    if (idle.signal.aborted && !options.signal?.aborted) {
      throw new Error(`the registry sent nothing for ${PULL_IDLE_MS / 1000} s`);
    }
    // docker-modem wraps the engine's message as "(HTTP code 500) server error - <message> ".
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim(), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

interface StreamMessage {
  readonly stream?: unknown;
  readonly status?: unknown;
  readonly id?: unknown;
  readonly progress?: unknown;
  readonly error?: unknown;
  readonly errorDetail?: { readonly message?: unknown };
  readonly aux?: { readonly ID?: unknown };
}

/** Reads the engine's newline-delimited JSON to its end; an `error` message becomes a thrown Error. */
async function followJsonStream(
  stream: NodeJS.ReadableStream,
  onMessage: (m: StreamMessage) => void,
): Promise<void> {
  let pending = '';
  const handle = (line: string) => {
    if (!line.trim()) return;
    let message: StreamMessage;
    try {
      message = JSON.parse(line) as StreamMessage;
    } catch {
      return; // not ours to judge: the engine's next line still counts
    }
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined) throw new Error(String(error).trim());
    onMessage(message);
  };
  for await (const chunk of stream) {
    pending += String(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) handle(line);
  }
  handle(pending);
}

// ---------------------------------------------------------------------------------------------
// The offline base: FROM scratch with the host's node

async function offlineBase(
  arch: string,
  engine: { readonly arch: string; readonly os: string },
  pullFailure: string | undefined,
  options: BaseImageOptions,
): Promise<BaseImage> {
  const name = validateImageName(options.offlineName ?? DEFAULT_OFFLINE_NAME);
  const version = process.versions.node;
  const image = `${name}:${version}`;
  const host = hostArch();
  const why = pullFailure
    ? ` (pulling node failed: ${pullFailure})`
    : pullAllowed(options)
      ? ''
      : ' (pulling is off)';
  if (process.platform !== 'linux' || !host) {
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `No Node base image is available${why}, and one can only be built offline on Linux x64 or arm64 (this is ${process.platform}/${process.arch}).`,
      `Pull one while online (\`docker pull node:${version.split('.')[0]}-slim\`), or name a base image you have.`,
    );
  }
  if (arch !== host || engine.arch !== host || engine.os !== 'linux') {
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `No Node base image for linux/${arch} is available${why}, and the offline one can only be built for this machine's platform, linux/${host}, on an engine of that platform (the engine is ${engine.os}/${engine.arch}).`,
      `Pull one while online (\`docker pull --platform linux/${arch} node:${version.split('.')[0]}-slim\`), name a base image you have, or build for linux/${host}.`,
    );
  }

  const found = await inspectImage(getDocker(), image, options);
  if (found) return { image, id: found.Id, built: false, nodeVersion: version };
  return joinOfflineBuild(image, version, options);
}

/**
 * One offline build per image at a time in a process, whoever asks: every caller hears its
 * events and may cancel its own wait; the build itself is cancelled only when every caller
 * waiting for it has cancelled.
 */
interface SharedBuild {
  readonly promise: Promise<BaseImage>;
  readonly controller: AbortController;
  readonly listeners: Set<(event: LambdashEvent) => void>;
  waiting: number;
}

const building = new Map<string, SharedBuild>();

async function joinOfflineBuild(
  image: string,
  version: string,
  options: OperationOptions,
): Promise<BaseImage> {
  let shared = building.get(image);
  if (!shared) {
    const controller = new AbortController();
    const listeners = new Set<(event: LambdashEvent) => void>();
    const promise = buildOffline(image, version, {
      signal: controller.signal,
      onEvent: (event) => {
        for (const listener of listeners) listener(event);
      },
    }).finally(() => {
      if (building.get(image) === shared) building.delete(image);
    });
    promise.catch(() => undefined); // each caller handles it; none must leave it unhandled
    shared = { promise, controller, listeners, waiting: 0 };
    building.set(image, shared);
  }
  const build = shared;
  const listener = (event: LambdashEvent) => emit(options, event);
  build.listeners.add(listener);
  build.waiting++;
  const signal = options.signal;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<BaseImage>((resolve, reject) => {
      build.promise.then(resolve, reject);
      if (!signal) return;
      onAbort = () => reject(aborted(signal));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    build.listeners.delete(listener);
    if (--build.waiting === 0 && signal?.aborted) {
      // Nobody waits any more: stop the build, and let the next caller start afresh.
      if (building.get(image) === build) building.delete(image);
      build.controller.abort(signal.reason);
    }
  }
}

async function buildOffline(
  image: string,
  version: string,
  options: OperationOptions,
): Promise<BaseImage> {
  const docker = getDocker();
  const entries = await rootfsEntries(version);
  emit(options, {
    type: 'base.build',
    image,
    text: `building ${image} offline from ${process.execPath}`,
  });
  let id: string | undefined;
  try {
    throwIfAborted(options.signal, `Building ${image}`);
    const stream = await docker.buildImage(
      Readable.from(tarStream(entries), { objectMode: false }),
      {
        t: image,
        rm: true,
        forcerm: true,
        abortSignal: options.signal,
      },
    );
    await followJsonStream(stream, (message) => {
      if (typeof message.stream === 'string' && message.stream.trim()) {
        emit(options, { type: 'base.build', image, text: message.stream.trim() });
      }
      if (typeof message.aux?.ID === 'string') id = message.aux.ID;
    });
  } catch (error) {
    if (options.signal?.aborted) throw aborted(options.signal);
    if (error instanceof LambdashError && error.code !== 'DOCKER_FAILED') throw error;
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `Building the offline base image ${image} failed: ${error instanceof Error ? error.message : String(error)}`,
      'The engine must be able to build FROM scratch images; the base.build events hold the build log.',
      { cause: error },
    );
  }
  const info = await inspectImage(docker, image, options);
  if (!info)
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `The build of ${image} finished but the engine does not list it.`,
    );
  return { image, id: id ?? info.Id, built: true, nodeVersion: version };
}

interface TarEntry {
  readonly path: string; // inside the build context
  readonly mode: number;
  readonly mtime: number; // seconds
  readonly dir?: boolean;
  readonly file?: string; // host file to stream
  readonly size?: number;
  readonly content?: Buffer;
}

/** The build context: a Dockerfile and rootfs/, the image's whole file system. */
async function rootfsEntries(version: string): Promise<TarEntry[]> {
  const nodeReal = await realpath(process.execPath);
  const nodeStat = await stat(nodeReal);
  // One fixed time for what we generate, so the same host gives the same layer.
  const mtime = Math.floor(nodeStat.mtimeMs / 1000);
  const files = new Map<string, TarEntry>();
  const addHostFile = async (imagePath: string, hostPath: string) => {
    const real = await realpath(hostPath);
    const s = await stat(real);
    files.set(imagePath, {
      path: `rootfs${imagePath}`,
      mode: s.mode & 0o777,
      mtime: Math.floor(s.mtimeMs / 1000),
      file: real,
      size: s.size,
    });
  };
  const addContent = (imagePath: string, text: string) => {
    files.set(imagePath, {
      path: `rootfs${imagePath}`,
      mode: 0o644,
      mtime,
      content: Buffer.from(text),
    });
  };

  await addHostFile('/usr/local/bin/node', nodeReal);
  // Libraries at the paths the loader looks them up by (symlinks resolved to their content).
  for (const lib of await sharedLibraries(nodeReal)) await addHostFile(lib, lib);
  const certs = '/etc/ssl/certs/ca-certificates.crt';
  if (
    await stat(certs).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    await addHostFile(certs, certs);
  // Lambda runs functions as sbx_user1051 (uid 993); its home is /tmp here because nothing else
  // in the image is writable.
  addContent(
    '/etc/passwd',
    'root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/tmp:/sbin/nologin\n',
  );
  addContent('/etc/group', 'root:x:0:\nsbx_user1051:x:990:\n');

  const dirs = new Map<string, TarEntry>();
  for (const imagePath of files.keys()) {
    for (let dir = posix.dirname(imagePath); dir !== '/'; dir = posix.dirname(dir)) {
      dirs.set(dir, { path: `rootfs${dir}`, mode: 0o755, mtime, dir: true });
    }
  }
  dirs.set('/tmp', { path: 'rootfs/tmp', mode: 0o1777, mtime, dir: true });

  const dockerfile = [
    'FROM scratch',
    'COPY rootfs/ /',
    `ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_VERSION=${version}`,
    `LABEL ${LABELS.generated}="base"`,
    'CMD ["node"]',
    '',
  ].join('\n');
  return [
    { path: 'Dockerfile', mode: 0o644, mtime, content: Buffer.from(dockerfile) },
    { path: 'rootfs', mode: 0o755, mtime, dir: true },
    ...[...dirs.values()].sort((a, b) => a.path.localeCompare(b.path)),
    ...files.values(),
  ];
}

/** The absolute paths `ldd` lists for a binary, the dynamic loader included. */
async function sharedLibraries(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('ldd', [binary], { encoding: 'utf8' }));
  } catch (error) {
    const text = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `Could not list the shared libraries of ${binary} with ldd: ${error instanceof Error ? error.message : String(error)}`,
      'Install ldd (Debian: libc-bin), or pull a Node image while online (`docker pull node:20-slim`).',
      { cause: error },
    );
  }
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    if (/=>\s*not found/.test(line)) {
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `${binary} needs a shared library this machine lacks: ${line.trim()}`,
        'Fix the host Node.js installation, or pull a Node image while online.',
      );
    }
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)?.[1];
    if (path) libs.push(path);
  }
  return libs;
}

function hostArch(): 'amd64' | 'arm64' | undefined {
  return process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;
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

function aborted(signal: AbortSignal): LambdashError {
  return new LambdashError('ABORTED', 'Preparing the base image was cancelled', undefined, {
    cause: signal.reason,
  });
}

// ---------------------------------------------------------------------------------------------
// A minimal ustar writer. dockerode's own context packing applies the process umask to modes,
// which would turn /tmp's 1777 into 1755; streaming also spares copying node into a temp folder.

async function* tarStream(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = entry.dir ? 0 : (entry.content?.length ?? entry.size ?? 0);
    yield tarHeader(entry.path, size, entry.mode, entry.dir ? '5' : '0', entry.mtime);
    if (entry.content) {
      yield entry.content;
    } else if (entry.file) {
      let sent = 0;
      for await (const chunk of createReadStream(entry.file)) {
        sent += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (sent !== size) throw new Error(`${entry.file} changed while it was being read`);
    }
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

function tarHeader(
  path: string,
  size: number,
  mode: number,
  type: '0' | '5',
  mtime: number,
): Buffer {
  const header = Buffer.alloc(512);
  const name = type === '5' ? `${path}/` : path;
  let prefix = '';
  let rest = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    rest = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(rest) > 100)
      throw new Error(`path too long for a tar header: ${name}`);
  }
  const octal = (value: number, offset: number, length: number) =>
    header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
  header.write(rest, 0, 100, 'utf8');
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(mtime, 136, 12);
  header.fill(' ', 148, 156); // the checksum counts itself as spaces
  header.write(type, 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}
