// A function that ran and failed (its handler threw, it crashed, it timed out), as opposed to
// an invocation that could not be made: the error Lambda reported, with its stack and log.
import { LambdashError } from '../common/errors.js';
import type { InvocationLog } from '../logs/invocation-log.js';

export interface FunctionErrorDetails {
  /** The function (or container) that failed, for the message. */
  readonly functionName: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
  readonly log?: InvocationLog | undefined;
  readonly requestId?: string | undefined;
}

export class InvocationError extends LambdashError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: readonly string[];
  /** The invocation's log, when it was asked for (invokeFunctionWithLog). */
  readonly log: InvocationLog | undefined;
  readonly requestId: string | undefined;

  constructor(details: FunctionErrorDetails) {
    super(
      'FUNCTION_ERROR',
      `${details.functionName} failed: ${details.errorType}: ${details.errorMessage}`,
      hintFor(details.errorType),
    );
    this.errorType = details.errorType;
    this.errorMessage = details.errorMessage;
    this.stackTrace = details.stackTrace ?? [];
    this.log = details.log;
    this.requestId = details.requestId;
  }
}

/** Lambda's error payload `{ errorType, errorMessage, trace }` (or `stackTrace`), read leniently. */
export function functionErrorOf(
  functionName: string,
  body: unknown,
  functionError: string,
): Omit<FunctionErrorDetails, 'log' | 'requestId'> {
  const payload = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  // Older lambdash images post frames as `stackTrace`; AWS's shape (and ours now) is `trace`,
  // the whole stack whose first lines repeat "Type: message": frames only are kept.
  const stack = Array.isArray(payload.stackTrace)
    ? payload.stackTrace
    : Array.isArray(payload.trace)
      ? payload.trace
          .filter((line) => /^\s+at /.test(String(line)))
          .map((line) => String(line).trim())
      : undefined;
  return {
    functionName,
    errorType: typeof payload.errorType === 'string' ? payload.errorType : functionError,
    errorMessage:
      typeof payload.errorMessage === 'string'
        ? payload.errorMessage
        : typeof body === 'string'
          ? body
          : JSON.stringify(body ?? null),
    stackTrace: Array.isArray(stack) ? stack.map(String) : [],
  };
}

function hintFor(errorType: string): string {
  if (errorType === 'Sandbox.Timedout') {
    return 'The function ran out of time: allow more (timeout, up to 900 s) or make it faster; the log shows how far it got.';
  }
  if (errorType === 'Runtime.ExitError') {
    return 'The runtime process exited (process.exit, a crash, or out of memory: compare Max Memory Used with Memory Size in the log).';
  }
  if (errorType.startsWith('Runtime.')) {
    return 'The handler could not be loaded: check the handler name and that its module imports cleanly (test the image locally first).';
  }
  return 'The handler threw: see the stack trace and the log.';
}
