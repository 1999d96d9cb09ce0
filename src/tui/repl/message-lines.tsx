// The message under the editor, in its rows (one or two): what the REPL has to say, else
// whether the payload is JSON. What does not fit is joined onto the last line and cut there.
import { Box, Text } from 'ink';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import type { Notice } from './repl-state.js';

export interface MessageLinesProps {
  /** The message wrapped to the width. */
  readonly lines: readonly string[];
  readonly tone: Notice['tone'];
  readonly rows: number;
  readonly width: number;
}

export function MessageLines({ lines, tone, rows, width }: MessageLinesProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={rows}>
      {lines.slice(0, rows).map((text, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one message, in order
          key={i}
          color={color(tone === 'error' ? theme.status.error : theme.ui.dim)}
          wrap="truncate"
        >
          {i === rows - 1 && lines.length > rows
            ? fitText(`${text} ${lines.slice(i + 1).join(' ')}`, width)
            : text}
        </Text>
      ))}
    </Box>
  );
}
