// One request's log from a local container's output, for when the invocation's log tail (4 KB,
// like Lambda's) was cut: the emulator writes every line to the container's output as well.
import { getDocker } from './docker.js';
import { type InvocationLog, parseInvocationLog } from './invocation-log.js';

/**
 * The request's log from the container's output since `since` (ms; the emulator prints a
 * cold start's init lines after START, so nothing before the invocation is needed).
 */
export async function readContainerLog(
  containerId: string,
  requestId: string,
  since: number,
): Promise<InvocationLog | undefined> {
  const output = await getDocker()
    .getContainer(containerId)
    .logs({ stdout: true, stderr: true, since: Math.floor(since / 1000) - 1 })
    .catch(() => undefined);
  if (output === undefined) return undefined;
  const text = demux(Buffer.isBuffer(output) ? output : Buffer.from(String(output)));
  return parseInvocationLog(text, { requestId, source: 'local' });
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
