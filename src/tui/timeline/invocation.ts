// One invocation made from the REPL, as the app keeps it: what was sent where, what came back,
// and the log that the timeline view draws. The REPL hands each one to the app (onInvoked),
// which keeps the list the timeline view shows.
import {
  type Invocation as CoreInvocation,
  getInvocationTimeBreakdown,
  type TimeBreakdown,
} from '../../core/internal.js';

/** What a function that ran and failed reported (Lambda's error payload). */
export interface FunctionFailure {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: readonly string[];
}

/**
 * The core's invocation (result, requestId, log, seconds: the round trip) and what the REPL
 * knows about it. A failed function is an invocation too, with its log: `error` says how it
 * failed, and `result` holds Lambda's error payload.
 */
export interface Invocation extends CoreInvocation {
  /** Increasing within the session: later invocations have larger ids. */
  readonly id: number;
  /** The function's or the container's name. */
  readonly name: string;
  readonly target: 'local' | 'deployed';
  readonly at: Date;
  /** The payload's text, as sent. */
  readonly payload: string;
  readonly error?: FunctionFailure;
}

let lastId = 0;

/** A session-unique, increasing id for a new invocation. */
export function nextInvocationId(): number {
  lastId += 1;
  return lastId;
}

/** The breakdown of the invocation's log, or undefined when the log has no REPORT line. */
export function breakdownOf(invocation: Invocation): TimeBreakdown | undefined {
  if (!invocation.log.report) return undefined;
  return getInvocationTimeBreakdown(invocation.log);
}
