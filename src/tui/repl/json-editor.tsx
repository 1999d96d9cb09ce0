// The payload editor's window: `rows` lines of the buffer from `top`, each from column `left`,
// behind a gutter of line numbers; the cursor drawn inverse and the JSON error's place in the
// error colour, so the line:column message below points at something visible.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import type { TextBuffer } from './text-buffer.js';

export interface EditorWindow {
  readonly top: number;
  readonly left: number;
}

/** The window moved as little as keeps the cursor inside it. */
export function followCursor(
  window: EditorWindow,
  buffer: TextBuffer,
  rows: number,
  columns: number,
): EditorWindow {
  const clamp = (at: number, cursor: number, size: number) =>
    Math.max(0, Math.min(at, cursor), cursor - Math.max(1, size) + 1);
  return {
    top: Math.min(clamp(window.top, buffer.row, rows), Math.max(0, buffer.lines.length - rows)),
    // One column past the line's end holds the cursor when it is there.
    left: clamp(window.left, buffer.col, columns),
  };
}

export function gutterWidth(buffer: TextBuffer): number {
  return String(buffer.lines.length).length + 1;
}

export interface JsonEditorProps {
  readonly buffer: TextBuffer;
  readonly window: EditorWindow;
  readonly rows: number;
  readonly width: number;
  /** Where the JSON error is (0-based), to mark it. */
  readonly error: { readonly row: number; readonly col: number } | undefined;
  /** Draw the cursor (not while a list or prompt has the keys). */
  readonly focused: boolean;
}

export function JsonEditor({ buffer, window, rows, width, error, focused }: JsonEditorProps) {
  const theme = useTheme();
  const gutter = gutterWidth(buffer);
  const columns = Math.max(1, width - gutter);
  return (
    <Box flexDirection="column" width={width} height={rows}>
      {Array.from({ length: rows }, (_, i) => {
        const row = window.top + i;
        const line = buffer.lines[row];
        if (line === undefined) {
          return (
            <Text key={row} color={color(theme.ui.dim)}>
              {'~'.padStart(gutter - 1)}
            </Text>
          );
        }
        const visible = line.slice(window.left, window.left + columns);
        // Marks inside the visible part: the cursor, the error (which may sit just past the end).
        const marks = new Map<number, 'cursor' | 'error'>();
        if (error?.row === row) marks.set(error.col - window.left, 'error');
        if (focused && buffer.row === row) marks.set(buffer.col - window.left, 'cursor');
        const cells = [...marks.keys()]
          .filter((at) => at >= 0 && at < columns)
          .sort((a, b) => a - b);
        const pieces: ReactNode[] = [];
        let at = 0;
        for (const cell of cells) {
          pieces.push(visible.slice(at, cell));
          const char = visible[cell] ?? ' ';
          pieces.push(
            marks.get(cell) === 'cursor' ? (
              <Text key={cell} inverse>
                {char}
              </Text>
            ) : (
              <Text key={cell} color={color(theme.status.error)} underline>
                {char === ' ' ? '_' : char}
              </Text>
            ),
          );
          at = cell + 1;
        }
        pieces.push(visible.slice(at));
        return (
          <Text key={row} wrap="truncate">
            <Text color={color(row === buffer.row ? theme.ui.accent : theme.ui.dim)}>
              {fitText(String(row + 1), gutter - 1, 'right')}{' '}
            </Text>
            {pieces}
          </Text>
        );
      })}
    </Box>
  );
}
