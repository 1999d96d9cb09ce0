// The timeline the terminal app draws and the command line prints: the time breakdown's
// segments on one time axis, and a plain-text rendering of them as bars (colours are the
// caller's business).
import type { InvocationLog } from './invocation-log.js';
import { getInvocationTimeBreakdown, type TimeSegment } from './time-breakdown.js';

export interface Timeline {
  readonly totalMs: number;
  readonly segments: readonly TimeSegment[];
}

export interface FormatTimelineOptions {
  /** Characters per line; 80 by default. */
  readonly width?: number;
}

export function getTimeline(log: InvocationLog): Timeline {
  const { totalMs, segments } = getInvocationTimeBreakdown(log);
  return { totalMs, segments };
}

const BAR = '█';
const AXIS = '─';
const MIN_BAR = 10;

/**
 * One line per segment, `label  bar  ms`, each bar placed and scaled on a common axis (a
 * segment that took any time gets at least one cell), then a total line. Every line is
 * exactly `width` characters wide when width leaves room for a bar of 10 cells.
 */
export function formatTimeline(timeline: Timeline, options: FormatTimelineOptions = {}): string[] {
  const width = Math.max(1, Math.floor(options.width ?? 80));
  const rows = [
    ...timeline.segments.map((segment) => ({
      label: segment.label,
      ms: formatMs(segment.lengthMs),
      segment,
    })),
    { label: 'total', ms: formatMs(timeline.totalMs), segment: undefined },
  ];
  const msWidth = Math.max(...rows.map((row) => row.ms.length));
  const longest = Math.max(...rows.map((row) => [...row.label].length));
  const labelWidth = Math.max(
    1,
    Math.min(longest, Math.floor(width / 3), width - msWidth - MIN_BAR - 2),
  );
  const barWidth = Math.max(MIN_BAR, width - labelWidth - msWidth - 2);
  return rows.map(({ label, ms, segment }) => {
    const bar = segment ? drawBar(segment, timeline.totalMs, barWidth) : AXIS.repeat(barWidth);
    return `${fitLabel(label, labelWidth)} ${bar} ${ms.padStart(msWidth)}`;
  });
}

function drawBar(segment: TimeSegment, totalMs: number, cells: number): string {
  if (segment.lengthMs <= 0 || totalMs <= 0) return ' '.repeat(cells);
  // Both ends rounded the same way, so that neighbours tile the axis without gap or overlap.
  const cell = (ms: number) => Math.min(cells, Math.round((ms * cells) / totalMs));
  let from = cell(segment.startMs);
  let to = cell(segment.startMs + segment.lengthMs);
  if (to === from) {
    from = Math.min(from, cells - 1);
    to = from + 1;
  }
  return ' '.repeat(from) + BAR.repeat(to - from) + ' '.repeat(cells - to);
}

function formatMs(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

/** The label padded or cut (with an ellipsis) to exactly `width` characters. */
function fitLabel(label: string, width: number): string {
  const chars = [...label];
  if (chars.length <= width) return label + ' '.repeat(width - chars.length);
  return `${chars.slice(0, width - 1).join('')}…`;
}
