// Each event source end to end, with AWS's real sample events: what the handler receives,
// what the runtime posts back, and how failures are reported for that source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEvent, type JsonRecord, withJsonBody } from '../../support/aws-events.js';
import { waitForOutput } from '../../support/output.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** How each front door wants its response shaped. */
type Envelope = 'v2' | 'v1' | 'alb' | 'alb-multi';

interface HttpSource {
  readonly file: string;
  readonly kind: string;
  readonly envelope: Envelope;
  /** The normalised request, except headers (checked separately below). */
  readonly request: JsonRecord;
  /** Some of the request's headers, by their lower-case names. */
  readonly headers: Record<string, string>;
}

const HTTP_SOURCES: readonly HttpSource[] = [
  {
    file: 'apigw-request',
    kind: 'apigateway-rest',
    envelope: 'v1',
    request: {
      method: 'POST',
      path: '/hello/world',
      query: { name: 'me' },
      multiValueQuery: { name: ['me'] },
      pathParameters: { proxy: 'hello/world' },
      cookies: {},
      body: { a: 1 },
      rawBodyBase64: Buffer.from('{\r\n\t"a": 1\r\n}').toString('base64'),
      sourceIp: '192.168.196.186',
    },
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': '54.240.196.186, 54.182.214.83',
      headername: 'headerValue',
      host: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
    },
  },
  {
    file: 'apigw-v2-request-no-authorizer',
    kind: 'apigateway-http',
    envelope: 'v2',
    request: {
      method: 'GET',
      path: '/',
      query: {},
      multiValueQuery: {},
      pathParameters: {},
      cookies: {},
      rawBodyBase64: '',
      sourceIp: '1.2.3.4',
    },
    headers: {
      'user-agent': 'curl/7.58.0',
      'content-length': '0',
      host: 'aaaaaaaaaa.execute-api.us-west-2.amazonaws.com',
    },
  },
  {
    file: 'lambda-urls-request',
    kind: 'function-url',
    envelope: 'v2',
    request: {
      method: 'POST',
      path: '/my/path',
      query: { parameter1: 'value2', parameter2: 'value' },
      multiValueQuery: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
      pathParameters: {},
      // The sample's cookies ("cookie1", "cookie2") have no name=value pair to decode.
      cookies: {},
      body: 'Hello from client!',
      rawBodyBase64: Buffer.from('Hello from client!').toString('base64'),
      sourceIp: '123.123.123.123',
    },
    headers: { header1: 'value1', header2: 'value1,value2' },
  },
  {
    file: 'alb-lambda-target-request-headers-only',
    kind: 'alb',
    envelope: 'alb',
    request: {
      method: 'GET',
      path: '/',
      query: { key: 'hello' },
      multiValueQuery: { key: ['hello'] },
      pathParameters: {},
      cookies: {},
      rawBodyBase64: '',
      sourceIp: '25.12.198.67',
    },
    headers: {
      'x-myheader': '123',
      host: 'lambda-test-alb-1334523864.us-east-1.elb.amazonaws.com',
    },
  },
  {
    file: 'alb-lambda-target-request-multivalue-headers',
    kind: 'alb',
    envelope: 'alb-multi',
    request: {
      method: 'GET',
      path: '/',
      query: { key: 'hello' },
      multiValueQuery: { key: ['hello'] },
      pathParameters: {},
      cookies: {},
      rawBodyBase64: '',
      sourceIp: '72.21.198.67',
    },
    headers: { 'x-myheader': '123', host: 'lambda-test-alb-1234567.us-east-1.elb.amazonaws.com' },
  },
  {
    file: 'apigw-websocket-request',
    kind: 'apigateway-websocket',
    envelope: 'v1',
    request: {
      method: 'CONNECT',
      path: '$connect',
      query: { name: 'me' },
      multiValueQuery: { name: ['me'] },
      pathParameters: { proxy: 'hello/world' },
      cookies: {},
      body: { a: 1 },
      rawBodyBase64: Buffer.from('{\r\n\t"a": 1\r\n}').toString('base64'),
      sourceIp: '192.168.196.186',
    },
    // Multi-value headers win over the single-value map, which this sample fills differently.
    headers: {
      host: '*.execute-api.eu-central-1.amazonaws.com',
      'sec-websocket-version': '13',
      'content-type': 'application/json',
    },
  },
];

const OTHER_SOURCES = [
  { file: 'sqs-event', kind: 'sqs' },
  { file: 'sns-event', kind: 'sns' },
  { file: 's3-event', kind: 's3' },
  { file: 'dynamodb-event', kind: 'dynamodb' },
  { file: 'kinesis-event', kind: 'kinesis' },
  { file: 'codebuild-state-change', kind: 'eventbridge' },
] as const;

interface ResponseParts {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

/** The response each front door should receive for the same handler answer. */
function shaped(envelope: Envelope, parts: ResponseParts): JsonRecord {
  const { cookies, headers, ...rest } = parts;
  const statusDescription = `${parts.statusCode} ${
    {
      200: 'OK',
      201: 'Created',
      204: 'No Content',
      400: 'Bad Request',
      404: 'Not Found',
      409: 'Conflict',
    }[parts.statusCode] ?? 'Internal Server Error'
  }`;
  switch (envelope) {
    case 'v2':
      return { ...rest, ...(headers && { headers }), ...(cookies && { cookies }) };
    case 'v1':
      return {
        ...rest,
        ...(headers && { headers }),
        ...(cookies && { multiValueHeaders: { 'set-cookie': cookies } }),
      };
    case 'alb':
      return { ...rest, statusDescription, ...(headers && { headers }) };
    case 'alb-multi': {
      const multi: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(headers ?? {})) multi[name] = [value];
      if (cookies) multi['set-cookie'] = cookies;
      return { ...rest, statusDescription, multiValueHeaders: multi };
    }
  }
}

async function invokeOk(harness: RuntimeHarness, event: unknown): Promise<JsonRecord> {
  const answer = await harness.invokeJson(event);
  expect(answer.kind).toBe('response');
  return answer.body as JsonRecord;
}

/** Starts one runtime per handler for the tests inside `body`. */
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

describe('what handlers receive', () => {
  withRuntime('sources/echo.handler', (runtime) => {
    it.each(HTTP_SOURCES)('$file: raw event, kind $kind and the normalised request', async (s) => {
      const event = awsEvent(s.file);
      const response = await invokeOk(runtime(), event);
      expect(response).toMatchObject(
        shaped(s.envelope, {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: expect.any(String) as unknown as string,
          isBase64Encoded: false,
        }),
      );
      const echoed = JSON.parse(response.body as string) as JsonRecord;
      expect(echoed.kind).toBe(s.kind);
      expect(echoed.rawType).toBe('object');
      expect(echoed.raw).toEqual(event);
      const { headers, ...request } = echoed.request as JsonRecord & {
        headers: Record<string, string>;
      };
      expect(request).toEqual(s.request);
      expect(headers).toMatchObject(s.headers);
      expect(Object.keys(headers).filter((name) => name !== name.toLowerCase())).toEqual([]);
    });

    it.each(OTHER_SOURCES)('$file: the raw event as $kind, no request', async (s) => {
      const event = awsEvent(s.file);
      expect(await invokeOk(runtime(), event)).toEqual({
        kind: s.kind,
        rawType: 'object',
        raw: event,
      });
    });

    it.each([
      { payload: { hello: 'world' }, rawType: 'object' },
      { payload: 'just text', rawType: 'string' },
      { payload: 42, rawType: 'number' },
      // Mentions a source's name without having its structure: still a direct call.
      { payload: { eventSource: 'aws:sqs', Records: 'none' }, rawType: 'object' },
    ])('a direct payload $payload reaches the handler as is', async ({ payload, rawType }) => {
      expect(await invokeOk(runtime(), payload)).toEqual({ kind: 'direct', rawType, raw: payload });
    });

    it.each([
      {
        file: 'lambda-urls-request',
        set: (e: JsonRecord) => ({ ...e, cookies: ['session=abc', 'theme=dark%20mode'] }),
      },
      {
        file: 'apigw-request',
        set: (e: JsonRecord) => ({
          ...e,
          headers: { ...(e.headers as JsonRecord), Cookie: 'session=abc; theme=dark%20mode' },
          multiValueHeaders: {
            ...(e.multiValueHeaders as JsonRecord),
            Cookie: ['session=abc; theme=dark%20mode'],
          },
        }),
      },
    ])('$file: request cookies are decoded', async ({ file, set }) => {
      const response = await invokeOk(runtime(), set(awsEvent(file)));
      const echoed = JSON.parse(response.body as string) as { request: { cookies: unknown } };
      expect(echoed.request.cookies).toEqual({ session: 'abc', theme: 'dark mode' });
    });

    // Reading the request (here by spreading it) decodes the body: the failure reaches the
    // reader, and a handler that lets it through answers 400, without echoing the body.
    it.each(HTTP_SOURCES)('$file: an invalid JSON body read and not caught is a 400', async (s) => {
      const body = '{"a": nope, "secret": "hunter2"';
      const response = await invokeOk(runtime(), withJsonBody(awsEvent(s.file), body));
      expect(response).toEqual(
        shaped(s.envelope, {
          statusCode: 400,
          headers: { 'content-type': JSON_TYPE },
          body: '{"message":"Request body is not valid JSON"}',
          isBase64Encoded: false,
        }),
      );
    });
  });
});

describe('HTTP answers', () => {
  const cases: ReadonlyArray<{
    name: string;
    handler: string;
    expected: ResponseParts;
    /** A complete response: posted exactly as the handler built it, whatever the source. */
    exact?: boolean;
  }> = [
    {
      name: 'a plain value becomes a full JSON response',
      handler: 'plain',
      expected: {
        statusCode: 200,
        headers: { 'content-type': JSON_TYPE },
        body: '{"hello":"world","n":1}',
        isBase64Encoded: false,
      },
    },
    {
      name: 'undefined becomes an empty 204',
      handler: 'nothing',
      expected: { statusCode: 204, headers: {}, body: '', isBase64Encoded: false },
    },
    {
      name: 'a string becomes a JSON string',
      handler: 'text',
      expected: {
        statusCode: 200,
        headers: { 'content-type': JSON_TYPE },
        body: '"hello"',
        isBase64Encoded: false,
      },
    },
    {
      name: 'a full response is posted untouched',
      handler: 'full',
      exact: true,
      expected: {
        statusCode: 201,
        headers: { 'x-custom': 'yes', 'content-type': 'text/plain' },
        body: 'created',
      },
    },
    {
      name: 'a Buffer comes back base64-encoded',
      handler: 'buffer',
      expected: {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: 'AAEC/w==',
        isBase64Encoded: true,
      },
    },
    {
      name: 'a cookies array is posted untouched, even where the front door ignores it',
      handler: 'cookies',
      exact: true,
      expected: {
        statusCode: 200,
        body: 'ok',
        cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'],
      },
    },
    {
      name: 'a thrown HttpError gives its status and message',
      handler: 'throw404',
      expected: {
        statusCode: 404,
        headers: { 'content-type': JSON_TYPE },
        body: '{"message":"no such widget"}',
        isBase64Encoded: false,
      },
    },
    {
      name: 'an http-errors style error (statusCode, expose) gives that status and message',
      handler: 'throw409',
      expected: {
        statusCode: 409,
        headers: { 'content-type': JSON_TYPE },
        body: '{"message":"version conflict"}',
        isBase64Encoded: false,
      },
    },
    {
      name: 'a thrown plain object with a statusCode and expose gives that status and its message',
      handler: 'throwObject409',
      expected: {
        statusCode: 409,
        headers: { 'content-type': JSON_TYPE },
        body: '{"message":"stale write"}',
        isBase64Encoded: false,
      },
    },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      withRuntime(`sources/http.${c.handler}`, (runtime) => {
        it.each(HTTP_SOURCES)('$file', async (s) => {
          const response = await invokeOk(runtime(), awsEvent(s.file));
          expect(response).toEqual(c.exact ? c.expected : shaped(s.envelope, c.expected));
        });
      });
    });
  }

  // @fastify/aws-lambda's answer to an ALB target without multi-value headers: folding it
  // into `headers` used to keep only the last cookie.
  describe("headers + multiValueHeaders' Set-Cookie list, as @fastify/aws-lambda answers", () => {
    withRuntime('sources/http.fastifyCookies', (runtime) => {
      it.each(HTTP_SOURCES)('$file: posted exactly as built, every cookie kept', async (s) => {
        const answer = await runtime().invoke(awsEvent(s.file));
        expect(answer.kind).toBe('response');
        expect(answer.kind === 'response' && answer.body.toString()).toBe(
          JSON.stringify({
            statusCode: 200,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' },
            multiValueHeaders: { 'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly', 'c=3; Secure'] },
            body: 'ok',
            isBase64Encoded: false,
          }),
        );
      });
    });
  });

  // Any other error is an invocation error, exactly as aws-lambda-ric posts it: a 500 would
  // hide it from Lambda's error metrics and X-Amz-Function-Error. Only HTTP errors (above)
  // become their status (issue 12 part 7).
  const invocationErrors = [
    {
      name: 'a thrown plain Error',
      handler: 'throwPlain',
      errorType: 'Error',
      errorMessage: 'db password is hunter2',
      first: 'Error: db password is hunter2',
    },
    {
      name: 'a thrown plain object with only a statusCode (not an HTTP error)',
      handler: 'throwObjectStatusOnly',
      // As AWS's runtime types a thrown non-error: typeof, toString(), no trace.
      errorType: 'object',
      errorMessage: '[object Object]',
      first: undefined,
    },
    {
      name: "an upstream library's error with a status and headers",
      handler: 'throwUpstream',
      errorType: 'Error',
      errorMessage: 'card declined for cus_123',
      first: 'Error: card declined for cus_123',
    },
    {
      name: 'an HttpError whose details JSON cannot encode (circular)',
      handler: 'throwCircularDetails',
      errorType: 'HttpError',
      errorMessage: 'bad input',
      first: 'HttpError: bad input',
    },
    {
      name: 'an HttpError whose details JSON cannot encode (BigInt)',
      handler: 'throwBigIntDetails',
      errorType: 'HttpError',
      errorMessage: 'too big',
      first: 'HttpError: too big',
    },
    {
      name: 'a result JSON cannot encode',
      handler: 'circular',
      // Made into a response (a plain value), whose JSON.stringify throws.
      errorType: 'TypeError',
      errorMessage: expect.stringMatching(/^Converting circular structure to JSON/),
      first: expect.stringMatching(/^TypeError: Converting circular structure to JSON/),
    },
  ];
  for (const c of invocationErrors) {
    describe(`${c.name}: an invocation error`, () => {
      withRuntime(`sources/http.${c.handler}`, (runtime) => {
        it.each(HTTP_SOURCES)('$file: posted as the error, and logged', async (s) => {
          const requestId = `req-${c.handler}-${s.file}`;
          const answer = await runtime().invokeJson(awsEvent(s.file), { requestId });
          expect(answer).toMatchObject({
            kind: 'error',
            errorType: c.errorType,
            body: { errorType: c.errorType, errorMessage: c.errorMessage },
          });
          const { trace } = answer.body as { trace: string[] };
          if (c.first === undefined) expect(trace).toEqual([]);
          else expect(trace[0]).toEqual(c.first);
          const output = await waitForOutput(runtime(), (out) =>
            out.includes(`\t${requestId}\tERROR\tInvoke Error`),
          );
          const line = output.split('\n').find((l) => l.includes(`\t${requestId}\tERROR\t`));
          expect(line).toContain(`"errorType":"${c.errorType}"`);
          // The runtime lives on.
          expect(runtime().process.exitCode).toBeNull();
        });
      });
    });
  }
});

describe('partial batch failures', () => {
  const batches = [
    { file: 'sqs-event', ids: ['MessageID_1'] },
    {
      file: 'kinesis-event',
      ids: [
        '49568167373333333333333333333333333333333333333333333333',
        '49568167373333333334444444444444444444444444444444444444',
      ],
    },
    // Both of this sample's records carry the same sequence number.
    { file: 'dynamodb-event', ids: ['1405400000000002063282832'] },
  ];
  const failures = (...ids: string[]) => ({
    batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })),
  });

  const successes = [
    { handler: 'failFirst', expected: (ids: string[]) => failures(ids[0]!) },
    { handler: 'failFirstById', expected: (ids: string[]) => failures(ids[0]!) },
    { handler: 'returnLast', expected: (ids: string[]) => failures(ids.at(-1)!) },
  ];
  for (const c of successes) {
    describe(`${c.handler}`, () => {
      withRuntime(`sources/batch.${c.handler}`, (runtime) => {
        it.each(batches)('$file', async ({ file, ids }) => {
          expect(await runtime().invokeJson(awsEvent(file))).toEqual({
            kind: 'response',
            errorType: undefined,
            body: c.expected(ids),
          });
        });
      });
    });
  }

  const mistakes = [
    {
      handler: 'failUnknown',
      message: 'failRecord: not-in-this-batch is not a record of this batch',
    },
    {
      handler: 'returnUnknown',
      message: 'batchItemFailures names "bogus-id", which is not an itemIdentifier of this batch',
    },
  ];
  for (const c of mistakes) {
    describe(`${c.handler} is an invocation error`, () => {
      withRuntime(`sources/batch.${c.handler}`, (runtime) => {
        it.each(batches)('$file', async ({ file }) => {
          const answer = await runtime().invokeJson(awsEvent(file));
          expect(answer).toMatchObject({
            kind: 'error',
            errorType: 'TypeError',
            body: { errorType: 'TypeError', errorMessage: c.message },
          });
        });
      });
    });
  }
});

describe('errors from non-HTTP sources', () => {
  withRuntime('sources/fail.handler', (runtime) => {
    it.each([...OTHER_SOURCES, { file: '', kind: 'direct' }])(
      '$kind: an invocation error, then the next invocation succeeds',
      async ({ file, kind }) => {
        const answer = await runtime().invokeJson(file ? awsEvent(file) : { direct: true });
        expect(answer).toEqual({
          kind: 'error',
          errorType: 'Error',
          body: {
            errorType: 'Error',
            errorMessage: `boom from ${kind}`,
            // AWS's Node.js shape: the "Type: message" line, then the frames.
            trace: expect.arrayContaining([
              `Error: boom from ${kind}`,
              expect.stringMatching(/^ {4}at .*fail\.mjs/),
            ]),
          },
        });
        expect(await runtime().invokeJson({ succeed: true })).toEqual({
          kind: 'response',
          errorType: undefined,
          body: { ok: true, kind: 'direct' },
        });
      },
    );
  });
});
