// The engine's progress streams (build, pull): newline-delimited JSON messages, any of which may
// carry an error. Read here, once, for every caller.

export interface DockerStreamMessage {
  readonly stream?: unknown;
  readonly status?: unknown;
  readonly id?: unknown;
  readonly progress?: unknown;
  readonly error?: unknown;
  readonly errorDetail?: { readonly message?: unknown };
  readonly aux?: { readonly ID?: unknown };
}

/** An error the engine reported inside the stream (a failed step, a refused pull). */
export class DockerStreamError extends Error {
  override readonly name = 'DockerStreamError';
}

/**
 * Reads the stream to its end, handing each message on. A message with an error (its
 * `errorDetail.message`, else `error`) ends the reading with a DockerStreamError; a broken
 * connection ends it with the connection's own error.
 */
export async function followDockerStream(
  stream: NodeJS.ReadableStream,
  onMessage: (message: DockerStreamMessage) => void,
): Promise<void> {
  let pending = '';
  const handle = (line: string) => {
    if (!line.trim()) return;
    let message: DockerStreamMessage;
    try {
      message = JSON.parse(line) as DockerStreamMessage;
    } catch {
      return; // not ours to judge: the engine's next line still counts
    }
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined && error !== null && error !== '') {
      throw new DockerStreamError(String(error).trim());
    }
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
