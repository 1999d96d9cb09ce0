// A view's keys: `useKeys(handler, { isActive })` takes the keyboard from the views behind it
// while it is active, and gives it back when it is not (or unmounts). Presses come one at a
// time, each after React committed what the previous one changed (see keyboard.tsx), so a key
// that hands the keyboard to another view (`/` opens the filter) sends the keys after it there.
import { useLayoutEffect, useRef } from 'react';
import type { KeyPress, TextKind } from './key-press.js';
import { useKeyboard } from './keyboard.js';

export { type KeyPress, NO_KEY, splitPresses } from './key-press.js';

export interface KeysOptions {
  /** Whether it has the keyboard (default true). */
  readonly isActive?: boolean;
  /**
   * Text waiting in a row comes as one press (a paste, one render): printable characters for
   * a one-line field ('line'), line breaks and tabs too for an editor ('lines'). Only for a
   * field, where no such key hands the keyboard to another view.
   */
  readonly text?: TextKind | undefined;
}

export function useKeys(handler: (press: KeyPress) => void, options: KeysOptions = {}): void {
  const keyboard = useKeyboard();
  const active = options.isActive ?? true;
  const latest = useRef({ handler, text: options.text });
  // Layout effects: at commit, before the keyboard hands out the next press.
  useLayoutEffect(() => {
    latest.current = { handler, text: options.text };
  });
  useLayoutEffect(() => {
    if (!active) return;
    return keyboard.register({
      take: (press) => latest.current.handler(press),
      takesText: () => latest.current.text,
    });
  }, [keyboard, active]);
}
