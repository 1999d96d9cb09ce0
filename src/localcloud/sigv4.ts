// Checks an incoming request's AWS Signature Version 4 the way AWS's front ends do: rebuild the
// canonical request from what arrived on the wire (the raw path, query and headers), derive the
// signing key from the secret behind the access key, and compare signatures. The canonical form
// follows the SDKs' signers (@smithy/signature-v4, botocore): the path is escaped once more
// (non-S3 services), query pairs are sorted by escaped key, and header values are trimmed with
// inner runs of spaces collapsed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Caller, KeyLookup } from './credentials.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS refuses a signature made more than five minutes before or after it arrives. */
const MAX_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  readonly method: string;
  /** The request target as it arrived: path and query, still percent-encoded. */
  readonly url: string;
  /** Node's `rawHeaders`: names and values in arrival order, repeats kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** Why a request was refused, in the terms of AWS's own errors. */
export type SignatureProblem =
  | { readonly kind: 'missing' }
  | { readonly kind: 'incomplete'; readonly detail: string }
  | { readonly kind: 'unknown-key' }
  | { readonly kind: 'expired-token' }
  /** A signature that does not match, or a date out of range (AWS answers both alike). */
  | { readonly kind: 'mismatch'; readonly detail?: string };

export type SignatureCheck =
  | { readonly ok: true; readonly caller: Caller; readonly signingName: string }
  | { readonly ok: false; readonly problem: SignatureProblem };

interface Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Verifies `request`'s signature; `lookup` finds the secret behind an access key. */
export function verifySignature(
  request: SignedRequest,
  lookup: (accessKeyId: string, sessionToken: string | undefined) => KeyLookup,
  now = new Date(),
): SignatureCheck {
  const headers = headerValues(request.rawHeaders);
  const authorization = parseAuthorization(headers.get('authorization')?.[0] ?? '');
  if (authorization === undefined) return refuse({ kind: 'missing' });
  if (typeof authorization === 'string')
    return refuse({ kind: 'incomplete', detail: authorization });

  const amzDate = headers.get('x-amz-date')?.[0] ?? dateHeaderAsAmz(headers.get('date')?.[0]);
  if (!amzDate) {
    return refuse({
      kind: 'incomplete',
      detail:
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    });
  }
  if (!amzDate.startsWith(authorization.date)) {
    return refuse({
      kind: 'incomplete',
      detail: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    });
  }
  const sessionToken = headers.get('x-amz-security-token')?.[0];
  const key = lookup(authorization.accessKeyId, sessionToken);
  if (!key.ok) return refuse({ kind: key.problem });

  const unsigned = ['host', ...headers.keys()].filter(
    (name) =>
      (name === 'host' || name.startsWith('x-amz-')) && !authorization.signedHeaders.includes(name),
  );
  if (unsigned.length > 0) {
    // As AWS: what names the request's target and its time must be covered by the signature, or
    // a captured request could be sent again elsewhere.
    return refuse({
      kind: 'incomplete',
      detail: `'${unsigned[0]}' must be a 'SignedHeader' in the AWS Authorization.`,
    });
  }
  const stale = staleness(amzDate, now);
  if (stale) return refuse({ kind: 'mismatch', detail: stale });

  const scope = `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`;
  const canonical = canonicalRequest(request, headers, authorization.signedHeaders);
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  let signingKey = hmac(`AWS4${key.secretAccessKey}`, authorization.date);
  for (const part of [authorization.region, authorization.service, 'aws4_request']) {
    signingKey = hmac(signingKey, part);
  }
  const expected = hmac(signingKey, stringToSign);
  const given = Buffer.from(authorization.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse({ kind: 'mismatch' });
  }
  return { ok: true, caller: key.caller, signingName: authorization.service };
}

function refuse(problem: SignatureProblem): SignatureCheck {
  return { ok: false, problem };
}

/** undefined: no SigV4 Authorization at all; a string: what is wrong with it. */
function parseAuthorization(header: string): Authorization | string | undefined {
  const trimmed = header.trim();
  if (!trimmed) return undefined;
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    return `Authorization header uses an algorithm other than ${ALGORITHM}.`;
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    credential === undefined ? 'Credential' : '',
    signedHeaders === undefined ? 'SignedHeaders' : '',
    signature === undefined ? 'Signature' : '',
  ].filter(Boolean);
  if (missing.length > 0) {
    return `Authorization header requires ${missing.map((name) => `'${name}'`).join(', ')} parameter(s).`;
  }
  const scope = credential?.split('/') ?? [];
  const [accessKeyId, date, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    !accessKeyId ||
    !/^\d{8}$/.test(date ?? '') ||
    !region ||
    !service ||
    terminator !== 'aws4_request'
  ) {
    return `Credential should be scoped to a valid region, service and date: '${credential}'.`;
  }
  if (!/^[0-9a-f]{64}$/.test(signature ?? '')) return 'Signature should be 64 hex characters.';
  return {
    accessKeyId,
    date: date as string,
    region,
    service,
    signedHeaders: (signedHeaders ?? '').split(';').map((name) => name.trim().toLowerCase()),
    signature: signature as string,
  };
}

function canonicalRequest(
  request: SignedRequest,
  headers: ReadonlyMap<string, readonly string[]>,
  signedHeaders: readonly string[],
): string {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headers.get(name) ?? []).map(normalizeValue).join(',')}\n`)
    .join('');
  // Always the body's own hash: UNSIGNED-PAYLOAD is S3's alone, and no service here is S3.
  const payloadHash = sha256Hex(request.body);
  return [
    request.method.toUpperCase(),
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** Dot segments and empty segments removed, then each character escaped once more. */
function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const key = decode(at < 0 ? part : part.slice(0, at));
    pairs.push([escapeUri(key), escapeUri(decode(at < 0 ? '' : part.slice(at + 1)))]);
  }
  pairs.sort(([keyA, valueA], [keyB, valueB]) =>
    keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB),
  );
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 3986 escaping: everything but unreserved characters. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** As the SDK's signer: line breaks become spaces, runs of spaces and tabs one space, trimmed. */
function normalizeValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function headerValues(rawHeaders: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(rawHeaders[i + 1] as string);
    headers.set(name, values);
  }
  return headers;
}

/** AWS's words for a signing date more than five minutes off; undefined when it is not. */
function staleness(amzDate: string, now: Date): string | undefined {
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`;
  const early = new Date(now.getTime() - MAX_SKEW_MS);
  const late = new Date(now.getTime() + MAX_SKEW_MS);
  if (signedAt < early) {
    return `Signature expired: ${amzDate} is now earlier than ${basicIso(early)} (${basicIso(now)} - 5 min.)`;
  }
  if (signedAt > late) {
    return `Signature not yet current: ${amzDate} is still later than ${basicIso(late)} (${basicIso(now)} + 5 min.)`;
  }
  return undefined;
}

/** A date in SigV4's basic ISO 8601 form: `20261207T152200Z`. */
function basicIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** `20261207T152200Z` → a Date; undefined when malformed. */
function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
}

/** An HTTP `Date` header in SigV4's basic ISO 8601 form. */
function dateHeaderAsAmz(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? undefined : basicIso(parsed);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
