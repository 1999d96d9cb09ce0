// HTTP requests as each front door delivers them to Lambda, built on AWS's sample events
// (../shared/fixtures/aws-events): API Gateway REST (v1), HTTP API (v2), function URL, and
// ALB with and without multi-value headers. The sample's own fields (its headers, query,
// request context) stay; the method, path, body and the request's headers are replaced.
import { awsEvent, type JsonRecord } from './aws-events.js';

export const HTTP_EVENT_KINDS = [
  'apigw-v1',
  'apigw-v2',
  'function-url',
  'alb',
  'alb-multi',
] as const;
export type HttpEventKind = (typeof HTTP_EVENT_KINDS)[number];

export interface HttpRequestSpec {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. A `content-length` is added for a body. */
  readonly headers?: Record<string, string>;
  /** A Buffer is sent base64-encoded (as the front doors send binary bodies). */
  readonly body?: string | Buffer;
}

const FUNCTION_URL_ID = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
const FUNCTION_URL_DOMAIN = `${FUNCTION_URL_ID}.lambda-url.us-west-2.on.aws`;

const BODY_HEADERS = /^(content-type|content-length|content-encoding)$/i;

function requestHeaders(sample: unknown, spec: HttpRequestSpec): Record<string, string> {
  const kept = Object.entries((sample ?? {}) as Record<string, string>).filter(
    ([name]) => !BODY_HEADERS.test(name) && !(spec.headers && name.toLowerCase() in spec.headers),
  );
  const headers: Record<string, string> = { ...Object.fromEntries(kept), ...spec.headers };
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  return headers;
}

function body(spec: HttpRequestSpec): { body: string; isBase64Encoded: boolean } | undefined {
  if (spec.body === undefined) return undefined;
  return Buffer.isBuffer(spec.body)
    ? { body: spec.body.toString('base64'), isBase64Encoded: true }
    : { body: spec.body, isBase64Encoded: false };
}

const multi = (map: Record<string, string>) =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, [value]]));

export function httpEvent(kind: HttpEventKind, spec: HttpRequestSpec): JsonRecord {
  const encoded = body(spec);
  switch (kind) {
    case 'apigw-v1': {
      const sample = awsEvent('apigw-request');
      const headers = requestHeaders(sample.headers, spec);
      return {
        ...sample,
        httpMethod: spec.method,
        path: spec.path,
        pathParameters: { proxy: spec.path.slice(1) },
        headers,
        multiValueHeaders: multi(headers),
        requestContext: {
          ...(sample.requestContext as JsonRecord),
          httpMethod: spec.method,
          path: `/testStage${spec.path}`,
        },
        body: encoded?.body ?? null,
        isBase64Encoded: encoded?.isBase64Encoded ?? false,
      };
    }
    case 'apigw-v2':
    case 'function-url': {
      const sample = awsEvent(
        kind === 'apigw-v2' ? 'apigw-v2-request-no-authorizer' : 'lambda-urls-request',
      );
      const requestContext = sample.requestContext as JsonRecord;
      // The function URL sample's domain is a placeholder (`<url-id>`), which no URL parser
      // takes: a real one, as the Host header real requests carry too.
      const domain =
        kind === 'function-url' ? FUNCTION_URL_DOMAIN : (requestContext.domainName as string);
      const sampleHeaders =
        kind === 'function-url'
          ? { ...(sample.headers as JsonRecord), host: domain }
          : sample.headers;
      const event: JsonRecord = {
        ...sample,
        rawPath: spec.path,
        headers: requestHeaders(sampleHeaders, spec),
        requestContext: {
          ...requestContext,
          ...(kind === 'function-url'
            ? { domainName: domain, domainPrefix: FUNCTION_URL_ID, apiId: FUNCTION_URL_ID }
            : {}),
          http: { ...(requestContext.http as JsonRecord), method: spec.method, path: spec.path },
        },
        isBase64Encoded: encoded?.isBase64Encoded ?? false,
      };
      if (encoded) event.body = encoded.body;
      else delete event.body;
      return event;
    }
    case 'alb': {
      const sample = awsEvent('alb-lambda-target-request-headers-only');
      return {
        ...sample,
        httpMethod: spec.method,
        path: spec.path,
        headers: requestHeaders(sample.headers, spec),
        body: encoded?.body ?? '',
        isBase64Encoded: encoded?.isBase64Encoded ?? false,
      };
    }
    case 'alb-multi': {
      const sample = awsEvent('alb-lambda-target-request-multivalue-headers');
      const flat = Object.fromEntries(
        Object.entries(sample.multiValueHeaders as Record<string, string[]>).map(([n, v]) => [
          n,
          v.join(', '),
        ]),
      );
      return {
        ...sample,
        httpMethod: spec.method,
        path: spec.path,
        multiValueHeaders: multi(requestHeaders(flat, spec)),
        body: encoded?.body ?? '',
        isBase64Encoded: encoded?.isBase64Encoded ?? false,
      };
    }
  }
}
