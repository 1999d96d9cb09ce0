// The core's one retry loop: a call tried again when it fails in a way worth another try (IAM
// still propagating a role, an update in progress, a cached layer removed mid-build, a port
// taken), a bounded number of times, with a pause that doubles, cut short by the operation's
// signal, and announced as a `retry` event. Each caller states only what differs.
import { delay } from './delay.js';
import { throwIfAborted } from './errors.js';
import { emit, type OperationOptions } from './events.js';

export interface RetryPolicy {
  /** What is tried, as the cancellation's message words it ("Creating function f"). */
  readonly what: string;
  /** Whether this failure (of try number `attempt`, from 1) is worth another try. */
  readonly retryOn: (error: unknown, attempt: number) => boolean;
  /** Tries in all, the first included; unbounded when not given (`giveUp` ends it). */
  readonly attempts?: number;
  /** The pause before the second try, ms; 0 (the default) tries again at once. */
  readonly firstDelayMs?: number;
  /** Each pause is twice the one before, up to this (ms). */
  readonly maxDelayMs?: number;
  /**
   * Ends the retries before the next pause: the error to throw instead (one that says how long
   * it was tried), or undefined to go on.
   */
  readonly giveUp?: (error: unknown, next: RetryStep) => unknown;
  /** The `retry` event's wording; without it no retry event is emitted. */
  readonly event?: { readonly what: string; readonly reason: string };
  /** Reports a further try in another way than the retry event (a build's log line). */
  readonly onRetry?: (error: unknown, next: RetryStep) => void;
  /**
   * What to wait for before the next try instead of the pause (another update to finish);
   * by default the pause itself, which the operation's signal cuts short.
   */
  readonly wait?: (next: RetryStep) => Promise<void>;
}

/** The try that failed and the pause before the next one. */
export interface RetryStep {
  readonly attempt: number;
  readonly delayMs: number;
}

/**
 * Runs `operation` (given its try number, from 1) until it succeeds, or fails in a way the
 * policy does not retry, or the tries run out: then its last error is thrown as it was.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: OperationOptions = {},
): Promise<T> {
  let pause = policy.firstDelayMs ?? 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!policy.retryOn(error, attempt) || attempt === policy.attempts) throw error;
      const step: RetryStep = { attempt, delayMs: pause };
      const instead = policy.giveUp?.(error, step);
      if (instead !== undefined) throw instead;
      if (policy.event) emit(options, { type: 'retry', ...policy.event, ...step });
      policy.onRetry?.(error, step);
      if (policy.wait) await policy.wait(step);
      else if (pause > 0) await delay(pause, options.signal, policy.what);
      // A cancelled operation is not tried again (the pause above says so itself).
      throwIfAborted(options.signal, policy.what);
      pause = Math.min(pause * 2, policy.maxDelayMs ?? Number.POSITIVE_INFINITY);
    }
  }
}
