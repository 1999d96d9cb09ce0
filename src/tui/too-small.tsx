// What the app draws in a terminal smaller than it needs: the size it needs and the size it
// has, in short lines that fit any size (at most three of them).
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export const MIN_COLUMNS = 50;
export const MIN_ROWS = 12;

export function TooSmall({ columns, rows }: { columns: number; rows: number }): ReactNode {
  const lines = [
    'Terminal too small.',
    `lambdash needs ${MIN_COLUMNS}x${MIN_ROWS};`,
    `this is ${columns}x${rows}.`,
  ].slice(0, Math.max(1, rows - 1));
  return (
    <Box flexDirection="column">
      {lines.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line.slice(0, Math.max(1, columns))}
        </Text>
      ))}
    </Box>
  );
}
