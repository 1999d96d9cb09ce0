// How failures are described to the Runtime API: `{errorType, errorMessage, stackTrace}`
// plus an error-type header that must survive being an HTTP header value.
import { types } from 'node:util';

export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

/** A failure of the runtime itself or of loading the user's code, with a `Runtime.*` type. */
export class RuntimeError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = errorType;
  }
}

export function toErrorPayload(error: unknown, fallbackType = 'Error'): ErrorPayload {
  try {
    if (error instanceof RuntimeError) {
      return {
        errorType: error.errorType,
        errorMessage: error.message,
        stackTrace: stackOf(error),
      };
    }
    if (isErrorLike(error)) {
      return {
        errorType: stringOr(error.name, '') || error.constructor?.name || fallbackType,
        errorMessage: stringOr(error.message, String(error.message ?? '')),
        stackTrace: stackOf(error),
      };
    }
    // A thrown non-Error (a string, an object) is typed by `typeof`, as the Node.js runtime does.
    const message = typeof error === 'string' ? error : safeJson(error);
    return { errorType: typeof error, errorMessage: message, stackTrace: [] };
  } catch {
    // A getter that throws, a revoked proxy: describing the error must not fail the report.
    return {
      errorType: 'handled',
      errorMessage:
        'The handler failed with a value whose name, message or stack could not be read',
      stackTrace: [],
    };
  }
}

/**
 * Errors from another realm (a vm context) are not `instanceof Error`; like Lambda's runtime,
 * also accept anything with a string name, message and stack.
 */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error || types.isNativeError(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof message === 'string' && typeof stack === 'string';
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The error-type header value: `Runtime.*` kept as is, everything else as `Function.<type>`. */
export function errorTypeHeader(payload: ErrorPayload): string {
  const type = payload.errorType.startsWith('Runtime.')
    ? payload.errorType
    : `Function.${payload.errorType}`;
  return sanitizeHeaderValue(type);
}

/** Header values may only carry visible ASCII and spaces: anything else would break the request. */
export function sanitizeHeaderValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '').slice(0, 1024) || 'Unknown';
}

export function errorJson(payload: ErrorPayload): string {
  return JSON.stringify(payload);
}

/** The stack's frames: everything after the header line(s), which repeat the message. */
function stackOf(error: Error): string[] {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const message = typeof error.message === 'string' ? error.message : '';
  // A multi-line message (a CommonJS "Require stack") spans several header lines.
  const at = message ? stack.indexOf(message) : -1;
  const newline = stack.indexOf('\n');
  const frames =
    at >= 0 ? stack.slice(at + message.length) : newline >= 0 ? stack.slice(newline + 1) : '';
  return frames
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
