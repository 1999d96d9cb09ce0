// One line of the time breakdown: the segments side by side, each as wide as its share of the
// width (scaleToCells). Each kind has its own fill character as well as its colour, so the
// bar reads without colours too (the mono theme, NO_COLOR).
import { Text } from 'ink';
import type { SegmentKind, TimeBreakdown, TimeSegment } from '../../core/internal.js';
import { formatMs } from '../format.js';
import { fitText } from '../text-width.js';
import { color, type Theme, useTheme } from '../theme.js';
import { scaleToCells } from './scale-segments.js';

export const SEGMENT_FILL: Readonly<Record<SegmentKind, string>> = {
  init: '▓',
  runtime: '░',
  handler: '█',
  user: '▒',
};

/** The theme's colour for a kind of segment. */
export function segmentColor(theme: Theme, kind: SegmentKind): string | undefined {
  switch (kind) {
    case 'init':
      return color(theme.status.warning);
    case 'runtime':
      return color(theme.ui.dim);
    case 'handler':
      return color(theme.status.info);
    case 'user':
      return color(theme.status.busy);
  }
}

export interface BreakdownBarProps {
  readonly segments: readonly TimeSegment[];
  readonly width: number;
}

/** Exactly `width` cells; an empty axis when no segment took any time. */
export function BreakdownBar({ segments, width }: BreakdownBarProps) {
  const theme = useTheme();
  const cells = scaleToCells(
    segments.map((s) => s.lengthMs),
    width,
  );
  if (cells.every((n) => n === 0)) {
    return <Text color={color(theme.ui.dim)}>{'─'.repeat(Math.max(0, width))}</Text>;
  }
  return (
    <Text wrap="truncate">
      {segments.map((segment, i) =>
        cells[i] ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their place
          <Text key={i} color={segmentColor(theme, segment.kind)}>
            {SEGMENT_FILL[segment.kind].repeat(cells[i] as number)}
          </Text>
        ) : null,
      )}
    </Text>
  );
}

/** `▓ init 150 ms  ░ runtime 2.1 ms  █ handler 1.1 ms  = 154 ms cold`, cut to the width. */
export function BreakdownLegend({ breakdown, width }: { breakdown: TimeBreakdown; width: number }) {
  const theme = useTheme();
  const parts: [SegmentKind, string, number][] = [
    ...(breakdown.cold
      ? [['init', 'init', breakdown.initMs] as [SegmentKind, string, number]]
      : []),
    ['runtime', 'runtime', breakdown.runtimeMs],
    ['handler', 'handler', breakdown.handlerMs],
  ];
  const total = `= ${formatMs(breakdown.totalMs)} ${breakdown.cold ? 'cold' : 'warm'}`;
  const text = [
    ...parts.map(([kind, label, ms]) => `${SEGMENT_FILL[kind]} ${label} ${formatMs(ms)}`),
    total,
  ].join('  ');
  // Coloured piece by piece when it fits, else plain and cut.
  if (text.length > width) return <Text>{fitText(text, width)}</Text>;
  return (
    <Text>
      {parts.map(([kind, label, ms]) => (
        <Text key={kind}>
          <Text color={segmentColor(theme, kind)}>{SEGMENT_FILL[kind]}</Text>
          {` ${label} ${formatMs(ms)}  `}
        </Text>
      ))}
      <Text bold>{total}</Text>
    </Text>
  );
}
