// Where an invocation's time went: init, the runtime's overhead before and after the handler,
// and the handler itself split at the user's marks. The REPORT line gives the totals (Init
// Duration, Duration); the runtime's marks (docs/observations.md) give the split.
import { LambdashError } from '../common/errors.js';
import type { InvocationLog, Observation } from './invocation-log.js';

export type SegmentKind = 'init' | 'runtime' | 'handler' | 'user';

export interface TimeSegment {
  readonly label: string;
  readonly kind: SegmentKind;
  /** From the start of the invocation (init included). */
  readonly startMs: number;
  readonly lengthMs: number;
}

export interface TimeBreakdown {
  /** initMs + the REPORT's Duration. */
  readonly totalMs: number;
  /** Init Duration; 0 when warm. */
  readonly initMs: number;
  /** Duration − handlerMs: the runtime's work before and after the handler, transport included. */
  readonly runtimeMs: number;
  /** handler.start → handler.end, user segments included. */
  readonly handlerMs: number;
  readonly cold: boolean;
  /** In time order; their lengths add up exactly to totalMs. */
  readonly segments: readonly TimeSegment[];
}

export const RUNTIME_BEFORE = 'runtime before';
export const RUNTIME_AFTER = 'runtime after';

interface Piece {
  readonly label: string;
  readonly kind: SegmentKind;
  /** The piece's end, from the start of Duration (the remainder piece has none). */
  readonly endMs?: number;
}

export function getInvocationTimeBreakdown(log: InvocationLog): TimeBreakdown {
  const { report } = log;
  if (!report) {
    throw new LambdashError(
      'LOG_NOT_FOUND',
      `The log of request ${log.requestId || '(none)'} has no REPORT line, so its durations are unknown`,
      log.source === 'tail'
        ? "The tail Lambda returns holds the log's last 4 KB only: read the request's full log from CloudWatch Logs."
        : 'A REPORT line is written when the invocation ends: read the log again once it has finished.',
    );
  }
  const initMs = report.initDurationMs ?? 0;
  const durationMs = report.durationMs;
  const cold = report.initDurationMs !== undefined;
  const pieces: Piece[] = [];
  if (cold) pieces.push({ label: 'init', kind: 'init', endMs: 0 });
  pieces.push(...invocationPieces(log));
  const segments = layOut(pieces, initMs, initMs + durationMs);
  const handlerMs = sum(segments.filter((s) => s.kind === 'handler' || s.kind === 'user'));
  return {
    totalMs: initMs + durationMs,
    initMs,
    runtimeMs: sum(segments.filter((s) => s.kind === 'runtime')),
    handlerMs,
    cold,
    segments,
  };
}

/**
 * The pieces of Duration, from the marks. Duration starts when the event is handed over and
 * ends when the runtime asks for the next one; the marks cannot see either moment, so the
 * time outside them (delivery → event.received, response.posted → next) falls to the last
 * piece, the runtime's overhead after the handler.
 */
function invocationPieces(log: InvocationLog): Piece[] {
  const marks = new Map<string, number>();
  const user: Observation[] = [];
  for (const mark of log.observations) {
    if (mark.requestId !== log.requestId) continue;
    if (mark.kind === 'user') user.push(mark);
    else if (!marks.has(mark.name)) marks.set(mark.name, mark.time);
  }
  const received = marks.get('event.received');
  const start = marks.get('handler.start');
  // No marks at all (another runtime, marks switched off or below AWS_LAMBDA_LOG_LEVEL, or a
  // process killed before it wrote them): START/END/REPORT only, all of Duration is the handler's.
  if (received === undefined && start === undefined) return [{ label: 'handler', kind: 'handler' }];
  const origin = received ?? (start as number);
  // The event never reached the handler (it failed to parse or validate): all runtime.
  if (start === undefined) return [{ label: RUNTIME_BEFORE, kind: 'runtime' }];
  const end = marks.get('handler.end');
  const at = (time: number) => time - origin;
  const pieces: Piece[] = [{ label: RUNTIME_BEFORE, kind: 'runtime', endMs: at(start) }];
  const inside = user
    .filter((mark) => mark.time >= start && (end === undefined || mark.time <= end))
    .sort((a, b) => a.time - b.time);
  for (const mark of inside) pieces.push({ label: mark.name, kind: 'user', endMs: at(mark.time) });
  // A process that exited mid-handler wrote its marks without handler.end: the handler ran
  // until the end.
  if (end === undefined) return [...pieces, { label: 'handler', kind: 'handler' }];
  pieces.push({ label: 'handler', kind: 'handler', endMs: at(end) });
  pieces.push({ label: RUNTIME_AFTER, kind: 'runtime' });
  return pieces;
}

/**
 * Segments from pieces: each ends at its own end (clamped between the previous end and the
 * total, since marks have 3 decimals and Duration 2), the last takes the remainder, so the
 * lengths add up to the total exactly.
 */
function layOut(pieces: readonly Piece[], initMs: number, totalMs: number): TimeSegment[] {
  const segments: TimeSegment[] = [];
  let position = 0;
  pieces.forEach((piece, i) => {
    const isLast = i === pieces.length - 1;
    let length: number;
    if (isLast) {
      length = remainder(position, totalMs);
    } else {
      const offset = piece.kind === 'init' ? initMs : initMs + (piece.endMs ?? 0);
      const end = Math.min(Math.max(offset, position), totalMs);
      length = Math.max(0, roundMicro(end - position));
      if (position + length > totalMs) length = remainder(position, totalMs);
    }
    segments.push({ label: piece.label, kind: piece.kind, startMs: position, lengthMs: length });
    position += length;
  });
  return segments;
}

/** total − position, nudged so that position + it is exactly total in floating point. */
function remainder(position: number, total: number): number {
  let length = Math.max(0, total - position);
  for (let i = 0; i < 4 && position + length !== total; i++) length += total - (position + length);
  return length;
}

function roundMicro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function sum(segments: readonly TimeSegment[]): number {
  return segments.reduce((total, segment) => total + segment.lengthMs, 0);
}
