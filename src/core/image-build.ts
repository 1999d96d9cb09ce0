// The engine's image build: the context streamed as a tar of ours, the build log followed
// (step lines become build.log events, the warm-up's report a warmup.done), the engine's errors
// made LambdashErrors, and a build whose cached parent vanished meanwhile built again.

import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import type { Platform } from './base-image.js';
import { CONTEXT_ENTRIES } from './build-context.js';
import { dockerError } from './docker.js';
import { DockerStreamError, followDockerStream } from './docker-stream.js';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit, type OperationOptions } from './events.js';

/** What the build needs of createLocalImage's options. */
export interface ImageBuildOptions extends OperationOptions {
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly noCache?: boolean;
  readonly platform: Platform;
}

/**
 * tar-fs, as dockerode itself packs build contexts with it: resolved through dockerode, whose
 * dependency it is, so it is always there in the version dockerode was made with.
 */
const tarFs = createRequire(createRequire(import.meta.url).resolve('dockerode'))('tar-fs') as {
  pack(dir: string, options: { entries: string[] }): NodeJS.ReadableStream & { destroy(): void };
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await buildImage(docker, context, labels, options);
    } catch (error) {
      const vanished =
        error instanceof LambdashError &&
        error.code === 'BUILD_FAILED' &&
        VANISHED_PARENT.test(error.message);
      if (!vanished || attempt === BUILD_ATTEMPTS) throw error;
      emit(options, {
        type: 'build.log',
        text: `A cached layer was removed during the build; building again (attempt ${attempt + 1} of ${BUILD_ATTEMPTS}).`,
      });
    }
  }
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
  const pack = tarFs.pack(context, { entries: CONTEXT_ENTRIES.filter((e) => present.has(e)) });
  pack.on('error', () => undefined);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(pack, {
      labels,
      buildargs: { ...options.buildArgs },
      nocache: options.noCache ?? false,
      platform: options.platform,
      // Everything the image needs is in the context: nothing in the build goes online.
      networkmode: 'none',
      rm: true,
      forcerm: true,
      abortSignal: options.signal,
    });
  } catch (error) {
    pack.destroy();
    throwIfAborted(options.signal, 'The build');
    throw dockerError(error, 'start the image build');
  }
  const abort = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  options.signal?.addEventListener('abort', abort, { once: true });
  const output: string[] = [];
  const warmup = warmupWatcher(options);
  try {
    let id = '';
    await followDockerStream(stream, (message) => {
      if (typeof message.aux?.ID === 'string') id = message.aux.ID;
      const text = typeof message.stream === 'string' ? message.stream.trimEnd() : '';
      if (text) {
        output.push(text);
        emit(options, { type: 'build.log', text });
        warmup(text);
      }
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
  }
}

/**
 * Follows the warm-up step in the build log: from its RUN line to the runtime's "wrote a N-byte
 * code cache" line, which becomes a warmup.done event. A cached step prints neither: the
 * warm-up did not run again, and no event comes.
 */
function warmupWatcher(options: OperationOptions): (line: string) => void {
  let started: number | undefined;
  return (line) => {
    if (/^Step \d+\/\d+ : RUN .*"--warmup"/.test(line)) started = performance.now();
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
