// One line of text input: the filter, the command line and the dialogs' prompts. Typing and
// pasting insert at the cursor (a paste arrives a character at a time, so an Enter in it
// submits what came before and the rest goes on to whoever reads keys next); ←/→, Home/End
// (Ctrl-A/Ctrl-E) move it; Backspace deletes; Ctrl-U clears; Enter submits, Esc cancels, Tab
// asks for a completion. The line scrolls to keep the cursor visible, so it never wraps.
import { Text } from 'ink';
import { type ReactNode, useState } from 'react';
import { textWidth } from './text-width.js';
import { color, useTheme } from './theme.js';
import { useKeys } from './use-keys.js';

export interface TextInputProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit?: (value: string) => void;
  readonly onCancel?: () => void;
  /** Tab: the completed value, or undefined to leave it. */
  readonly complete?: (value: string) => string | undefined;
  readonly prompt?: string;
  readonly placeholder?: string;
  readonly width: number;
  readonly isActive?: boolean;
}

export function TextInput(props: TextInputProps): ReactNode {
  const theme = useTheme();
  const { value, onChange } = props;
  const [cursor, setCursor] = useState(value.length);
  const at = Math.min(cursor, value.length);

  useKeys(
    ({ input, key }) => {
      if (key.return) return props.onSubmit?.(value);
      if (key.escape) return props.onCancel?.();
      if (key.tab) {
        const completed = props.complete?.(value);
        if (completed !== undefined) {
          onChange(completed);
          setCursor(completed.length);
        }
        return;
      }
      if (key.leftArrow) return setCursor(Math.max(0, at - 1));
      if (key.rightArrow) return setCursor(Math.min(value.length, at + 1));
      if (key.home || (key.ctrl && input === 'a')) return setCursor(0);
      if (key.end || (key.ctrl && input === 'e')) return setCursor(value.length);
      if (key.ctrl && input === 'u') {
        onChange('');
        return setCursor(0);
      }
      if (key.backspace || key.delete) {
        if (at === 0) return;
        onChange(value.slice(0, at - 1) + value.slice(at));
        return setCursor(at - 1);
      }
      if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
        return;
      }
      // Typed or pasted text (the printable characters of a paste come as one press); control
      // characters left in what ink could not parse are dropped.
      const text = [...input.replace(/[\r\n]+/g, ' ')]
        .filter((char) => char >= ' ' && char !== '\u007f')
        .join('');
      if (!text) return;
      onChange(value.slice(0, at) + text + value.slice(at));
      setCursor(at + text.length);
    },
    { isActive: props.isActive ?? true, text: 'line' },
  );

  const prompt = props.prompt ?? '';
  const room = Math.max(1, props.width - textWidth(prompt) - 1);
  // Scroll so the cursor stays in view.
  const start = Math.max(0, at - room + 1);
  const before = value.slice(start, at);
  const under = value[at] ?? ' ';
  const after = value.slice(at + 1, start + room);
  if (value === '' && props.placeholder) {
    return (
      <Text wrap="truncate-end">
        <Text color={color(theme.ui.accent)}>{prompt}</Text>
        <Text inverse> </Text>
        <Text dimColor>{props.placeholder.slice(0, room - 1)}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Text color={color(theme.ui.accent)}>{prompt}</Text>
      {before}
      <Text inverse>{under}</Text>
      {after}
    </Text>
  );
}
