// Response streaming through `awslambda.streamifyResponse`: chunked bodies, the HTTP
// prelude, errors in trailers after the first byte and as a normal error post before it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeInvokeResult } from '../../../runtime/emulator/runtime-api-server.js';
import { awsEvent, readAll, withJsonBody } from '../../support/aws-events.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';
import { spawnRuntime } from '../../support/runtime-process.js';
import { NEXT_PATH, sendEvent } from '../../support/scripted-runtime-api.js';

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

function stream(mode: string, requestId?: string): Promise<Streamed> {
  return streamed(harness, { mode }, requestId);
}

async function streamed(
  runtime: RuntimeHarness,
  event: unknown,
  requestId?: string,
): Promise<Streamed> {
  const result: RuntimeInvokeResult = await runtime.invoke(event, requestId ? { requestId } : {});
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
    // As aws-lambda-ric 3.3.0 (ResponseStream.js): the type as is, the payload in base64.
    expect(result.ended?.errorType).toBe('RangeError');
    expect(errorBody(result.ended)).toEqual({
      errorType: 'RangeError',
      errorMessage: 'failed mid-stream',
      trace: expect.arrayContaining([
        'RangeError: failed mid-stream',
        expect.stringMatching(/^ {4}at .*stream\.mjs/),
      ]),
    });
    await expectNextSucceeds();
  });

  it('after a burst of writes: every byte arrives before the error', async () => {
    const result = await stream('burst');
    expect(result.body.toString()).toBe('part0;part1;part2;part3;part4;');
    expect(result.ended?.errorType).toBe('TypeError');
    expect(errorBody(result.ended)).toMatchObject({ errorMessage: 'failed after writing' });
    await expectNextSucceeds();
  });

  const DESTROYED = 'The response stream was destroyed before it ended';

  it.each([
    ['destroy', DESTROYED],
    ['destroy-with-error', 'broken on purpose'],
  ])(
    'a stream the handler destroyed (%s) before any write: an error post',
    async (mode, message) => {
      const answer = await harness.invokeJson({ mode });
      // No error-type header (as AWS's runtime): the Runtime API reads the payload's.
      expect(answer).toMatchObject({
        kind: 'error',
        errorType: 'Error',
        body: { errorType: 'Error', errorMessage: message },
      });
      await expectNextSucceeds();
    },
  );

  it('a stream the handler destroyed after a write: the error travels in the trailers', async () => {
    const result = await stream('destroy-after-write');
    expect(result.body.toString()).toBe('partial');
    expect(result.ended?.errorType).toBe('Error');
    expect(errorBody(result.ended)).toMatchObject({ errorType: 'Error', errorMessage: DESTROYED });
    await expectNextSucceeds();
  });

  it('before any write: an ordinary error post', async () => {
    const answer = await harness.invokeJson({ mode: 'fail-before-write' });
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'Error',
      body: { errorType: 'Error', errorMessage: 'failed before writing' },
    });
    await expectNextSucceeds();
  });
});

const HTTP_TYPE = 'application/vnd.awslambda.http-integration-response';
const httpBody = (prelude: unknown, body: string) =>
  Buffer.concat([Buffer.from(JSON.stringify(prelude)), Buffer.alloc(8), Buffer.from(body)]);

describe('more streaming handlers', () => {
  let edges: RuntimeHarness;
  beforeAll(async () => {
    edges = await startRuntime({ handler: 'sources/stream.edges' });
  });
  afterAll(async () => {
    await edges.stop();
  });

  it('sends the HTTP prelude of a response with no body', async () => {
    expect(await streamed(edges, { mode: 'http-empty' })).toEqual({
      contentType: HTTP_TYPE,
      body: httpBody({ statusCode: 204, headers: {} }, ''),
      ended: undefined,
    });
  });

  it('refuses a content type set after the first byte, in the trailers', async () => {
    const result = await streamed(edges, { mode: 'late-content-type' });
    expect(result.body.toString()).toBe('started');
    expect(result.ended?.errorType).toBe('Runtime.InvalidStreamingOperation');
    expect(JSON.parse(result.ended!.body.toString())).toMatchObject({
      errorMessage: 'Cannot set content-type, too late.',
    });
  });

  it('reports an error after HttpResponseStream.from but before any byte as an error post', async () => {
    expect(await edges.invokeJson({ mode: 'from-then-throw' })).toMatchObject({
      kind: 'error',
      errorType: 'Error',
      body: { errorMessage: 'failed before the first byte' },
    });
    expect((await streamed(edges, { mode: 'other' })).body.toString()).toBe('fine');
  });

  it('accepts a handler wrapped twice', async () => {
    const twice = await startRuntime({ handler: 'sources/stream.wrappedTwice' });
    try {
      expect((await streamed(twice, {})).body.toString()).toBe('wrapped twice');
    } finally {
      await twice.stop();
    }
  });
});

describe('streaming from a function URL', () => {
  let url: RuntimeHarness;
  beforeAll(async () => {
    url = await startRuntime({ handler: 'sources/stream.url' });
  });
  afterAll(async () => {
    await url.stop();
  });
  const JSON_TYPE = 'application/json; charset=utf-8';

  it('gives the handler the normalised request', async () => {
    const result = await streamed(url, awsEvent('lambda-urls-request'));
    expect(result.body).toEqual(
      httpBody(
        { statusCode: 200, headers: { 'content-type': 'application/json' } },
        JSON.stringify({
          kind: 'function-url',
          method: 'POST',
          path: '/my/path',
          body: 'Hello from client!',
        }),
      ),
    );
  });

  // A generic error is an invocation error on HTTP events too, as under AWS's runtime: a 500
  // would hide it from Lambda's error metrics and X-Amz-Function-Error.
  it('reports an error before the first byte as an invocation error', async () => {
    const event = { ...awsEvent('lambda-urls-request'), rawQueryString: 'fail=1' };
    expect(await url.invokeJson(event)).toMatchObject({
      kind: 'error',
      errorType: 'Error',
      body: {
        errorType: 'Error',
        errorMessage: 'secret detail',
        trace: expect.arrayContaining(['Error: secret detail']),
      },
    });
  });

  it('reports a stream the handler destroyed before any write as an invocation error', async () => {
    const event = { ...awsEvent('lambda-urls-request'), rawQueryString: 'destroy=1' };
    expect(await url.invokeJson(event)).toMatchObject({
      kind: 'error',
      errorType: 'Error',
      body: {
        errorType: 'Error',
        errorMessage: 'The response stream was destroyed before it ended',
      },
    });
  });

  it('reports an HttpError whose details JSON cannot encode as an invocation error', async () => {
    const event = { ...awsEvent('lambda-urls-request'), rawQueryString: 'circular=1' };
    expect(await url.invokeJson(event)).toMatchObject({
      kind: 'error',
      errorType: 'HttpError',
      body: { errorType: 'HttpError', errorMessage: 'bad input' },
    });
    expect(url.process.exitCode).toBeNull();
    // The runtime goes on.
    expect((await streamed(url, awsEvent('lambda-urls-request'))).contentType).toBe(HTTP_TYPE);
  });

  // The handler reads request.body and lets its error through: the runtime's own answer.
  it('answers a body that is not JSON, read by the handler, with an HTTP 400', async () => {
    const result = await streamed(url, withJsonBody(awsEvent('lambda-urls-request'), '{oops'));
    const [prelude, body] = result.body.toString().split('\0'.repeat(8));
    expect(JSON.parse(prelude!)).toEqual({
      statusCode: 400,
      headers: { 'content-type': JSON_TYPE },
    });
    expect(JSON.parse(body!)).toEqual({
      message: 'Request body is not valid JSON',
    });
  });
});

describe('a Runtime API that breaks the streamed response', () => {
  it("is the runtime's own failure: reported with its stack, not as an unhandled rejection of the handler", async () => {
    const posts: string[] = [];
    // Hands out one event, then resets the connection of its streamed response at once.
    const server = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === NEXT_PATH) {
        if (posts.length === 0) sendEvent(res, 'broken-1', { mode: 'write-until-broken' });
        posts.push('next');
        return;
      }
      if (req.headers['lambda-runtime-function-response-mode'] === 'streaming') {
        posts.push(`${req.method} ${req.url} stream`);
        req.socket.destroy();
        return;
      }
      // No error-type header (as AWS's runtime): the type is the payload's.
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        let type = '';
        try {
          type = (JSON.parse(body) as { errorType?: string }).errorType ?? '';
        } catch {}
        posts.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(202).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const runtime = spawnRuntime({
      runtimeApi: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      handler: 'sources/stream.handler',
    });
    try {
      expect(await runtime.exited).toBe(1);
      const output = runtime.output();
      expect(output).not.toContain('Unhandled Promise Rejection');
      expect(posts).not.toContain(
        'POST /2018-06-01/runtime/invocation/broken-1/error Runtime.UnhandledPromiseRejection',
      );
      // The stack of the runtime's error, not only its message.
      expect(output).toMatch(/lambdash runtime: Error: [^\n]+\n {4}at /);
    } finally {
      await runtime.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
