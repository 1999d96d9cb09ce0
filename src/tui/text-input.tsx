// One line of text input: the filter, the command line and the dialogs' prompts. Typing and
// pasting insert at the cursor (a paste arrives a character at a time, so an Enter in it
// submits what came before and the rest goes on to whoever reads keys next). The editing keys
// (←/→, Home/End, Backspace, Ctrl-U clears) are the `textInput` table's (view-keys.ts), as are
// Enter (submit), Esc (cancel) and Tab (completion) unless the field's owner names its own from
// its table (`addDialog.confirm`). Those keys are asked before text is inserted, which is safe
// because none can be a character: the tables refuse one for a command that runs while a field
// types (view-keys.ts), so x is always typed. The line scrolls to keep the cursor in view.
import { Text } from 'ink';
import { type ReactNode, useState } from 'react';
import { textWidth } from './text-width.js';
import { color, useTheme } from './theme.js';
import { useKeys } from './use-keys.js';
import { useViewBindings } from './use-view-keys.js';
import { viewCommandFor, viewKeysOf } from './view-keys.js';

/** The owner's keys (from its own table) for what the field does for it. */
export interface TextInputKeys {
  readonly submit?: readonly string[];
  readonly cancel?: readonly string[];
  readonly complete?: readonly string[];
  /** The owner's help (a field takes `?` as text). */
  readonly help?: readonly string[];
}

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
  readonly keys?: TextInputKeys;
  readonly onHelp?: () => void;
}

export function TextInput(props: TextInputProps): ReactNode {
  const theme = useTheme();
  const { value, onChange } = props;
  const [cursor, setCursor] = useState(value.length);
  const at = Math.min(cursor, value.length);
  const bindings = useViewBindings('textInput');
  const own = props.keys ?? {};
  const submitKeys = own.submit ?? viewKeysOf(bindings, 'textInput.submit');
  const cancelKeys = own.cancel ?? viewKeysOf(bindings, 'textInput.cancel');
  const completeKeys = own.complete ?? viewKeysOf(bindings, 'textInput.complete');

  useKeys(
    ({ input, key, name }) => {
      if (name !== undefined) {
        if (submitKeys.includes(name)) return props.onSubmit?.(value);
        if (cancelKeys.includes(name)) return props.onCancel?.();
        if (own.help?.includes(name)) return props.onHelp?.();
        if (completeKeys.includes(name)) {
          const completed = props.complete?.(value);
          if (completed !== undefined) {
            onChange(completed);
            setCursor(completed.length);
          }
          return;
        }
        switch (viewCommandFor(bindings, name)) {
          case 'textInput.left':
            return setCursor(Math.max(0, at - 1));
          case 'textInput.right':
            return setCursor(Math.min(value.length, at + 1));
          case 'textInput.home':
            return setCursor(0);
          case 'textInput.end':
            return setCursor(value.length);
          case 'textInput.clear':
            onChange('');
            return setCursor(0);
          case 'textInput.backspace':
            if (at === 0) return;
            onChange(value.slice(0, at - 1) + value.slice(at));
            return setCursor(at - 1);
        }
      }
      // Keys that are not text, with nothing to do here (Enter when the owner moved submitting).
      if (key.return || key.escape || key.tab || key.backspace || key.delete) return;
      if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
        return;
      }
      if (key.leftArrow || key.rightArrow || key.home || key.end) return;
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
