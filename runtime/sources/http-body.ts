// Decodes an HTTP request body for `context.request.body`. It runs only when code reads that
// field, never before the handler: a body the runtime cannot decode is the handler's business
// (frameworks answer malformed JSON their own way), so errors surface only to the reader, as
// HttpErrors that become their status if the reader lets them propagate.
import { HttpError } from './http-error.js';

/**
 * Decompressed bodies may not grow past this: a few MB of gzip can expand to gigabytes, and
 * a Lambda function has as little as 128 MB of memory.
 */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

const BOM = '\uFEFF';

/** The body decoded by content encoding, then by content type: JSON, form fields, text, or bytes. */
export function decodeBody(
  raw: Buffer,
  contentType: string | undefined,
  contentEncoding?: string,
): unknown {
  if (raw.length === 0) return undefined;
  const bytes = decodeContent(raw, contentEncoding);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text(bytes));
    } catch {
      // V8's message quotes the body: it must not be echoed to whoever sent it.
      throw new HttpError(400, 'Request body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    // A repeated field keeps its last value.
    const fields = Object.create(null) as Record<string, string>;
    for (const [name, value] of new URLSearchParams(text(bytes))) fields[name] = value;
    return fields;
  }
  if (type === '' || type.startsWith('text/') || /charset=/i.test(contentType ?? '')) {
    return text(bytes);
  }
  return bytes;
}

/** UTF-8 without a byte-order mark, which JSON.parse and form parsing would refuse. */
function text(bytes: Buffer): string {
  const decoded = bytes.toString('utf8');
  return decoded.startsWith(BOM) ? decoded.slice(1) : decoded;
}

type Zlib = typeof import('node:zlib');

/** Undoes each listed content coding, last applied first (RFC 9110 8.4). */
function decodeContent(raw: Buffer, contentEncoding: string | undefined): Buffer {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return raw;
  // Loaded on the first compressed body only: most functions never pay for node:zlib.
  const zlib = process.getBuiltinModule('node:zlib') as Zlib;
  const options = { maxOutputLength: MAX_DECODED_BYTES };
  let bytes = raw;
  for (const coding of codings.reverse()) {
    try {
      if (coding === 'gzip' || coding === 'x-gzip') bytes = zlib.gunzipSync(bytes, options);
      else if (coding === 'br') bytes = zlib.brotliDecompressSync(bytes, options);
      else if (coding === 'deflate') bytes = inflate(zlib, bytes, options);
      else throw new HttpError(415, `Unsupported content-encoding: ${coding}`);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new HttpError(413, `Request body is larger than ${MAX_DECODED_BYTES} bytes decoded`);
      }
      throw new HttpError(400, `Request body is not valid ${coding}`);
    }
  }
  return bytes;
}

// HTTP's "deflate" is zlib-wrapped, but some clients send raw deflate data (RFC 9110 8.4.1.2).
function inflate(zlib: Zlib, bytes: Buffer, options: { maxOutputLength: number }): Buffer {
  try {
    return zlib.inflateSync(bytes, options);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw error;
    return zlib.inflateRawSync(bytes, options);
  }
}
