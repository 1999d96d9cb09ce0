// The payload's half: a heading that says whether it is JSON (or the line:column where it stops
// being JSON) and which history entry is shown, over the editor's window on it.
import { Text } from 'ink';
import { color, useTheme } from '../theme.js';
import type { JsonCheck } from './json-check.js';
import { type EditorWindow, followCursor, gutterWidth, JsonEditor } from './json-editor.js';
import type { TextBuffer } from './text-buffer.js';

export interface EditorPaneProps {
  readonly buffer: TextBuffer;
  readonly window: EditorWindow;
  readonly check: JsonCheck;
  /** The history entry shown (0-based), undefined for the draft. */
  readonly historyAt: number | undefined;
  readonly historyLength: number;
  /** The editor's rows, below the heading. */
  readonly rows: number;
  readonly width: number;
  readonly focused: boolean;
}

export function EditorPane(props: EditorPaneProps) {
  const { buffer, check, rows, width } = props;
  const theme = useTheme();
  const columns = Math.max(1, width - gutterWidth(buffer));
  const errorAt = check.ok ? undefined : { row: check.line - 1, col: check.column - 1 };
  return (
    <>
      <Text wrap="truncate">
        <Text bold color={color(theme.ui.heading)}>
          Payload{' '}
        </Text>
        {check.ok ? (
          <Text color={color(theme.status.success)}>✓ valid JSON</Text>
        ) : (
          <Text color={color(theme.status.error)}>
            ✗ {check.line}:{check.column}
          </Text>
        )}
        <Text color={color(theme.ui.dim)}>
          {props.historyAt === undefined
            ? ''
            : `  (history ${props.historyAt + 1}/${props.historyLength})`}
        </Text>
      </Text>
      <JsonEditor
        buffer={buffer}
        window={followCursor(props.window, buffer, rows, columns)}
        rows={rows}
        width={width}
        error={errorAt}
        focused={props.focused}
      />
    </>
  );
}
