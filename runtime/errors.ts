// How failures are described to the Runtime API, byte for byte as AWS's Node.js runtime
// (aws-lambda-ric 3.3.0, Errors.js toRapidResponse) does, since tools parse it:
// `{errorType, errorMessage, trace}` where trace is the whole `error.stack` split into lines
// ("Type: message", then "    at ..." frames). Headers as AWS's: an invocation error carries
// only an X-Ray cause, an init error and a stream's trailers the error type as is.
import { types } from 'node:util';

export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  /** Absent only in the "handled" description of an error that could not be read (as AWS's). */
  trace?: string[];
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

// AWS's runtime escapes DEL, which the Runtime API would otherwise refuse in the payload.
const escapeDel = (text: string): string => text.replace(/\x7F/g, '%7F');

/**
 * AWS's rules: a native error (or anything with a truthy string name, message and stack, such
 * as an error from another realm) gives its name, message and stack lines; anything else its
 * `typeof` and `toString()`, with no trace. Whatever cannot be read (a throwing getter,
 * `undefined`, which has no toString) becomes the fixed "handled" description.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      const { name, message, stack } = error as { name: string; message: string; stack: string };
      return {
        errorType: escapeDel(name),
        errorMessage: escapeDel(message),
        trace: escapeDel(stack).split('\n'),
      };
    }
    return {
      errorType: typeof error,
      errorMessage: (error as { toString(): string }).toString(),
      trace: [],
    };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function isErrorLike(value: unknown): boolean {
  if (!value) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    name !== '' &&
    typeof message === 'string' &&
    message !== '' &&
    typeof stack === 'string' &&
    stack !== ''
  );
}

/**
 * The error type as a header (init errors) or trailer (streams) value: AWS's runtime sends the
 * payload's errorType as is (`Error`, `Runtime.ImportModuleError`), with no `Function.` prefix.
 */
export function errorTypeValue(payload: ErrorPayload): string {
  return sanitizeHeaderValue(payload.errorType);
}

/** As AWS's `value?.replace(...)`: throws for a value that is not a string (caught above). */
const escapeNullable = (value: unknown): string | undefined =>
  value == null ? undefined : escapeDel(value as string);

/**
 * The `lambda-runtime-function-xray-error-cause` header AWS's runtime sends with an invocation
 * error (XRayError.js): the working directory, the error's type, message and frames, and the
 * frames' paths, as JSON. JSON escapes every control character, so the value is always a valid
 * header value; like AWS's, it is empty (and then not sent) when the error cannot be read.
 */
export function xrayErrorCause(error: unknown): string {
  try {
    const err = error as { name?: unknown; message?: unknown; stack?: unknown };
    const stack: { path: string; line: number; label: string }[] = [];
    if (err.stack) {
      const lines = (escapeNullable(err.stack) as string).split('\n');
      lines.shift();
      for (const stackLine of lines) {
        let line = stackLine.trim().replace(/\(|\)/g, '');
        line = line.substring(line.indexOf(' ') + 1);
        const label = line.lastIndexOf(' ') >= 0 ? line.slice(0, line.lastIndexOf(' ')) : null;
        const where = (label ? line.slice(line.lastIndexOf(' ') + 1) : line).split(':');
        stack.push({
          path: where[0] as string,
          // Radix 10: what ric's bare parseInt gives for a line number (digits only).
          line: Number.parseInt(where[1] as string, 10),
          label: label || 'anonymous',
        });
      }
    }
    return JSON.stringify({
      working_directory: process.cwd(),
      exceptions: [
        {
          type: escapeNullable(err.name),
          message: escapeNullable(err.message),
          stack,
        },
      ],
      paths: [...new Set(stack.map((entry) => entry.path))],
    });
  } catch {
    return '';
  }
}

/** Header values may only carry visible ASCII and spaces: anything else would break the request. */
export function sanitizeHeaderValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '').slice(0, 1024) || 'Unknown';
}

export function errorJson(payload: ErrorPayload): string {
  return JSON.stringify(payload);
}
