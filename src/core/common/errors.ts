// One error class for everything the library reports to people: a stable `code` to match on,
// a message that says what went wrong, and a `hint` that says what to do next. The terminal
// app and the command line show message and hint, never a raw stack.

export type ErrorCode =
  | 'DOCKER_UNAVAILABLE'
  | 'DOCKER_FAILED'
  | 'BUILD_FAILED'
  | 'BUILD_SECRETS_UNSUPPORTED'
  | 'BUNDLE_FAILED'
  | 'INVALID_NAME'
  | 'INVALID_LABEL'
  | 'INVALID_BUILD_ARG'
  | 'RESPONDER_NOT_FOUND'
  | 'HANDLER_NOT_FOUND'
  | 'GIT_FAILED'
  | 'UNSUPPORTED_SOURCE'
  | 'INVALID_OPTION'
  | 'INSTALL_FAILED'
  | 'BASE_IMAGE_FAILED'
  | 'IMAGE_NOT_FOUND'
  | 'AMBIGUOUS_IMAGE'
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_FAILED'
  | 'TEST_FAILED'
  | 'INVALID_PAYLOAD'
  | 'TYPECHECK_FAILED'
  | 'AWS_CREDENTIALS'
  | 'AWS_ACCESS_DENIED'
  | 'AWS_THROTTLED'
  | 'AWS_FAILED'
  | 'LOCAL_CLOUD_FAILED'
  | 'REPO_NOT_FOUND'
  | 'REMOTE_IMAGE_NOT_FOUND'
  | 'ROLE_NOT_FOUND'
  | 'INVALID_ROLE'
  | 'FUNCTION_NOT_FOUND'
  | 'AMBIGUOUS_FUNCTION'
  | 'FUNCTION_FAILED'
  | 'FUNCTION_ERROR'
  | 'INVALID_MANIFEST'
  | 'PUSH_FAILED'
  | 'WAIT_TIMEOUT'
  | 'LOG_NOT_FOUND'
  | 'INVALID_PROJECT'
  | 'ABORTED';

export class LambdashError extends Error {
  override readonly name = 'LambdashError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isLambdashError(error: unknown, code?: ErrorCode): error is LambdashError {
  return error instanceof LambdashError && (code === undefined || error.code === code);
}

/** The error of an operation the caller cancelled: "<what> was cancelled". */
export function abortedError(what: string, cause?: unknown): LambdashError {
  return new LambdashError('ABORTED', `${what} was cancelled`, undefined, { cause });
}

/** Throws the signal's reason as an ABORTED error when the caller cancelled. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what, signal.reason);
}

/**
 * The ABORTED error when a failure is a cancellation (the caller's signal fired, or the error
 * is an AbortError, as child_process and fetch raise), else undefined: the caller then reports
 * the failure as what it is.
 */
export function abortedBy(
  error: unknown,
  signal: AbortSignal | undefined,
  what: string,
): LambdashError | undefined {
  if (error instanceof LambdashError) return error.code === 'ABORTED' ? error : undefined;
  if (signal?.aborted) return abortedError(what, signal.reason);
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return abortedError(what, error);
  return undefined;
}

/**
 * Waits for work that others may share (it goes on when this caller leaves): settles as it
 * does, or rejects with ABORTED as soon as this caller's signal fires.
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(what, signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
