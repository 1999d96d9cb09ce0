// How a command that failed says so: `error: <message>` and `hint: <what to do>` on stderr,
// the function's own error type, message and stack when an invoked function threw, and the
// exit code of its kind. A bug of lambdash's (not a LambdashError) shows its stack, since no
// hint can help there. Control characters in those lines (a handler name, a function's error
// message) are shown escaped: the terminal shows them and never obeys them.
import { escapeControlCharacters, isLambdashError } from '../core/internal.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

export interface ErrorReport {
  /** What goes to stderr. */
  readonly lines: string[];
  /** With --json: the document for stdout. */
  readonly json: { error: { code: string; message: string; hint?: string } };
  readonly exitCode: number;
}

interface FunctionFailure {
  readonly errorType?: unknown;
  readonly errorMessage?: unknown;
  readonly stackTrace?: unknown;
}

export function reportError(error: unknown, options: { verbose?: boolean } = {}): ErrorReport {
  const report = describeError(error, options);
  return {
    ...report,
    lines: report.lines.map((line) => escapeControlCharacters(line, { keepLayout: true })),
  };
}

function describeError(error: unknown, options: { verbose?: boolean }): ErrorReport {
  if (isLambdashError(error)) {
    const lines = [`error: ${error.message}`];
    const failure = error as FunctionFailure;
    if (Array.isArray(failure.stackTrace) && failure.stackTrace.length) {
      lines.push(...failure.stackTrace.map((frame) => `    ${String(frame).trim()}`));
    }
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (options.verbose && error.cause instanceof Error && error.cause.stack) {
      lines.push(`cause: ${error.cause.stack}`);
    }
    return {
      lines,
      json: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.hint ? { hint: error.hint } : {}),
          ...(typeof failure.errorType === 'string' ? { errorType: failure.errorType } : {}),
          ...(typeof failure.errorMessage === 'string'
            ? { errorMessage: failure.errorMessage }
            : {}),
          ...(Array.isArray(failure.stackTrace) ? { stackTrace: failure.stackTrace } : {}),
        },
      },
      exitCode: exitCodeOf(error.code),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? error.stack : message;
  return {
    lines: [
      `error: ${message}`,
      ...stack.split('\n').slice(1),
      'hint: This is a bug in lambdash: please report it with the lines above.',
    ],
    json: { error: { code: 'INTERNAL', message } },
    exitCode: EXIT.failure,
  };
}
