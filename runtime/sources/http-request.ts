// One request shape for every HTTP source (API Gateway REST and HTTP APIs, function URLs,
// ALB, WebSocket routes), so handlers need not know which front door the call came through.
import { type HttpSourceKind, isObject, type JsonObject } from './classify.js';
import { decodeBody } from './http-body.js';

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
  /**
   * Decoded on first read (content encoding, then content type: JSON, form fields, text, or
   * bytes). A body that cannot be decoded throws an HttpError (400) at each read, and only
   * there. Assignable: a module's event schema puts its output here.
   */
  body: unknown;
  /** The body's bytes as sent, base64 already decoded (content encoding not undone). */
  readonly rawBody: Buffer;
  readonly sourceIp: string | undefined;
}

/**
 * Reads the event, never changes it: the handler receives that same object, and frameworks
 * (serverless-http, @fastify/aws-lambda, hono) read it as Lambda sent it.
 */
export function normalizeHttpRequest(kind: HttpSourceKind, event: JsonObject): HttpRequest {
  const context = isObject(event.requestContext) ? event.requestContext : {};
  const v2 = kind === 'apigateway-http' || kind === 'function-url';
  const headers = v2 ? lowerCaseKeys(stringMap(event.headers)) : joinedHeaders(event);
  const multiValueQuery = v2
    ? parseQuery(str(event.rawQueryString))
    : v1Query(event, kind === 'alb');
  const http = isObject(context.http) ? context.http : {};
  const cookies = v2 ? cookieArray(event.cookies) : parseCookieHeader(headers.cookie);
  // Both are worked out on first read, most handlers read neither; a decoding failure is
  // kept and thrown again at every read, so it cannot be skipped by reading twice.
  let raw: Buffer | undefined;
  let decoded: { readonly value: unknown } | { readonly error: unknown } | undefined;
  const rawBody = () => {
    raw ??= bodyBytes(event);
    return raw;
  };

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
    get body(): unknown {
      if (!decoded) {
        try {
          decoded = {
            value: decodeBody(rawBody(), headers['content-type'], headers['content-encoding']),
          };
        } catch (error) {
          decoded = { error };
        }
      }
      if ('error' in decoded) throw decoded.error;
      return decoded.value;
    },
    set body(value: unknown) {
      decoded = { value };
    },
    get rawBody(): Buffer {
      return rawBody();
    },
    sourceIp: v2
      ? str(http.sourceIp) || undefined
      : str(isObject(context.identity) ? context.identity.sourceIp : undefined) ||
        // ALB appends the address it saw: earlier entries are whatever the client sent.
        headers['x-forwarded-for']?.split(',').pop()?.trim() ||
        undefined,
  };
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
