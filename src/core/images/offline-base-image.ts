// The offline base image: FROM scratch with the host's own `node` binary, a POSIX shell and the
// basic tools a Dockerfile's RUN step expects (base-shell-tools.ts), the shared libraries they
// load, the CA bundle and Lambda's sandbox user. Built once per Node version, whoever asks.
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { type TarEntry, tarStream } from '../build/tar.js';
import { abortedError, LambdashError, raceAbort, throwIfAborted } from '../common/errors.js';
import { emit, type LambdashEvent, type OperationOptions } from '../common/events.js';
import { LABELS } from '../common/labels.js';
import { validateImageName } from '../common/names.js';
import { hostShellTools } from './base-shell-tools.js';
import { getDocker, inspectImage } from './docker.js';
import { followDockerStream } from './docker-stream.js';
import { pullAllowed } from './image-pull.js';
import { sharedLibraries } from './shared-libraries.js';
import type { BaseImage, BaseImageOptions } from './types.js';

export const DEFAULT_OFFLINE_NAME = 'lambdash/node-base';

/** What goes into the image, in its tag: a base built by an older recipe is built again. */
const RECIPE = 'r3'; // r3: a shell and basic tools

/**
 * glibc's libraries node itself does not link but native packages do (sharp's libvips needs
 * libresolv): node:20-slim has them all, so the offline base carries them too.
 */
const GLIBC_COMPANIONS = [
  'libresolv.so.2',
  'libnss_dns.so.2',
  'libnss_files.so.2',
  'librt.so.1',
  'libutil.so.1',
  'libanl.so.1',
  'libdl.so.2',
  'libpthread.so.0',
];

/** The offline base for this machine's platform: found, or built (once) and found. */
export async function offlineBase(
  arch: string,
  engine: { readonly arch: string; readonly os: string },
  pullFailure: string | undefined,
  options: BaseImageOptions,
): Promise<BaseImage> {
  const name = validateImageName(options.offlineName ?? DEFAULT_OFFLINE_NAME);
  const version = process.versions.node;
  const image = `${name}:${version}-${RECIPE}`;
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

  const found = await inspectImage(image, options.signal);
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
  try {
    return await raceAbort(build.promise, options.signal, 'Preparing the base image');
  } finally {
    build.listeners.delete(listener);
    if (--build.waiting === 0 && options.signal?.aborted) {
      // Nobody waits any more: stop the build, and let the next caller start afresh.
      if (building.get(image) === build) building.delete(image);
      build.controller.abort(options.signal.reason);
    }
  }
}

async function buildOffline(
  image: string,
  version: string,
  options: OperationOptions,
): Promise<BaseImage> {
  const docker = getDocker();
  const { entries, missingTools } = await rootfsEntries(version);
  emit(options, {
    type: 'base.build',
    image,
    text: `building ${image} offline from ${process.execPath}`,
  });
  if (missingTools.length) {
    emit(options, {
      type: 'base.build',
      image,
      text: `left out, not on this machine: ${missingTools.join(' ')}`,
    });
  }
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
    await followDockerStream(stream, (message) => {
      if (typeof message.stream === 'string' && message.stream.trim()) {
        emit(options, { type: 'base.build', image, text: message.stream.trim() });
      }
      if (typeof message.aux?.ID === 'string') id = message.aux.ID;
    });
  } catch (error) {
    if (options.signal?.aborted) {
      throw abortedError('Preparing the base image', options.signal.reason);
    }
    if (error instanceof LambdashError && error.code !== 'DOCKER_FAILED') throw error;
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `Building the offline base image ${image} failed: ${error instanceof Error ? error.message : String(error)}`,
      'The engine must be able to build FROM scratch images; the base.build events hold the build log.',
      { cause: error },
    );
  }
  const info = await inspectImage(image, options.signal);
  if (!info)
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `The build of ${image} finished but the engine does not list it.`,
    );
  return { image, id: id ?? info.Id, built: true, nodeVersion: version };
}

/** The build context: a Dockerfile and rootfs/, the image's whole file system. */
async function rootfsEntries(
  version: string,
): Promise<{ entries: TarEntry[]; missingTools: string[] }> {
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

  const addLink = (imagePath: string, target: string) => {
    files.set(imagePath, { path: `rootfs${imagePath}`, mode: 0o777, mtime, symlink: target });
  };

  await addHostFile('/usr/local/bin/node', nodeReal);
  const libraries = new Set(await sharedLibraries(nodeReal));
  // The tools in /bin, where `RUN`'s /bin/sh -c is; a file that answers to several names (a
  // multi-call busybox or coreutils) goes in once, the other names link to it.
  const tools = await hostShellTools();
  const placed = new Map<string, string>();
  for (const tool of tools.found) {
    const first = placed.get(tool.file);
    if (first) {
      addLink(`/bin/${tool.name}`, first);
      continue;
    }
    placed.set(tool.file, tool.name);
    await addHostFile(`/bin/${tool.name}`, tool.file);
    for (const lib of await sharedLibraries(tool.file)) libraries.add(lib);
  }
  // Scripts' `#!/usr/bin/env node` line looks for env there.
  if (tools.found.some((tool) => tool.name === 'env')) addLink('/usr/bin/env', '/bin/env');
  // Libraries at the paths the loader looks them up by (symlinks resolved to their content).
  for (const lib of libraries) await addHostFile(lib, lib);
  const libc = [...libraries].find((lib) => posix.basename(lib) === 'libc.so.6');
  for (const name of libc ? GLIBC_COMPANIONS : []) {
    const lib = posix.join(posix.dirname(libc!), name);
    if (
      await stat(lib).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      await addHostFile(lib, lib);
  }
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
  const entries = [
    { path: 'Dockerfile', mode: 0o644, mtime, content: Buffer.from(dockerfile) },
    { path: 'rootfs', mode: 0o755, mtime, dir: true },
    ...[...dirs.values()].sort((a, b) => a.path.localeCompare(b.path)),
    ...files.values(),
  ];
  return { entries, missingTools: tools.missing };
}

function hostArch(): 'amd64' | 'arm64' | undefined {
  return process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;
}
