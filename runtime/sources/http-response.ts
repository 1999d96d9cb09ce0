// Turns whatever an HTTP handler returned (or threw) into the response object the front
// door expects: API Gateway v1 and ALB want multi-value headers for repeated headers and
// cookies, HTTP APIs and function URLs take a `cookies` array, ALB needs a status line.

import { type HttpSourceKind, isObject, type JsonObject } from './classify.js';
import type { HttpErrorView } from './http-error.js';
import { statusText } from './status-text.js';

export interface HttpResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function toHttpResponse(
  kind: HttpSourceKind,
  event: JsonObject,
  result: unknown,
): HttpResponse {
  return adaptToSource(kind, event, isFullResponse(result) ? fromFull(result) : fromValue(result));
}

export function httpErrorResponse(
  kind: HttpSourceKind,
  event: JsonObject,
  view: HttpErrorView | undefined,
  message: string,
): HttpResponse {
  const statusCode = view?.statusCode ?? 500;
  const text = view?.expose ? message : (statusText(statusCode) ?? 'Error');
  const payload: JsonObject = { message: text };
  if (view?.expose && view.details !== undefined) payload.details = view.details;
  const headers = { ...view?.headers };
  if (keyOf(headers, 'content-type') === undefined) headers['content-type'] = JSON_TYPE;
  return adaptToSource(kind, event, {
    statusCode,
    headers,
    body: JSON.stringify(payload),
    isBase64Encoded: false,
  });
}

function isFullResponse(value: unknown): value is JsonObject & { statusCode: number } {
  return isObject(value) && typeof value.statusCode === 'number';
}

function fromValue(value: unknown): HttpResponse {
  if (value === undefined || value === null)
    return { statusCode: 204, headers: {}, body: '', isBase64Encoded: false };
  if (value instanceof Uint8Array) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify(value),
    isBase64Encoded: false,
  };
}

function fromFull(result: JsonObject & { statusCode: number }): HttpResponse {
  const response = { ...result } as HttpResponse & { body?: unknown };
  const body: unknown = result.body;
  if (body instanceof Uint8Array) {
    response.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
    response.isBase64Encoded = true;
  } else if (body !== undefined && body !== null && typeof body !== 'string') {
    response.body = JSON.stringify(body);
    // Header names are case-insensitive: a handler's own Content-Type must not get a twin.
    if (
      keyOf(response.headers, 'content-type') === undefined &&
      keyOf(response.multiValueHeaders, 'content-type') === undefined
    ) {
      response.headers = { 'content-type': JSON_TYPE, ...response.headers };
    }
  }
  return response;
}

function adaptToSource(
  kind: HttpSourceKind,
  event: JsonObject,
  response: HttpResponse,
): HttpResponse {
  if (kind === 'apigateway-http' || kind === 'function-url') return toV2(response);
  // v1 payloads have no `cookies` field: each cookie becomes a Set-Cookie value, after
  // any the handler already put in multiValueHeaders.
  const { cookies, ...rest } = response;
  const out: HttpResponse = rest;
  if (cookies && cookies.length > 0) {
    const name = keyOf(out.multiValueHeaders, 'set-cookie') ?? 'set-cookie';
    const before = out.multiValueHeaders?.[name] ?? [];
    out.multiValueHeaders = { ...out.multiValueHeaders, [name]: [...before, ...cookies] };
  }
  if (kind === 'alb') {
    out.statusDescription ??= `${out.statusCode} ${statusText(out.statusCode) ?? ''}`.trim();
    // An ALB target group with multi-value headers on ignores `headers` entirely.
    if (isObject(event.multiValueHeaders)) {
      const multi: Record<string, string[]> = { ...out.multiValueHeaders };
      for (const [name, value] of Object.entries(out.headers ?? {})) {
        if (keyOf(multi, name) === undefined) multi[name] = [value];
      }
      out.multiValueHeaders = multi;
      delete out.headers;
    } else if (out.multiValueHeaders) {
      // Without multi-value headers ALB sends one value per name: the last one wins.
      const single = { ...out.headers };
      for (const [name, values] of Object.entries(out.multiValueHeaders)) {
        if (values.length > 0) single[name] = values[values.length - 1]!;
      }
      out.headers = single;
      delete out.multiValueHeaders;
    }
  }
  return out;
}

// HTTP APIs and function URLs ignore `multiValueHeaders`: a handler written for v1 would
// lose those headers, so they become comma-joined headers and Set-Cookie values cookies.
function toV2(response: HttpResponse): HttpResponse {
  const { multiValueHeaders, ...out } = response;
  if (!multiValueHeaders) return response;
  const headers = { ...out.headers };
  const cookies = [...(out.cookies ?? [])];
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(...values);
    else if (values.length > 0) headers[keyOf(headers, name) ?? name] = values.join(', ');
  }
  out.headers = headers;
  if (cookies.length > 0) out.cookies = cookies;
  return out;
}

/** The key of `map` equal to `name` ignoring case, if any. */
function keyOf(map: Record<string, unknown> | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(map ?? {}).find((key) => key.toLowerCase() === lower);
}
