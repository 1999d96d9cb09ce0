// Places in a log stream and the tokens that carry them: events are ordered by (timestamp,
// sequence), so a place between two events stays valid while events are added or dropped.
import type { StoredLogEvent } from './log-store.js';
import type { ServiceError } from './service.js';
import { invalidParameter as invalid } from './validation.js';

/** A place between events: events with a key ≥ (ts, seq) lie after it. */
export interface Cursor {
  ts: number;
  seq: number;
}

export const START: Cursor = { ts: -1, seq: 0 };

export function compareKey(a: Cursor, b: Cursor): number {
  return a.ts - b.ts || a.seq - b.seq;
}

export function keyOf(event: StoredLogEvent): Cursor {
  return { ts: event[0], seq: event[1] };
}

/** The place right after an event (sequences are integers, so nothing fits in between). */
export function after(event: StoredLogEvent): Cursor {
  return { ts: event[0], seq: event[1] + 1 };
}

export function gapAt(events: readonly StoredLogEvent[], index: number): Cursor {
  if (index < events.length) return keyOf(events[index]!);
  const last = events[events.length - 1];
  return last ? after(last) : START;
}

/** The first index whose event key is ≥ cursor. */
export function lowerBound(events: readonly StoredLogEvent[], cursor: Cursor): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid]!;
    if (e[0] < cursor.ts || (e[0] === cursor.ts && e[1] < cursor.seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** AWS's shape: `f/` or `b/`, 56 digits, `/s`. Ours: 20 digits of timestamp + 1, 36 of sequence. */
export function streamToken(forward: boolean, cursor: Cursor): string {
  return `${forward ? 'f' : 'b'}/${String(cursor.ts + 1).padStart(20, '0')}${String(cursor.seq).padStart(36, '0')}/s`;
}

export function parseStreamToken(token: string): { forward: boolean; cursor: Cursor } {
  const match = /^([fb])\/(\d{20})(\d{36})\/s$/.exec(token);
  if (!match) throw badToken();
  const ts = Number(match[2]) - 1;
  const seq = Number(match[3]);
  if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(seq)) throw badToken();
  return { forward: match[1] === 'f', cursor: { ts, seq } };
}

export function sequenceToken(uploads: number): string {
  return String(uploads).padStart(56, '0');
}

export function eventId(seq: number): string {
  return String(seq).padStart(56, '0');
}

/** Opaque pagination tokens, tagged with the operation that issued them. */
export function encodeToken(kind: string, value: unknown): string {
  return Buffer.from(JSON.stringify({ k: kind, v: value })).toString('base64url');
}

export function decodeToken(token: string | undefined, kind: string): unknown {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      k?: unknown;
      v?: unknown;
    };
    if (parsed?.k === kind && parsed.v !== undefined) return parsed.v;
  } catch {
    // falls through to the error below
  }
  throw badToken();
}

export function badToken(): ServiceError {
  return invalid('The specified nextToken is invalid.');
}
