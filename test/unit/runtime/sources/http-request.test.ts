import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type HttpSourceKind } from '../../../../runtime/sources/classify.js';
import { HttpError } from '../../../../runtime/sources/http-error.js';
import { normalizeHttpRequest } from '../../../../runtime/sources/http-request.js';
import { describeAwsEvents } from '../../../support/aws-events.js';
import { loadAwsEvent } from './aws-events.js';

// Every case reads AWS's sample events: without them the file is one skipped test.
describeAwsEvents('HTTP requests from the AWS sample events', () => {
  type JsonObject = Record<string, unknown>;

  interface FixtureCase {
    readonly fixture: string;
    readonly kind: HttpSourceKind;
    readonly method: string;
    readonly path: string;
    readonly headerCount: number;
    /** A few headers, under the lower-case names the request must use. */
    readonly someHeaders: Record<string, string>;
    readonly multiValueQuery: Record<string, string[]>;
    readonly query: Record<string, string>;
    readonly pathParameters: Record<string, string>;
    readonly body: unknown;
    readonly rawBodyLength: number;
    readonly sourceIp: string | undefined;
  }

  const jsonBody = { a: 1 };
  const textBody = '{\r\n\t"a": 1\r\n}';

  const fixtureCases: readonly FixtureCase[] = [
    {
      fixture: 'apigw-request',
      kind: 'apigateway-rest',
      method: 'POST',
      path: '/hello/world',
      headerCount: 19,
      someHeaders: {
        'content-type': 'application/json',
        headername: 'headerValue',
        'x-forwarded-for': '54.240.196.186, 54.182.214.83',
      },
      multiValueQuery: { name: ['me'] },
      query: { name: 'me' },
      pathParameters: { proxy: 'hello/world' },
      body: jsonBody,
      rawBodyLength: 13,
      // The identity API Gateway saw, not the client-controlled X-Forwarded-For.
      sourceIp: '192.168.196.186',
    },
    {
      fixture: 'apigw-restapi-openapi-request',
      kind: 'apigateway-rest',
      method: 'POST',
      path: '/hello/world',
      headerCount: 19,
      someHeaders: {
        'content-type': 'application/json',
        host: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
      },
      multiValueQuery: { name: ['me'] },
      query: { name: 'me' },
      pathParameters: { proxy: 'hello/world' },
      body: jsonBody,
      rawBodyLength: 13,
      sourceIp: '192.168.196.186',
    },
    {
      fixture: 'apigw-v2-request-iam',
      kind: 'apigateway-http',
      method: 'GET',
      path: '/my/path',
      headerCount: 2,
      someHeaders: { header1: 'value1', header2: 'value2' },
      multiValueQuery: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
      query: { parameter1: 'value2', parameter2: 'value' },
      pathParameters: { proxy: 'hello/world' },
      // No content type: the body is text.
      body: textBody,
      rawBodyLength: 13,
      sourceIp: 'IP',
    },
    {
      fixture: 'apigw-v2-request-no-authorizer',
      kind: 'apigateway-http',
      method: 'GET',
      path: '/',
      headerCount: 8,
      someHeaders: { 'user-agent': 'curl/7.58.0', 'content-length': '0' },
      multiValueQuery: {},
      query: {},
      pathParameters: {},
      body: undefined,
      rawBodyLength: 0,
      sourceIp: '1.2.3.4',
    },
    {
      fixture: 'lambda-urls-request',
      kind: 'function-url',
      method: 'POST',
      path: '/my/path',
      headerCount: 2,
      someHeaders: { header1: 'value1', header2: 'value1,value2' },
      multiValueQuery: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
      query: { parameter1: 'value2', parameter2: 'value' },
      pathParameters: {},
      body: 'Hello from client!',
      rawBodyLength: 18,
      sourceIp: '123.123.123.123',
    },
    {
      fixture: 'alb-lambda-target-request-headers-only',
      kind: 'alb',
      method: 'GET',
      path: '/',
      headerCount: 10,
      someHeaders: { 'x-myheader': '123', 'user-agent': 'curl/7.54.0' },
      multiValueQuery: { key: ['hello'] },
      query: { key: 'hello' },
      pathParameters: {},
      body: undefined,
      rawBodyLength: 0,
      sourceIp: '25.12.198.67',
    },
    {
      fixture: 'alb-lambda-target-request-multivalue-headers',
      kind: 'alb',
      method: 'GET',
      path: '/',
      headerCount: 10,
      someHeaders: {
        'x-myheader': '123',
        host: 'lambda-test-alb-1234567.us-east-1.elb.amazonaws.com',
      },
      multiValueQuery: { key: ['hello'] },
      query: { key: 'hello' },
      pathParameters: {},
      body: undefined,
      rawBodyLength: 0,
      sourceIp: '72.21.198.67',
    },
    {
      fixture: 'apigw-websocket-request',
      kind: 'apigateway-websocket',
      method: 'CONNECT',
      path: '$connect',
      // 19 single and 8 multi-value headers, four names in both (multi-value wins).
      headerCount: 23,
      someHeaders: {
        'sec-websocket-version': '13',
        host: '*.execute-api.eu-central-1.amazonaws.com',
      },
      multiValueQuery: { name: ['me'] },
      query: { name: 'me' },
      pathParameters: { proxy: 'hello/world' },
      body: jsonBody,
      rawBodyLength: 13,
      sourceIp: '192.168.196.186',
    },
    {
      fixture: 'apigw-websocket-request-disconnect',
      kind: 'apigateway-websocket',
      method: 'DISCONNECT',
      path: '$disconnect',
      headerCount: 4,
      someHeaders: { 'x-api-key': '', host: 'dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com' },
      multiValueQuery: {},
      query: {},
      pathParameters: {},
      body: undefined,
      rawBodyLength: 0,
      sourceIp: '49.105.91.154',
    },
    {
      fixture: 'apigw-websocket-request-send-message',
      kind: 'apigateway-websocket',
      method: 'MESSAGE',
      path: '$default',
      headerCount: 0,
      someHeaders: {},
      multiValueQuery: {},
      query: {},
      pathParameters: {},
      body: textBody,
      rawBodyLength: 13,
      sourceIp: '49.105.91.154',
    },
  ];

  describe('normalizeHttpRequest on the AWS sample events', () => {
    it.each(fixtureCases)('$fixture ($kind)', (c) => {
      const event = loadAwsEvent(c.fixture);
      expect(classifyEvent(event)).toBe(c.kind);
      const request = normalizeHttpRequest(c.kind, event);

      expect(request.method).toBe(c.method);
      expect(request.path).toBe(c.path);
      expect(Object.keys(request.headers)).toHaveLength(c.headerCount);
      for (const name of Object.keys(request.headers)) expect(name).toBe(name.toLowerCase());
      expect(request.headers).toMatchObject(c.someHeaders);
      expect(request.multiValueQuery).toEqual(c.multiValueQuery);
      expect(request.query).toEqual(c.query);
      expect(request.pathParameters).toEqual(c.pathParameters);
      // The samples' cookies ("cookie1", "cookie2") have no '=' and are not name=value pairs.
      expect(request.cookies).toEqual({});
      expect(request.body).toEqual(c.body);
      expect(request.rawBody).toHaveLength(c.rawBodyLength);
      expect(request.sourceIp).toBe(c.sourceIp);
    });
  });

  describe('query strings', () => {
    it.each<[string, string, (e: JsonObject) => void, Record<string, string[]>]>([
      [
        'REST: multi-value parameters win over single ones',
        'apigw-request',
        (e) => {
          e.queryStringParameters = { tag: 'b' };
          e.multiValueQueryStringParameters = { tag: ['a', 'b'], q: ['x'] };
        },
        { tag: ['a', 'b'], q: ['x'] },
      ],
      [
        'REST: values arrive decoded and are kept as they are',
        'apigw-request',
        (e) => {
          e.multiValueQueryStringParameters = { q: ['a%2Bb c'] };
        },
        { q: ['a%2Bb c'] },
      ],
      [
        'REST: null parameters (no query string)',
        'apigw-request',
        (e) => {
          e.queryStringParameters = null;
          e.multiValueQueryStringParameters = null;
        },
        {},
      ],
      [
        'REST: only single-value parameters',
        'apigw-request',
        (e) => {
          e.multiValueQueryStringParameters = undefined;
          e.queryStringParameters = { a: '1' };
        },
        { a: ['1'] },
      ],
      [
        'ALB single-value: names and values percent-decoded, + is a space',
        'alb-lambda-target-request-headers-only',
        (e) => {
          e.queryStringParameters = { 'my%20key': 'a%2Bb+c', plain: 'x' };
        },
        { 'my key': ['a+b c'], plain: ['x'] },
      ],
      [
        'ALB multi-value: every value decoded',
        'alb-lambda-target-request-multivalue-headers',
        (e) => {
          e.multiValueQueryStringParameters = { q: ['%C3%A9t%C3%A9', 'a%26b'], bad: ['%E0%A4%A'] };
        },
        // A malformed escape is kept as sent rather than failing the request.
        { q: ['été', 'a&b'], bad: ['%E0%A4%A'] },
      ],
      [
        'v2: parsed from rawQueryString, repeated names kept',
        'apigw-v2-request-iam',
        (e) => {
          e.rawQueryString = 'a=1&a=2&b=x%20y+z&empty=';
        },
        { a: ['1', '2'], b: ['x y z'], empty: [''] },
      ],
      [
        'function URL: rawQueryString, not the comma-joined queryStringParameters',
        'lambda-urls-request',
        (e) => {
          e.rawQueryString = 'k=a,b&k=c';
        },
        { k: ['a,b', 'c'] },
      ],
    ])('%s', (_label, fixture, change, multi) => {
      const event = loadAwsEvent(fixture);
      change(event);
      const request = normalizeHttpRequest(classifyEvent(event) as HttpSourceKind, event);
      expect(request.multiValueQuery).toEqual(multi);
      expect(request.query).toEqual(
        Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1]])),
      );
    });
  });

  describe('headers', () => {
    it('joins repeated v1 headers with ", " and prefers multiValueHeaders', () => {
      const event = loadAwsEvent('apigw-request');
      event.headers = { Accept: 'text/html', 'X-Only-Single': 'yes', 'X-Null': null };
      event.multiValueHeaders = { Accept: ['text/html', 'application/json'] };
      const request = normalizeHttpRequest('apigateway-rest', event);
      expect(request.headers).toEqual({
        accept: 'text/html, application/json',
        'x-only-single': 'yes',
      });
    });

    it('lower-cases v2 header names and keeps values as sent', () => {
      const event = loadAwsEvent('apigw-v2-request-iam');
      event.headers = { 'Content-Type': 'text/plain', 'X-Multi': 'a,b' };
      const request = normalizeHttpRequest('apigateway-http', event);
      expect(request.headers).toEqual({ 'content-type': 'text/plain', 'x-multi': 'a,b' });
    });
  });

  describe('cookies', () => {
    it.each<[string, string, (e: JsonObject) => void, Record<string, string>]>([
      [
        'v2 cookies array',
        'apigw-v2-request-iam',
        (e) => {
          e.cookies = ['session=abc123', 'theme=dark%20mode', 'token=a+b/c==', 'flag'];
        },
        { session: 'abc123', theme: 'dark mode', token: 'a+b/c==' },
      ],
      [
        'function URL cookies array',
        'lambda-urls-request',
        (e) => {
          e.cookies = ['id="quoted"'];
        },
        { id: 'quoted' },
      ],
      [
        'v1 Cookie header',
        'apigw-request',
        (e) => {
          e.multiValueHeaders = { Cookie: ['session=abc123; token=a+b; theme=dark%20mode'] };
        },
        { session: 'abc123', token: 'a+b', theme: 'dark mode' },
      ],
      [
        'v1 Cookie sent as two headers',
        'apigw-request',
        (e) => {
          e.multiValueHeaders = { Cookie: ['a=1', 'b=2'] };
        },
        { a: '1', b: '2' },
      ],
      [
        'ALB cookie header, malformed escape kept',
        'alb-lambda-target-request-headers-only',
        (e) => {
          (e.headers as JsonObject).cookie = 'a=%E0%A4%A; b=ok';
        },
        { a: '%E0%A4%A', b: 'ok' },
      ],
      [
        'v2 ignores a cookie header (the cookies array is authoritative)',
        'apigw-v2-request-iam',
        (e) => {
          e.cookies = undefined;
          e.headers = { cookie: 'x=1' };
        },
        {},
      ],
    ])('%s', (_label, fixture, change, cookies) => {
      const event = loadAwsEvent(fixture);
      change(event);
      const request = normalizeHttpRequest(classifyEvent(event) as HttpSourceKind, event);
      expect(request.cookies).toEqual(cookies);
    });
  });

  describe('body decoding', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

    it.each<[string, string | undefined, string, boolean, unknown]>([
      ['JSON', 'application/json', '{"a":[1,2]}', false, { a: [1, 2] }],
      ['JSON with charset, any case', 'Application/JSON; charset=UTF-8', '"s"', false, 's'],
      ['a +json type', 'application/problem+json', '{"title":"x"}', false, { title: 'x' }],
      [
        'base64 JSON',
        'application/json',
        Buffer.from('{"b":true}').toString('base64'),
        true,
        { b: true },
      ],
      [
        'form fields',
        'application/x-www-form-urlencoded',
        'a=1&b=x+y%21&a=2',
        false,
        { a: '2', b: 'x y!' },
      ],
      ['plain text', 'text/plain', 'héllo', false, 'héllo'],
      ['HTML', 'text/html; charset=utf-8', '<p>', false, '<p>'],
      ['no content type', undefined, 'just text', false, 'just text'],
      ['another type with a charset', 'application/xml; charset=utf-8', '<a/>', false, '<a/>'],
      ['base64 text', 'text/plain', Buffer.from('décodé').toString('base64'), true, 'décodé'],
      ['binary', 'image/png', png.toString('base64'), true, png],
      ['octet stream', 'application/octet-stream', png.toString('base64'), true, png],
      ['an empty body', 'application/json', '', false, undefined],
    ])('%s', (_label, contentType, body, isBase64Encoded, expected) => {
      const event = loadAwsEvent('apigw-v2-request-no-authorizer');
      event.headers = contentType === undefined ? {} : { 'Content-Type': contentType };
      event.body = body;
      event.isBase64Encoded = isBase64Encoded;
      const request = normalizeHttpRequest('apigateway-http', event);
      expect(request.body).toEqual(expected);
      if (Buffer.isBuffer(expected)) expect(Buffer.isBuffer(request.body)).toBe(true);
      expect(request.rawBody).toEqual(Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'));
    });

    it('treats a body that is not a string as empty', () => {
      const event = loadAwsEvent('apigw-request');
      event.body = null;
      const request = normalizeHttpRequest('apigateway-rest', event);
      expect(request.body).toBeUndefined();
      expect(request.rawBody).toHaveLength(0);
    });

    it('leaves invalid JSON to the code that reads the body: a 400 there, at every read', () => {
      const event = loadAwsEvent('apigw-request');
      event.body = '{"a": 1, "secret": "hunter2",';
      const request = normalizeHttpRequest('apigateway-rest', event);
      expect(request.rawBody.toString()).toBe('{"a": 1, "secret": "hunter2",');
      for (let read = 0; read < 2; read++) {
        let thrown: unknown;
        try {
          void request.body;
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(HttpError);
        expect((thrown as HttpError).statusCode).toBe(400);
        // The client's own bytes are not echoed back in the message.
        expect((thrown as HttpError).message).toBe('Request body is not valid JSON');
      }
    });

    it('decodes on first read, once', () => {
      const event = loadAwsEvent('apigw-v2-request-no-authorizer');
      event.headers = { 'content-type': 'application/json' };
      event.body = '{"n":1}';
      const request = normalizeHttpRequest('apigateway-http', event);
      event.body = '{"n":2}';
      // Read after the event changed: decoding happened only now...
      const first = request.body;
      expect(first).toEqual({ n: 2 });
      event.body = '{"n":3}';
      // ...and not again.
      expect(request.body).toBe(first);
    });

    it('takes an assigned body (a schema output) instead of decoding', () => {
      const event = loadAwsEvent('apigw-request');
      event.body = 'not json';
      const request = normalizeHttpRequest('apigateway-rest', event);
      request.body = { validated: true };
      expect(request.body).toEqual({ validated: true });
    });

    it.each([
      'apigw-request',
      'apigw-v2-request-no-authorizer',
      'lambda-urls-request',
      'alb-lambda-target-request-headers-only',
      'alb-lambda-target-request-multivalue-headers',
      'apigw-websocket-request',
    ])('%s: reading every field leaves the event as Lambda sent it', (fixture) => {
      const event = loadAwsEvent(fixture);
      event.body = gzipSync('\uFEFF{"a":1}').toString('base64');
      event.isBase64Encoded = true;
      const added = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
      event.headers = { ...(event.headers as JsonObject), ...added };
      if (event.multiValueHeaders) {
        event.multiValueHeaders = {
          ...(event.multiValueHeaders as JsonObject),
          'Content-Type': ['application/json'],
          'Content-Encoding': ['gzip'],
        };
      }
      const sent = structuredClone(event);
      const request = normalizeHttpRequest(classifyEvent(event) as HttpSourceKind, event);
      // Reads every field, getters included.
      expect(Object.values(request)).toContainEqual({ a: 1 });
      expect(event).toEqual(sent);
    });
  });

  describe('sourceIp', () => {
    it.each<[string, string, (e: JsonObject) => void, string | undefined]>([
      [
        'ALB: the address the load balancer appended, not the client-supplied ones',
        'alb-lambda-target-request-headers-only',
        (e) => {
          (e.headers as JsonObject)['x-forwarded-for'] = '6.6.6.6, 25.12.198.67';
        },
        '25.12.198.67',
      ],
      [
        'ALB without X-Forwarded-For',
        'alb-lambda-target-request-headers-only',
        (e) => {
          delete (e.headers as JsonObject)['x-forwarded-for'];
        },
        undefined,
      ],
      [
        'REST without an identity falls back to X-Forwarded-For',
        'apigw-request',
        (e) => {
          (e.requestContext as JsonObject).identity = undefined;
        },
        '54.182.214.83',
      ],
      [
        'v2 without http.sourceIp',
        'apigw-v2-request-iam',
        (e) => {
          const http = (e.requestContext as JsonObject).http as JsonObject;
          delete http.sourceIp;
        },
        undefined,
      ],
    ])('%s', (_label, fixture, change, ip) => {
      const event = loadAwsEvent(fixture);
      change(event);
      const request = normalizeHttpRequest(classifyEvent(event) as HttpSourceKind, event);
      expect(request.sourceIp).toBe(ip);
    });
  });

  // Names the client chooses are data, never Object.prototype's members: `?__proto__=x` once
  // made every request of the function a 500. JSON.parse makes `__proto__` an own key, as the
  // Lambda service's event does; an object literal would set the prototype instead.
  describe('names that are also Object.prototype members', () => {
    const own = (json: string) => JSON.parse(json) as JsonObject;
    it.each<
      [
        string,
        string,
        (e: JsonObject) => void,
        (r: ReturnType<typeof normalizeHttpRequest>) => unknown,
        unknown,
      ]
    >([
      [
        'v2 query string',
        'apigw-v2-request-iam',
        (e) => {
          e.rawQueryString = '__proto__=x&constructor=y&toString=z&__proto__=w';
        },
        (r) => [Object.entries(r.multiValueQuery), Object.entries(r.query)],
        [
          [
            ['__proto__', ['x', 'w']],
            ['constructor', ['y']],
            ['toString', ['z']],
          ],
          [
            ['__proto__', 'w'],
            ['constructor', 'y'],
            ['toString', 'z'],
          ],
        ],
      ],
      [
        'function URL query string',
        'lambda-urls-request',
        (e) => {
          e.rawQueryString = 'hasOwnProperty=1';
        },
        (r) => Object.entries(r.query),
        [['hasOwnProperty', '1']],
      ],
      [
        'REST multi-value query parameters',
        'apigw-request',
        (e) => {
          e.multiValueQueryStringParameters = own('{"__proto__":["a","b"],"constructor":["c"]}');
        },
        (r) => Object.entries(r.multiValueQuery),
        [
          ['__proto__', ['a', 'b']],
          ['constructor', ['c']],
        ],
      ],
      [
        'REST single-value query parameters',
        'apigw-request',
        (e) => {
          e.multiValueQueryStringParameters = undefined;
          e.queryStringParameters = own('{"__proto__":"a","valueOf":"b"}');
        },
        (r) => Object.entries(r.query),
        [
          ['__proto__', 'a'],
          ['valueOf', 'b'],
        ],
      ],
      [
        'ALB query parameters, percent-encoded names',
        'alb-lambda-target-request-headers-only',
        (e) => {
          e.queryStringParameters = { '%5F%5Fproto%5F%5F': 'x', constructor: 'y' };
        },
        (r) => Object.entries(r.query),
        [
          ['__proto__', 'x'],
          ['constructor', 'y'],
        ],
      ],
      [
        'v1 headers',
        'apigw-request',
        (e) => {
          e.multiValueHeaders = own('{"__proto__":["a","b"],"Constructor":["c"]}');
          e.headers = own('{"__proto__":"a","toString":"t"}');
        },
        (r) => Object.entries(r.headers),
        [
          ['__proto__', 'a, b'],
          ['constructor', 'c'],
          ['tostring', 't'],
        ],
      ],
      [
        'v2 headers',
        'apigw-v2-request-iam',
        (e) => {
          e.headers = own('{"__proto__":"a","Constructor":"c"}');
        },
        (r) => Object.entries(r.headers),
        [
          ['__proto__', 'a'],
          ['constructor', 'c'],
        ],
      ],
      [
        'v2 cookies',
        'apigw-v2-request-iam',
        (e) => {
          e.cookies = ['__proto__=a', 'constructor=b'];
        },
        (r) => Object.entries(r.cookies),
        [
          ['__proto__', 'a'],
          ['constructor', 'b'],
        ],
      ],
      [
        'v1 Cookie header',
        'apigw-request',
        (e) => {
          e.multiValueHeaders = { Cookie: ['__proto__=a; constructor=b'] };
        },
        (r) => Object.entries(r.cookies),
        [
          ['__proto__', 'a'],
          ['constructor', 'b'],
        ],
      ],
      [
        'path parameters',
        'apigw-request',
        (e) => {
          e.pathParameters = own('{"__proto__":"p","constructor":"q"}');
        },
        (r) => Object.entries(r.pathParameters),
        [
          ['__proto__', 'p'],
          ['constructor', 'q'],
        ],
      ],
      [
        'form fields',
        'apigw-v2-request-iam',
        (e) => {
          e.headers = { 'content-type': 'application/x-www-form-urlencoded' };
          e.body = '__proto__=x&constructor=y';
        },
        (r) => Object.entries(r.body as JsonObject),
        [
          ['__proto__', 'x'],
          ['constructor', 'y'],
        ],
      ],
    ])('%s', (_label, fixture, change, read, expected) => {
      const event = loadAwsEvent(fixture);
      change(event);
      const request = normalizeHttpRequest(classifyEvent(event) as HttpSourceKind, event);
      expect(read(request)).toEqual(expected);
      // A missing name stays missing: no map inherits Object.prototype's members.
      for (const map of [
        request.headers,
        request.query,
        request.multiValueQuery,
        request.cookies,
      ]) {
        expect('isPrototypeOf' in map).toBe(false);
        expect(map.propertyIsEnumerable).toBeUndefined();
      }
    });
  });
});
