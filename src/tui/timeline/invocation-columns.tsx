// The last invocations side by side, one column each, on one time scale: a cold start's init
// shows against warm invocations at a glance. The newest cold start is always among them when
// there is one, however many warm invocations came after it.
import { Box, Text } from 'ink';
import type { SegmentKind, TimeBreakdown } from '../../core/internal.js';
import { formatMs } from '../format.js';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import { BreakdownBar, SEGMENT_FILL, segmentColor } from './breakdown-bar.js';
import type { Invocation } from './invocation.js';

export interface Measured {
  readonly invocation: Invocation;
  readonly breakdown: TimeBreakdown;
}

/** The newest `count` invocations in time order, the newest cold start swapped in if left out. */
export function pickColumns(measured: readonly Measured[], count: number): Measured[] {
  if (count <= 0) return [];
  const byTime = [...measured].sort((a, b) => a.invocation.id - b.invocation.id);
  const chosen = byTime.slice(-count);
  const cold = byTime.findLast((m) => m.breakdown.cold);
  if (cold && !chosen.includes(cold)) chosen.splice(0, 1, cold);
  return chosen;
}

/** Columns of at least this many cells. */
export const COLUMN_WIDTH = 26;
/** A title row, then one per part. */
export const COLUMN_ROWS = 5;

export interface InvocationColumnsProps {
  readonly measured: readonly Measured[];
  /** The invocation the view shows above: its title is marked. */
  readonly selectedId: number | undefined;
  readonly width: number;
}

export function InvocationColumns({ measured, selectedId, width }: InvocationColumnsProps) {
  const theme = useTheme();
  const columns = pickColumns(measured, Math.max(1, Math.floor((width + 1) / (COLUMN_WIDTH + 1))));
  if (columns.length === 0) return null;
  // Columns share the width, one cell apart; the leftover cells go to the first ones.
  const base = Math.floor((width - (columns.length - 1)) / columns.length);
  const extra = width - (columns.length - 1) - base * columns.length;
  const scaleMs = Math.max(...columns.map((c) => c.breakdown.totalMs));
  return (
    <Box flexDirection="row" width={width}>
      {columns.map(({ invocation, breakdown }, i) => {
        const columnWidth = base + (i < extra ? 1 : 0);
        const labelWidth = 8;
        const msWidth = 8;
        const barWidth = Math.max(1, columnWidth - labelWidth - msWidth);
        const barOf = (ms: number) =>
          ms <= 0 || scaleMs <= 0
            ? 0
            : Math.min(barWidth, Math.max(1, Math.round((ms / scaleMs) * barWidth)));
        const part = (kind: SegmentKind, label: string, ms: number) => (
          <Text wrap="truncate">
            {fitText(label, labelWidth)}
            <Text color={segmentColor(theme, kind)}>{SEGMENT_FILL[kind].repeat(barOf(ms))}</Text>
            {' '.repeat(barWidth - barOf(ms))}
            {formatMs(ms).padStart(msWidth)}
          </Text>
        );
        const title = `${invocation.id === selectedId ? '›' : ' '}#${invocation.id} ${breakdown.cold ? 'cold' : 'warm'} ${invocation.target}`;
        return (
          <Box
            key={invocation.id}
            flexDirection="column"
            width={columnWidth}
            flexShrink={0}
            marginLeft={i === 0 ? 0 : 1}
          >
            <Text
              bold
              color={color(breakdown.cold ? theme.status.warning : theme.ui.heading)}
              wrap="truncate"
            >
              {fitText(title, columnWidth)}
            </Text>
            {part('init', 'init', breakdown.initMs)}
            {part('runtime', 'runtime', breakdown.runtimeMs)}
            {part('handler', 'handler', breakdown.handlerMs)}
            <Text wrap="truncate">
              {fitText('total', labelWidth)}
              <BreakdownBar segments={breakdown.segments} width={barOf(breakdown.totalMs)} />
              {' '.repeat(barWidth - barOf(breakdown.totalMs))}
              {formatMs(breakdown.totalMs).padStart(msWidth)}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
