// The runtime's stdout reaches the test through a pipe, which may lag behind the answer the
// Runtime API server already handed back: wait for the lines instead of reading at once.
import { vi } from 'vitest';
import type { RuntimeHarness } from './runtime-harness.js';

export async function waitForOutput(
  harness: RuntimeHarness,
  done: (output: string) => boolean,
  what = 'the expected output',
): Promise<string> {
  return vi.waitFor(
    () => {
      const output = harness.output();
      if (!done(output))
        throw new Error(`timed out waiting for ${what}; output so far:\n${output}`);
      return output;
    },
    { timeout: 10_000, interval: 10 },
  );
}

/** Output lines, split on `\n` only: a `\r` inside a line belongs to its message. */
export function outputLines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

/** Waits until the runtime has logged `response.posted` for the request, in either format. */
export function waitForPosted(harness: RuntimeHarness, requestId: string): Promise<string> {
  return waitForOutput(
    harness,
    (output) =>
      outputLines(output).some(
        (line) => line.includes(requestId) && line.includes('response.posted'),
      ),
    `response.posted for ${requestId}`,
  );
}
