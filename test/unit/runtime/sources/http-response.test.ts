import { describe, expect, it } from 'vitest';
import type { HttpSourceKind } from '../../../../runtime/sources/classify.js';
import { HttpError, httpErrorView } from '../../../../runtime/sources/http-error.js';
import {
  type HttpResponse,
  httpErrorResponse,
  toHttpResponse,
} from '../../../../runtime/sources/http-response.js';
import { describeAwsEvents } from '../../../support/aws-events.js';
import { loadAwsEvent } from './aws-events.js';

// Every case reads AWS's sample events: without them the file is one skipped test.
describeAwsEvents('HTTP responses to the AWS sample events', () => {
  const JSON_TYPE = 'application/json; charset=utf-8';

  // One sample request per front door; ALB twice, since its target group's multi-value
  // header setting (visible in the request) changes the response shape.
  const sources = [
    { name: 'REST API', kind: 'apigateway-rest', fixture: 'apigw-request' },
    { name: 'HTTP API', kind: 'apigateway-http', fixture: 'apigw-v2-request-iam' },
    { name: 'function URL', kind: 'function-url', fixture: 'lambda-urls-request' },
    {
      name: 'WebSocket',
      kind: 'apigateway-websocket',
      fixture: 'apigw-websocket-request-send-message',
    },
    { name: 'ALB', kind: 'alb', fixture: 'alb-lambda-target-request-headers-only' },
    {
      name: 'ALB multi-value',
      kind: 'alb',
      fixture: 'alb-lambda-target-request-multivalue-headers',
    },
  ] as const satisfies readonly { name: string; kind: HttpSourceKind; fixture: string }[];

  type SourceName = (typeof sources)[number]['name'];

  function respond(name: SourceName, result: unknown): unknown {
    const source = sources.find((s) => s.name === name)!;
    return toHttpResponse(source.kind, loadAwsEvent(source.fixture), result);
  }

  function respondError(name: SourceName, error: unknown): HttpResponse {
    const source = sources.find((s) => s.name === name)!;
    const message = error instanceof Error ? error.message : String(error);
    return httpErrorResponse(
      source.kind,
      loadAwsEvent(source.fixture),
      httpErrorView(error),
      message,
    );
  }

  /**
   * What a single-header response looks like on each source: ALB adds its status line, and
   * an ALB target group with multi-value headers takes every header as a list.
   */
  function onSource(name: SourceName, response: HttpResponse): HttpResponse {
    if (name !== 'ALB' && name !== 'ALB multi-value') return response;
    const statusDescription = {
      200: '200 OK',
      204: '204 No Content',
      500: '500 Internal Server Error',
    }[response.statusCode];
    if (name === 'ALB') return { ...response, statusDescription };
    const { headers, ...rest } = response;
    const multiValueHeaders = Object.fromEntries(
      Object.entries(headers ?? {}).map(([k, v]) => [k, [v]]),
    );
    return { ...rest, statusDescription, multiValueHeaders };
  }

  const sourceNames = sources.map((s) => s.name);

  describe('toHttpResponse: plain values become full responses', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    // A view into a larger buffer: only its own bytes may be sent.
    const slice = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);

    const values: [string, unknown, HttpResponse][] = [
      [
        'an object',
        { ok: true, n: 1 },
        {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: '{"ok":true,"n":1}',
          isBase64Encoded: false,
        },
      ],
      [
        'an array',
        [1, 'two'],
        {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: '[1,"two"]',
          isBase64Encoded: false,
        },
      ],
      [
        'a string (sent as JSON, matching the content type)',
        'hello',
        {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: '"hello"',
          isBase64Encoded: false,
        },
      ],
      [
        'zero',
        0,
        {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: '0',
          isBase64Encoded: false,
        },
      ],
      [
        'an object whose statusCode is not a number',
        { statusCode: '201' },
        {
          statusCode: 200,
          headers: { 'content-type': JSON_TYPE },
          body: '{"statusCode":"201"}',
          isBase64Encoded: false,
        },
      ],
      ['null', null, { statusCode: 204, headers: {}, body: '', isBase64Encoded: false }],
      ['undefined', undefined, { statusCode: 204, headers: {}, body: '', isBase64Encoded: false }],
      [
        'a Buffer',
        bytes,
        {
          statusCode: 200,
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes.toString('base64'),
          isBase64Encoded: true,
        },
      ],
      [
        'a Uint8Array view',
        slice,
        {
          statusCode: 200,
          headers: { 'content-type': 'application/octet-stream' },
          body: Buffer.from([1, 2, 3]).toString('base64'),
          isBase64Encoded: true,
        },
      ],
    ];

    const cases = values.flatMap(([label, value, expected]) =>
      sourceNames.map((name) => ({ label, name, value, expected: onSource(name, expected) })),
    );

    it.each(cases)('$label on $name', ({ name, value, expected }) => {
      expect(respond(name, value)).toEqual(expected);
    });
  });

  describe('toHttpResponse: a complete response is posted exactly as built', () => {
    // What frameworks and hand-written handlers return, including shapes a given front door
    // ignores or rejects: AWS's runtime posts each as it is, and so must we.
    const responses: [string, Record<string, unknown>][] = [
      ['a string body', { statusCode: 200, headers: { 'x-id': '7' }, body: 'made' }],
      ['no body at all', { statusCode: 304, headers: { etag: '"x"' } }],
      [
        "@fastify/aws-lambda's headers + multiValueHeaders Set-Cookie",
        {
          statusCode: 200,
          headers: { 'content-type': 'text/plain' },
          multiValueHeaders: { 'set-cookie': ['a=1', 'b=2', 'c=3'] },
          body: 'ok',
          isBase64Encoded: false,
        },
      ],
      ['a cookies array', { statusCode: 200, cookies: ['a=1; Path=/', 'b=2'], body: '' }],
      ['an object body', { statusCode: 202, body: { queued: 3 } }],
      ['a Buffer body', { statusCode: 200, body: Buffer.from('png!') }],
      ['its own status line', { statusCode: 200, statusDescription: '200 Fine Thanks' }],
      ['fields no front door knows', { statusCode: 404, error: 'no such thing' }],
    ];

    const cases = responses.flatMap(([label, response]) =>
      sourceNames.map((name) => ({ label, name, response })),
    );

    it.each(cases)('$label on $name', ({ name, response }) => {
      const posted = JSON.stringify(response);
      const out = respond(name, response);
      // The same object, unchanged: JSON.stringify posts what aws-lambda-ric would post.
      expect(out).toBe(response);
      expect(JSON.stringify(out)).toBe(posted);
    });
  });

  describe('httpErrorResponse', () => {
    const body = (response: HttpResponse) => JSON.parse(response.body ?? '');

    it.each(sourceNames)('a plain error is a 500 that hides its message on %s', (name) => {
      const response = respondError(name, new Error('password=hunter2 in db string'));
      expect(response).toEqual(
        onSource(name, {
          statusCode: 500,
          headers: { 'content-type': JSON_TYPE },
          body: '{"message":"Internal Server Error"}',
          isBase64Encoded: false,
        }),
      );
    });

    it.each<[string, unknown, number, Record<string, unknown>, Record<string, string>]>([
      [
        'a 4xx HttpError shows its message and headers',
        new HttpError(404, 'No user 42', { headers: { 'x-reason': 'gone' } }),
        404,
        { message: 'No user 42' },
        { 'content-type': JSON_TYPE, 'x-reason': 'gone' },
      ],
      [
        'details go with an exposed message',
        new HttpError(400, 'Bad input', { details: [{ path: 'a', message: 'required' }] }),
        400,
        { message: 'Bad input', details: [{ path: 'a', message: 'required' }] },
        { 'content-type': JSON_TYPE },
      ],
      [
        'a 5xx HttpError hides its message and details',
        new HttpError(503, 'db at 10.0.0.5 down', {
          details: { host: '10.0.0.5' },
          headers: { 'retry-after': '5' },
        }),
        503,
        { message: 'Service Unavailable' },
        { 'content-type': JSON_TYPE, 'retry-after': '5' },
      ],
      [
        'a 4xx HttpError may opt out of exposing',
        new HttpError(422, 'internal detail', { expose: false }),
        422,
        { message: 'Unprocessable Entity' },
        { 'content-type': JSON_TYPE },
      ],
      [
        'an http-errors style error (status, expose)',
        Object.assign(new Error('Slow down'), { status: 429, expose: true }),
        429,
        { message: 'Slow down' },
        { 'content-type': JSON_TYPE },
      ],
      [
        "the error's own Content-Type replaces the JSON one",
        new HttpError(400, 'Bad', { headers: { 'Content-Type': 'application/problem+json' } }),
        400,
        { message: 'Bad' },
        { 'Content-Type': 'application/problem+json' },
      ],
      [
        "an upstream library's error with a status and headers (a StripeError) is a 500 showing neither",
        Object.assign(new Error('card declined for cus_123'), {
          statusCode: 402,
          headers: { 'request-id': 'req_upstream' },
        }),
        500,
        { message: 'Internal Server Error' },
        { 'content-type': JSON_TYPE },
      ],
      [
        'a status outside 400-599 is a 500',
        Object.assign(new Error('moved'), { statusCode: 302 }),
        500,
        { message: 'Internal Server Error' },
        { 'content-type': JSON_TYPE },
      ],
    ])('%s', (_label, error, statusCode, payload, headers) => {
      const response = respondError('REST API', error);
      expect(response.statusCode).toBe(statusCode);
      expect(body(response)).toEqual(payload);
      expect(response.headers).toEqual(headers);
      expect(response.isBase64Encoded).toBe(false);
    });

    it('gives ALB its status line and multi-value headers', () => {
      const response = respondError(
        'ALB multi-value',
        new HttpError(404, 'Nope', { headers: { 'x-r': '1' } }),
      );
      expect(response).toEqual({
        statusCode: 404,
        statusDescription: '404 Not Found',
        multiValueHeaders: { 'x-r': ['1'], 'content-type': [JSON_TYPE] },
        body: '{"message":"Nope"}',
        isBase64Encoded: false,
      });
    });
  });
});
