// Request bodies are the handler's business: the runtime never answers an HTTP event by
// itself because of its body, hands every handler the raw event exactly as Lambda sent it, and
// decodes `context.request.body` only for code that reads it. Run against AWS's sample events.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEvent, type JsonRecord } from '../../support/aws-events.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

const FILES = [
  'apigw-request',
  'apigw-v2-request-no-authorizer',
  'lambda-urls-request',
  'alb-lambda-target-request-headers-only',
  'alb-lambda-target-request-multivalue-headers',
] as const;

interface Body {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly contentEncoding?: string;
}

/** A sample event carrying `body`, its headers set in each map the sample has. */
function withBody(file: string, body: Body): JsonRecord {
  const event = awsEvent(file);
  const set: Record<string, string> = { 'content-type': body.contentType };
  if (body.contentEncoding) set['content-encoding'] = body.contentEncoding;
  const replace = (map: unknown, wrap: (v: string) => unknown) => {
    const kept = Object.entries((map ?? {}) as JsonRecord).filter(
      ([name]) => !/^content-(type|encoding)$/i.test(name),
    );
    return Object.fromEntries([...kept, ...Object.entries(set).map(([k, v]) => [k, wrap(v)])]);
  };
  const binary = body.contentEncoding !== undefined;
  return {
    ...event,
    headers: replace(event.headers, (v) => v),
    ...(event.multiValueHeaders
      ? { multiValueHeaders: replace(event.multiValueHeaders, (v) => [v]) }
      : {}),
    body: body.bytes.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: binary,
  };
}

const json = (text: string): Body => ({
  bytes: Buffer.from(text),
  contentType: 'application/json',
});
const BOM_JSON = json('\uFEFF{"name":"ada","age":36}');
const GZIP_JSON: Body = {
  bytes: gzipSync('{"name":"ada","age":36}'),
  contentType: 'application/json',
  contentEncoding: 'gzip',
};
const MALFORMED = json('{"name": "ada",');

interface Answer {
  statusCode: number;
  body: string;
  [field: string]: unknown;
}

function withRuntime(handler: string, body: (get: () => RuntimeHarness) => void): void {
  let harness: RuntimeHarness | undefined;
  beforeAll(async () => {
    harness = await startRuntime({ handler });
  });
  afterAll(async () => {
    await harness?.stop();
  });
  body(() => harness!);
}

async function answer(harness: RuntimeHarness, event: JsonRecord): Promise<Answer> {
  const result = await harness.invokeJson(event);
  expect(result.kind).toBe('response');
  return result.body as Answer;
}

describe('the decoded body, for code that reads it', () => {
  withRuntime('sources/bodies.decoded', (runtime) => {
    it.each(FILES)('%s: JSON with a byte-order mark', async (file) => {
      const response = await answer(runtime(), withBody(file, BOM_JSON));
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ body: { name: 'ada', age: 36 } });
    });

    it.each(FILES)('%s: gzip-encoded JSON', async (file) => {
      const response = await answer(runtime(), withBody(file, GZIP_JSON));
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ body: { name: 'ada', age: 36 } });
    });

    it.each(FILES)('%s: malformed JSON the handler lets through is a 400', async (file) => {
      const response = await answer(runtime(), withBody(file, MALFORMED));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ message: 'Request body is not valid JSON' });
    });
  });

  withRuntime('sources/bodies.caught', (runtime) => {
    it.each(FILES)('%s: malformed JSON caught by the handler is its own answer', async (file) => {
      expect(await answer(runtime(), withBody(file, MALFORMED))).toEqual({
        statusCode: 422,
        body: 'caught 400: Request body is not valid JSON',
      });
    });
  });
});

describe('handlers that read the raw event', () => {
  withRuntime('sources/bodies.ownParse', (runtime) => {
    it.each(FILES)('%s: malformed JSON reaches the handler, which answers it', async (file) => {
      expect(await answer(runtime(), withBody(file, MALFORMED))).toEqual({
        statusCode: 400,
        headers: { 'content-type': 'text/plain' },
        body: 'my own 400',
      });
    });

    it.each(FILES)('%s: valid JSON reaches the handler too', async (file) => {
      expect(await answer(runtime(), withBody(file, json('{"n":1}')))).toEqual({
        statusCode: 200,
        body: '{"parsed":{"n":1}}',
      });
    });
  });

  withRuntime('sources/bodies.asText', (runtime) => {
    const problem = 'title: not JSON at all, but labelled so';
    it.each(FILES)('%s: an application/problem+json body read as text', async (file) => {
      const event = withBody(file, {
        bytes: Buffer.from(problem),
        contentType: 'application/problem+json',
      });
      expect((await answer(runtime(), event)).body).toBe(problem);
    });
  });

  withRuntime('sources/bodies.raw', (runtime) => {
    it.each(
      FILES.flatMap((file) => [BOM_JSON, GZIP_JSON, MALFORMED].map((body) => ({ file, body }))),
    )('$file: the handler gets the event exactly as sent', async ({ file, body }) => {
      const event = withBody(file, body);
      const response = await answer(runtime(), event);
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual(event);
    });
  });
});

describe('a module with an event schema', () => {
  withRuntime('sources/typed.handler', (runtime) => {
    it.each(FILES)('%s: malformed JSON is still a 400 before the handler runs', async (file) => {
      const response = await answer(runtime(), withBody(file, MALFORMED));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ message: 'Request body is not valid JSON' });
    });

    it.each(FILES)('%s: gzip JSON with a BOM is validated', async (file) => {
      const event = withBody(file, {
        ...GZIP_JSON,
        bytes: gzipSync('\uFEFF{"name":"ada","age":36}'),
      });
      const response = await answer(runtime(), event);
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        body: { name: 'ADA', age: 36, validated: true },
      });
    });
  });
});
