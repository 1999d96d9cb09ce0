// A local container's output as text, and one request's log from it, for when the invocation's
// log tail (4 KB, like Lambda's) was cut: the emulator writes every line to the output as well.
import type Docker from 'dockerode';
import { delay } from '../common/delay.js';
import { throwIfAborted } from '../common/errors.js';
import { type InvocationLog, parseInvocationLog } from '../logs/invocation-log.js';
import { getDocker } from './docker.js';

/** How long the emulator may take to write a request's last lines after it answered. */
const COMPLETE_WAIT_MS = 5_000;
const POLL_MS = 50;

/**
 * The request's log from the container's output since `since` (ms; the emulator prints a
 * cold start's init lines after START, so nothing before the invocation is needed). The
 * emulator answers before it writes END and REPORT, so the output is read again until they are
 * there (for a few seconds at most; then what there is). The signal cuts the wait short.
 */
export async function readContainerLog(
  containerId: string,
  requestId: string,
  since: number,
  signal?: AbortSignal,
): Promise<InvocationLog | undefined> {
  const what = `Reading the log of request ${requestId}`;
  const container = getDocker().getContainer(containerId);
  const deadline = Date.now() + COMPLETE_WAIT_MS;
  for (;;) {
    throwIfAborted(signal, what);
    const text = await readContainerOutput(container, {
      since: Math.floor(since / 1000) - 1,
      ...(signal ? { abortSignal: signal } : {}),
    });
    // An engine call cut short by the signal reads as "no output": it is a cancellation.
    throwIfAborted(signal, what);
    if (text === undefined) return undefined;
    const log = parseInvocationLog(text, { requestId, source: 'local' });
    if (log.complete || Date.now() >= deadline) return log;
    await delay(POLL_MS, signal, what);
  }
}

/** What a container wrote (stdout and stderr, in order); undefined when the engine cannot say. */
export async function readContainerOutput(
  container: Docker.Container,
  options: { since?: number; tail?: number; abortSignal?: AbortSignal } = {},
): Promise<string | undefined> {
  const output = await container
    .logs({ stdout: true, stderr: true, ...options })
    .catch(() => undefined);
  if (output === undefined) return undefined;
  return demux(Buffer.isBuffer(output) ? output : Buffer.from(String(output)));
}

/** The engine's multiplexed stdout/stderr frames (8-byte headers), as one text. */
function demux(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.toString('utf8', offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join('') : buffer.toString('utf8');
}
