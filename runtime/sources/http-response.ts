// What an HTTP source is answered with: a handler's complete response exactly as built, and
// for a plain value or a thrown error a response the runtime builds in the shape that source
// needs (ALB wants a status line, and multi-value headers when its target group has them on).

import { type HttpSourceKind, isObject, type JsonObject } from './classify.js';
import type { HttpErrorView } from './http-error.js';
import { statusText } from './status-text.js';

/** An HTTP response, as handlers return them (exported) and as the runtime builds them. */
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

/**
 * What is posted for a handler's result. A complete response (an object with a numeric
 * `statusCode`) is returned as the very same object, so it is posted exactly as AWS's runtime
 * posts it (JSON.stringify of the result): frameworks build responses for their front door,
 * and reshaping them loses what they meant (an ALB target's Set-Cookie list, say). Only a
 * plain value is made into a response, shaped for the source it answers.
 */
export function toHttpResponse(kind: HttpSourceKind, event: JsonObject, result: unknown): unknown {
  return isCompleteResponse(result) ? result : adaptToSource(kind, event, fromValue(result));
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

// Every front door takes an object with a numeric statusCode as its response (and ignores
// fields it does not know), so such an object is one whatever else it holds.
function isCompleteResponse(value: unknown): boolean {
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

/**
 * Gives a response the runtime built (from a plain value or an error: single-value headers,
 * no cookies) the shape its source needs. API Gateway and function URLs take it as it is;
 * ALB wants a status line, and a target group with multi-value headers on (visible in the
 * request) ignores `headers` entirely.
 */
function adaptToSource(
  kind: HttpSourceKind,
  event: JsonObject,
  response: HttpResponse,
): HttpResponse {
  if (kind !== 'alb') return response;
  const { headers, ...rest } = response;
  const out: HttpResponse = {
    ...rest,
    statusDescription: `${rest.statusCode} ${statusText(rest.statusCode) ?? ''}`.trim(),
  };
  if (!isObject(event.multiValueHeaders)) return { ...out, headers };
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) multi[name] = [value];
  return { ...out, multiValueHeaders: multi };
}

/** The key of `map` equal to `name` ignoring case, if any. */
function keyOf(map: Record<string, unknown> | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(map ?? {}).find((key) => key.toLowerCase() === lower);
}
