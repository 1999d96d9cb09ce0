// The breakdown one segment per row, `label  bar  ms`: each bar sits where its segment sits in
// the stacked bar above (the same cells, from scaleToCells), so the rows read as a Gantt chart.
import { Box, Text } from 'ink';
import type { TimeSegment } from '../../core/internal.js';
import { formatMs } from '../format.js';
import { fitText, textWidth } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import { SEGMENT_FILL, segmentColor } from './breakdown-bar.js';
import { cellOffsets, scaleToCells } from './scale-segments.js';

export interface SegmentRowsProps {
  readonly segments: readonly TimeSegment[];
  readonly width: number;
  /** Rows available; when there are more segments the last row says how many are left out. */
  readonly rows: number;
}

/** The widths of a row's parts for these segments at this width. */
export function segmentRowLayout(segments: readonly TimeSegment[], width: number) {
  const msWidth = Math.max(0, ...segments.map((s) => formatMs(s.lengthMs).length));
  const longest = Math.max(0, ...segments.map((s) => textWidth(s.label)));
  const labelWidth = Math.max(1, Math.min(longest, Math.floor(width / 4)));
  return { labelWidth, msWidth, barWidth: Math.max(0, width - labelWidth - msWidth - 2) };
}

export function SegmentRows({ segments, width, rows }: SegmentRowsProps) {
  const theme = useTheme();
  if (rows <= 0 || segments.length === 0) return null;
  const { labelWidth, msWidth, barWidth } = segmentRowLayout(segments, width);
  const cells = scaleToCells(
    segments.map((s) => s.lengthMs),
    barWidth,
  );
  const offsets = cellOffsets(cells);
  const cut = segments.length > rows;
  const shown = cut ? segments.slice(0, rows - 1) : segments;
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((segment, i) => {
        const from = offsets[i] as number;
        const length = cells[i] as number;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a segment's place is its identity
          <Text key={i} wrap="truncate">
            {fitText(segment.label, labelWidth)} {' '.repeat(from)}
            <Text color={segmentColor(theme, segment.kind)}>
              {SEGMENT_FILL[segment.kind].repeat(length)}
            </Text>
            {' '.repeat(barWidth - from - length)} {formatMs(segment.lengthMs).padStart(msWidth)}
          </Text>
        );
      })}
      {cut ? (
        <Text color={color(theme.ui.dim)} wrap="truncate">
          {fitText(`… ${segments.length - shown.length} more segments`, width)}
        </Text>
      ) : null}
    </Box>
  );
}
