// Pulling an image, with progress events, and given up when the registry goes quiet: offline,
// a pull would otherwise hang on a dead network.

import { abortedError } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { getDocker } from './docker.js';
import { followDockerStream } from './docker-stream.js';
import type { Platform } from './types.js';

/** Whether a base image may be pulled: not with `pull: false`, nor with LAMBDASH_NO_PULL set. */
export function pullAllowed(options: { readonly pull?: boolean }): boolean {
  return options.pull !== false && !process.env.LAMBDASH_NO_PULL;
}

/** A pull that reports nothing for this long is given up. */
const PULL_IDLE_MS = 15_000;

/**
 * Pulls to the end of the engine's progress stream. Fails with a plain Error carrying the
 * registry's (or the engine's) reason, for the caller to put in context; ABORTED when cancelled.
 */
export async function pullImage(
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
    const stream: NodeJS.ReadableStream = await getDocker().pull(image, {
      ...(platform ? { platform } : {}),
      abortSignal: signal,
    });
    await followDockerStream(stream, (message) => {
      touch();
      const text = [message.id, message.status, message.progress]
        .filter((s) => typeof s === 'string')
        .join(' ');
      if (text) emit(options, { type: 'base.build', image, text });
    });
  } catch (error) {
    if (options.signal?.aborted) throw abortedError('The pull', options.signal.reason);
    if (idle.signal.aborted) {
      throw new Error(`the registry sent nothing for ${PULL_IDLE_MS / 1000} s`);
    }
    // docker-modem wraps the engine's message as "(HTTP code 500) server error - <message> ".
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim(), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
