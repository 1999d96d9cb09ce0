// How failures are described to the Runtime API: `{errorType, errorMessage, stackTrace}`
// plus an error-type header that must survive being an HTTP header value.

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
  if (error instanceof RuntimeError) {
    return { errorType: error.errorType, errorMessage: error.message, stackTrace: stackOf(error) };
  }
  if (error instanceof Error) {
    return {
      errorType: error.name || error.constructor?.name || fallbackType,
      errorMessage: error.message,
      stackTrace: stackOf(error),
    };
  }
  // A thrown non-Error (a string, an object) is typed by `typeof`, as the Node.js runtime does.
  const message = typeof error === 'string' ? error : safeJson(error);
  return { errorType: typeof error, errorMessage: message, stackTrace: [] };
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

function stackOf(error: Error): string[] {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  return stack
    .split('\n')
    .slice(1)
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
