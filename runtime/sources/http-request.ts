// One request shape for every HTTP source (API Gateway REST and HTTP APIs, function URLs,
// ALB, WebSocket routes), so handlers need not know which front door the call came through.
import { type HttpSourceKind, isObject, type JsonObject } from './classify.js';
import { HttpError } from './http-error.js';

export interface HttpRequest {
  /** GET, POST...; for WebSocket routes the event type (CONNECT, MESSAGE, DISCONNECT). */
  readonly method: string;
  /** The path as the client sent it; for WebSocket routes the route key. */
  readonly path: string;
  /** Lower-case names; repeated headers joined with ", " as HTTP allows ("; " for Cookie). */
  readonly headers: Record<string, string>;
  /** Decoded query parameters; a repeated name keeps its last value here... */
  readonly query: Record<string, string>;
  /** ...and all of them here. */
  readonly multiValueQuery: Record<string, string[]>;
  readonly pathParameters: Record<string, string>;
  readonly cookies: Record<string, string>;
  /** Decoded by content type: JSON, form fields, text, or bytes. */
  body: unknown;
  /** The body's bytes, base64 already decoded. */
  readonly rawBody: Buffer;
  readonly sourceIp: string | undefined;
}

export function normalizeHttpRequest(kind: HttpSourceKind, event: JsonObject): HttpRequest {
  const context = isObject(event.requestContext) ? event.requestContext : {};
  const v2 = kind === 'apigateway-http' || kind === 'function-url';
  const headers = v2 ? lowerCaseKeys(stringMap(event.headers)) : joinedHeaders(event);
  const multiValueQuery = v2
    ? parseQuery(str(event.rawQueryString))
    : v1Query(event, kind === 'alb');
  const rawBody = bodyBytes(event);
  const http = isObject(context.http) ? context.http : {};
  const cookies = v2 ? cookieArray(event.cookies) : parseCookieHeader(headers.cookie);

  return {
    method: str(
      kind === 'apigateway-websocket' ? context.eventType : v2 ? http.method : event.httpMethod,
    ).toUpperCase(),
    path: str(kind === 'apigateway-websocket' ? context.routeKey : v2 ? event.rawPath : event.path),
    headers,
    query: lastValues(multiValueQuery),
    multiValueQuery,
    pathParameters: stringMap(event.pathParameters),
    cookies,
    body: decodeBody(rawBody, headers['content-type']),
    rawBody,
    sourceIp: v2
      ? str(http.sourceIp) || undefined
      : str(isObject(context.identity) ? context.identity.sourceIp : undefined) ||
        // ALB appends the address it saw: earlier entries are whatever the client sent.
        headers['x-forwarded-for']?.split(',').pop()?.trim() ||
        undefined,
  };
}

/** Decodes a body by its content type; a JSON body that does not parse is the client's error. */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new HttpError(400, `Request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    // A repeated field keeps its last value.
    const fields = dict<string>();
    for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) fields[name] = value;
    return fields;
  }
  if (type === '' || type.startsWith('text/') || /charset=/i.test(contentType ?? '')) {
    return raw.toString('utf8');
  }
  return raw;
}

function bodyBytes(event: JsonObject): Buffer {
  if (typeof event.body !== 'string' || event.body === '') return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded === true ? 'base64' : 'utf8');
}

function joinedHeaders(event: JsonObject): Record<string, string> {
  const out: Record<string, string> = dict();
  if (isObject(event.multiValueHeaders)) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      if (!Array.isArray(values)) continue;
      const lower = name.toLowerCase();
      // Repeated Cookie headers are one list of pairs (RFC 9113 8.2.3), not comma-joined.
      out[lower] = values.map(String).join(lower === 'cookie' ? '; ' : ', ');
    }
  }
  for (const [name, value] of Object.entries(stringMap(event.headers))) {
    out[name.toLowerCase()] ??= value;
  }
  return out;
}

function v1Query(event: JsonObject, percentEncoded: boolean): Record<string, string[]> {
  // ALB passes query strings through undecoded; API Gateway decodes them.
  const decode = percentEncoded ? safeDecode : (s: string) => s;
  const out: Record<string, string[]> = dict();
  if (isObject(event.multiValueQueryStringParameters)) {
    for (const [name, values] of Object.entries(event.multiValueQueryStringParameters)) {
      if (Array.isArray(values)) out[decode(name)] = values.map((v) => decode(String(v)));
    }
    return out;
  }
  for (const [name, value] of Object.entries(stringMap(event.queryStringParameters))) {
    out[decode(name)] = [decode(value)];
  }
  return out;
}

function parseQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = dict();
  for (const [name, value] of new URLSearchParams(raw)) {
    const values = out[name] ?? [];
    values.push(value);
    out[name] = values;
  }
  return out;
}

function lastValues(multi: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = dict();
  for (const [name, values] of Object.entries(multi)) out[name] = values[values.length - 1] ?? '';
  return out;
}

function cookieArray(value: unknown): Record<string, string> {
  return Array.isArray(value) ? parseCookieHeader(value.map(String).join('; ')) : dict();
}

function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = dict();
  if (!header) return out;
  for (const part of header.split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    // Cookie values are percent-encoded at most, never form-encoded: a '+' stays a '+'.
    out[part.slice(0, eq).trim()] = safeDecode(value, false);
  }
  return out;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = dict();
  if (!isObject(value)) return out;
  for (const [key, v] of Object.entries(value))
    if (v !== null && v !== undefined) out[key] = String(v);
  return out;
}

function lowerCaseKeys(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = dict();
  for (const [key, value] of Object.entries(map)) out[key.toLowerCase()] = value;
  return out;
}

function safeDecode(value: string, plusIsSpace = true): string {
  try {
    return decodeURIComponent(plusIsSpace ? value.replace(/\+/g, ' ') : value);
  } catch {
    return value;
  }
}

/**
 * A map without a prototype: names come from the client, and `__proto__` or `constructor`
 * must be plain keys there, not Object.prototype's members.
 */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
