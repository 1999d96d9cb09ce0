// The raw log lines, a window of them from `top`, with the search query highlighted and the
// current match marked in the margin.
import { Box, Text } from 'ink';
import { fitText, textWidth } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import { matchRanges } from './log-search.js';

export interface LogPaneProps {
  readonly lines: readonly string[];
  readonly top: number;
  readonly rows: number;
  readonly width: number;
  readonly query: string;
  /** The line of the current match. */
  readonly current: number | undefined;
}

export function LogPane({ lines, top, rows, width, query, current }: LogPaneProps) {
  const theme = useTheme();
  if (rows <= 0) return null;
  const shown = lines.slice(top, top + rows);
  return (
    <Box flexDirection="column" width={width} height={rows}>
      {shown.map((line, i) => {
        const index = top + i;
        const text = visiblePart(line, query, width - 1);
        const ranges = matchRanges(text, query);
        const pieces: { text: string; match: boolean }[] = [];
        let at = 0;
        for (const [start, end] of ranges) {
          pieces.push(
            { text: text.slice(at, start), match: false },
            { text: text.slice(start, end), match: true },
          );
          at = end;
        }
        pieces.push({ text: text.slice(at), match: false });
        return (
          <Text key={index} wrap="truncate">
            <Text color={color(theme.ui.accent)}>{index === current ? '›' : ' '}</Text>
            {pieces.map((piece, j) =>
              piece.match ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one line, in order
                <Text key={j} inverse>
                  {piece.text}
                </Text>
              ) : (
                piece.text
              ),
            )}
          </Text>
        );
      })}
    </Box>
  );
}

/**
 * The line cut to the width: tabs (the observation lines' separators) as two cells, and a line
 * whose first match lies past the edge shown after an ellipsis, from as early as still shows the
 * match (at least a few characters before it).
 */
export function visiblePart(line: string, query: string, width: number): string {
  const text = line.replace(/\t/g, '  ');
  const first = matchRanges(text, query)[0];
  const shifted =
    first && textWidth(text.slice(0, first[1])) > width
      ? `…${text.slice(Math.max(0, Math.min(first[0] - CONTEXT, text.length - width + 1)))}`
      : text;
  return fitText(shifted, width).trimEnd();
}

/** Characters shown before a match that had to be scrolled into view. */
const CONTEXT = 8;
