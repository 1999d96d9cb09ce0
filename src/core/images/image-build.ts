// The engine's image build: the context streamed as a tar of ours, the build log followed
// (step lines become build.log events, the warm-up's report a warmup.done), the engine's errors
// made LambdashErrors, and a build whose cached parent vanished meanwhile built again.
//
// The classic builder builds, as it always has; a build with secrets goes to BuildKit (the API's
// version 2) with a session of ours that hands the engine the secrets its RUN steps mount.

import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { CONTEXT_ENTRIES } from '../build/build-context.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { retry } from '../common/retry.js';
import type { Platform } from './base-image.js';
import { BUILDKIT_TRACE, BuildkitLog } from './buildkit-log.js';
import { type BuildSession, openBuildSession } from './buildkit-session.js';
import { dockerError } from './docker.js';
import { DockerStreamError, followDockerStream } from './docker-stream.js';

/** What the build needs of createLocalImage's options. */
export interface ImageBuildOptions extends OperationOptions {
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Checked values by id (validateBuildSecrets); any at all makes it a BuildKit build. */
  readonly secrets?: Readonly<Record<string, Uint8Array>>;
  readonly noCache?: boolean;
  readonly platform: Platform;
}

/**
 * tar-fs, as dockerode itself packs build contexts with it: resolved through dockerode, whose
 * dependency it is, so it is always there in the version dockerode was made with.
 */
const tarFs = createRequire(createRequire(import.meta.url).resolve('dockerode'))('tar-fs') as {
  pack(
    dir: string,
    options: { entries: string[]; readable?: boolean; umask?: number },
  ): NodeJS.ReadableStream & { destroy(): void };
};

/**
 * The classic builder reuses cached layers that belong to other images; when one of those is
 * removed while this build runs (another build's clean-up, a user deleting an old image), the
 * engine fails the build on a parent it no longer has. Building again picks other layers.
 */
const VANISHED_PARENT = /unknown parent image ID|failed to set parent|No such image: sha256:/;

const BUILD_ATTEMPTS = 3;

export async function buildWithRetry(
  docker: Docker,
  context: string,
  labels: Record<string, string>,
  options: ImageBuildOptions,
): Promise<string> {
  return retry(
    () => buildImage(docker, context, labels, options),
    {
      what: 'The build',
      retryOn: (error) =>
        error instanceof LambdashError &&
        error.code === 'BUILD_FAILED' &&
        VANISHED_PARENT.test(error.message),
      attempts: BUILD_ATTEMPTS,
      // Said in the build's log, where the failed attempt's lines are.
      onRetry: (_error, { attempt }) =>
        emit(options, {
          type: 'build.log',
          text: `A cached layer was removed during the build; building again (attempt ${attempt + 1} of ${BUILD_ATTEMPTS}).`,
        }),
    },
    options,
  );
}

/** Streams the build, turning its step lines into events and its errors into LambdashErrors. */
async function buildImage(
  docker: Docker,
  context: string,
  labels: Record<string, string>,
  options: ImageBuildOptions,
): Promise<string> {
  // The context goes up as a tar stream of our own, so that when the request fails half-way
  // its errors (a file removed as the caller cleans up) land here instead of crashing the process.
  // Only what lambdash wrote goes to the engine, whatever else a buildAt folder holds.
  const present = new Set(await readdir(context));
  // Readable by everyone whatever the umask here (077 would make every file 0600): Lambda runs
  // the function as an unprivileged user, who must be able to read the code and the runtime.
  const pack = tarFs.pack(context, {
    entries: CONTEXT_ENTRIES.filter((e) => present.has(e)),
    readable: true,
    umask: 0o022,
  });
  pack.on('error', () => undefined);
  const query = {
    labels,
    buildargs: { ...options.buildArgs },
    nocache: options.noCache ?? false,
    platform: options.platform,
    // Everything the image needs is in the context: nothing in the build goes online.
    networkmode: 'none',
    rm: true,
    forcerm: true,
  };
  const secrets =
    options.secrets && Object.keys(options.secrets).length > 0 ? options.secrets : undefined;
  let session: BuildSession | undefined;
  let stream: NodeJS.ReadableStream;
  try {
    if (secrets) {
      session = await openBuildSession(docker, secrets);
      stream = await buildWithBuildkit(docker, pack, query, session.id, options.signal);
    } else {
      stream = await docker.buildImage(pack, { ...query, abortSignal: options.signal });
    }
  } catch (error) {
    pack.destroy();
    session?.close();
    throwIfAborted(options.signal, 'The build');
    throw dockerError(error, 'start the image build');
  }
  const abort = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  options.signal?.addEventListener('abort', abort, { once: true });
  const output: string[] = [];
  const warmup = warmupWatcher(options);
  const buildkit = new BuildkitLog();
  const log = (text: string) => {
    output.push(text);
    emit(options, { type: 'build.log', text });
    warmup(text);
  };
  try {
    let id = '';
    await followDockerStream(stream, (message) => {
      const aux: unknown = message.aux;
      if (message.id === BUILDKIT_TRACE && typeof aux === 'string') {
        for (const line of buildkit.lines(aux)) log(line);
        return;
      }
      if (typeof message.aux?.ID === 'string') id = message.aux.ID;
      const text = typeof message.stream === 'string' ? message.stream.trimEnd() : '';
      if (text) log(text);
    });
    throwIfAborted(options.signal, 'The build');
    if (!id)
      throw new LambdashError(
        'BUILD_FAILED',
        'The image build ended without an image.',
        buildHint(output),
      );
    return id;
  } catch (error) {
    if (error instanceof LambdashError) throw error;
    throwIfAborted(options.signal, 'The build');
    if (error instanceof DockerStreamError) {
      throw new LambdashError(
        'BUILD_FAILED',
        `The image build failed: ${error.message}`,
        buildHint(output),
        { cause: error },
      );
    }
    throw dockerError(error, 'build the image');
  } finally {
    options.signal?.removeEventListener('abort', abort);
    pack.destroy();
    session?.close();
  }
}

/**
 * Starts a BuildKit build that uses the session. Sent as dockerode's buildImage would send it,
 * but with our session: dockerode's own, opened for `version: "2"`, serves no secrets.
 */
function buildWithBuildkit(
  docker: Docker,
  pack: NodeJS.ReadableStream,
  query: Record<string, unknown>,
  session: string,
  signal: AbortSignal | undefined,
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        file: pack,
        isStream: true,
        options: { ...query, version: '2', session },
        statusCodes: { 200: true, 500: 'server error' },
        ...(signal ? { abortSignal: signal } : {}),
      },
      (error, result) =>
        error ? reject(error) : resolve(result as unknown as NodeJS.ReadableStream),
    );
  });
}

/**
 * Follows the warm-up step in the build log: from its RUN line to the runtime's "wrote a N-byte
 * code cache" line, which becomes a warmup.done event. A cached step prints neither: the
 * warm-up did not run again, and no event comes.
 */
function warmupWatcher(options: OperationOptions): (line: string) => void {
  let started: number | undefined;
  return (line) => {
    // The classic builder's step line, or BuildKit's (`[5/6] RUN --mount=... [..., "--warmup", ...]`).
    if (/^(Step \d+\/\d+ : |\[[^\]]*\] )RUN .*"--warmup"/.test(line)) started = performance.now();
    const written = /lambdash warm-up: wrote a (\d+)-byte code cache/.exec(line);
    if (written && started !== undefined) {
      emit(options, {
        type: 'warmup.done',
        cacheBytes: Number(written[1]),
        ms: Math.round(performance.now() - started),
      });
      started = undefined;
    }
  };
}

function buildHint(output: readonly string[]): string {
  const tail = output.slice(-8).join('\n');
  return tail
    ? `The build's last lines:\n${tail}`
    : 'Run with a build log listener (onEvent) to see every step.';
}
