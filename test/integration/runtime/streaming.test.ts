// Response streaming through `awslambda.streamifyResponse`: chunked bodies, the HTTP
// prelude, errors in trailers after the first byte and as a normal error post before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeInvokeResult } from '../../../runtime/emulator/runtime-api-server.js';
import { readAll } from '../../support/aws-events.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness;
beforeAll(async () => {
  harness = await startRuntime({ handler: 'sources/stream.handler' });
});
afterAll(async () => {
  await harness.stop();
});

interface Streamed {
  contentType: string;
  body: Buffer;
  ended: { errorType: string; body: Buffer } | undefined;
}

async function stream(mode: string, requestId?: string): Promise<Streamed> {
  const result: RuntimeInvokeResult = await harness.invoke(
    { mode },
    requestId ? { requestId } : {},
  );
  if (result.kind !== 'stream') {
    throw new Error(`expected a stream, got ${result.kind}: ${result.body.toString()}`);
  }
  const body = await readAll(result.body);
  return { contentType: result.contentType, body, ended: await result.ended };
}

/** Every failure must leave the runtime able to answer the next invocation. */
async function expectNextSucceeds(): Promise<void> {
  const next = await stream('chunks');
  expect(next.body.toString()).toBe('one,two,three');
  expect(next.ended).toBeUndefined();
}

describe('streamed responses', () => {
  it('concatenates the chunks written, as application/octet-stream', async () => {
    expect(await stream('chunks')).toEqual({
      contentType: 'application/octet-stream',
      body: Buffer.from('one,two,three'),
      ended: undefined,
    });
  });

  it('ends a stream the handler left open', async () => {
    const result = await stream('no-end', 'stream-no-end');
    expect(result.body.toString()).toBe('id=stream-no-end');
    expect(result.ended).toBeUndefined();
  });

  it('sends the HTTP prelude and 8 NUL bytes before the body', async () => {
    const result = await stream('http');
    expect(result.contentType).toBe('application/vnd.awslambda.http-integration-response');
    const prelude = JSON.stringify({ statusCode: 201, headers: { 'x-streamed': 'yes' } });
    expect(result.body).toEqual(
      Buffer.concat([Buffer.from(prelude), Buffer.alloc(8), Buffer.from('{"ok":true}')]),
    );
    expect(result.ended).toBeUndefined();
  });
});

describe('streaming errors', () => {
  const errorBody = (ended: Streamed['ended']) => JSON.parse(ended!.body.toString()) as unknown;

  it('after the first write: the error travels in the trailers', async () => {
    const result = await stream('fail-after-write');
    expect(result.body.toString()).toBe('partial');
    expect(result.ended?.errorType).toBe('Function.RangeError');
    expect(errorBody(result.ended)).toEqual({
      errorType: 'RangeError',
      errorMessage: 'failed mid-stream',
      stackTrace: expect.arrayContaining([expect.stringMatching(/^at .*stream\.mjs/)]),
    });
    await expectNextSucceeds();
  });

  it('after a burst of writes: every byte arrives before the error', async () => {
    const result = await stream('burst');
    expect(result.body.toString()).toBe('part0;part1;part2;part3;part4;');
    expect(result.ended?.errorType).toBe('Function.TypeError');
    expect(errorBody(result.ended)).toMatchObject({ errorMessage: 'failed after writing' });
    await expectNextSucceeds();
  });

  it('before any write: an ordinary error post', async () => {
    const answer = await harness.invokeJson({ mode: 'fail-before-write' });
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'Function.Error',
      body: { errorType: 'Error', errorMessage: 'failed before writing' },
    });
    await expectNextSucceeds();
  });
});
