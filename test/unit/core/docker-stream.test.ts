import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  DockerStreamError,
  type DockerStreamMessage,
  followDockerStream,
} from '../../../src/core/images/docker-stream.js';

/** Reads chunks as the engine might cut them; returns the messages or the error. */
async function read(...chunks: string[]) {
  const messages: DockerStreamMessage[] = [];
  const error = await followDockerStream(Readable.from(chunks), (m) => messages.push(m)).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { messages, error };
}

describe('followDockerStream', () => {
  it('hands on each message, whatever the chunks cut, skipping lines that are not JSON', async () => {
    const { messages, error } = await read(
      '{"stream":"Step 1/2 : FROM x\\n"}\n{"str',
      'eam":"Step 2/2"}\nnot json\n\n{"aux":{"ID":"sha256:1"}}',
    );
    expect(error).toBeUndefined();
    expect(messages).toEqual([
      { stream: 'Step 1/2 : FROM x\n' },
      { stream: 'Step 2/2' },
      { aux: { ID: 'sha256:1' } },
    ]);
  });

  it.each([
    ['errorDetail.message', '{"errorDetail":{"message":"detail"},"error":"short"}\n', 'detail'],
    ['error alone', '{"error":"  failed to set parent  "}\n', 'failed to set parent'],
  ])('ends with the engine error in %s', async (_, line, message) => {
    const { messages, error } = await read('{"stream":"a"}\n', line, '{"stream":"after"}\n');
    expect(error).toBeInstanceOf(DockerStreamError);
    expect((error as Error).message).toBe(message);
    expect(messages).toEqual([{ stream: 'a' }]);
  });

  it('ends with the connection error of a broken stream', async () => {
    const stream = new Readable({
      read() {
        this.push('{"stream":"a"}\n');
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    const error = await followDockerStream(stream, () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
  });
});
