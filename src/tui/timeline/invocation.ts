// One invocation made from the REPL, as the app keeps it: what was sent where, what came back,
// and the log that the timeline view draws. The REPL hands each one to the app (onInvoked),
// which keeps the list the timeline view shows.
import type { InvocationLog } from '../../core/invocation-log.js';
import { getInvocationTimeBreakdown, type TimeBreakdown } from '../../core/time-breakdown.js';

export type InvocationOutcome =
  | { readonly ok: true; readonly result: unknown }
  | {
      readonly ok: false;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly stackTrace: readonly string[];
    };

export interface Invocation {
  /** Increasing within the session: later invocations have larger ids. */
  readonly id: number;
  /** The function's or the container's name. */
  readonly name: string;
  readonly target: 'local' | 'deployed';
  readonly at: Date;
  /** The payload's text, as sent. */
  readonly payload: string;
  /** The round trip, as the caller measured it. */
  readonly seconds: number;
  readonly requestId: string | undefined;
  readonly log: InvocationLog | undefined;
  readonly outcome: InvocationOutcome;
}

let lastId = 0;

/** A session-unique, increasing id for a new invocation. */
export function nextInvocationId(): number {
  lastId += 1;
  return lastId;
}

/** The breakdown of the invocation's log, or undefined when the log has no REPORT line. */
export function breakdownOf(invocation: Invocation): TimeBreakdown | undefined {
  if (!invocation.log?.report) return undefined;
  return getInvocationTimeBreakdown(invocation.log);
}
