// Key presses one at a time. ink hands over a run of plain characters as one input (a paste,
// or keys typed faster than a frame, or while the app was busy: `jjv`, a held `j`, `/api⏎`); a
// view must see each key with the state the previous one left. The first key is handled at
// once, the rest one per render, each with the handler of that render. When a key hands the
// keyboard to another view (`/` opens the filter), the keys after it are given back to the
// input stream, so the view that now has the keyboard reads them.
import { type Key, useInput, useStdin } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { keyNameOf } from './key-table.js';

export interface KeyPress {
  /** The key table's name for it (`j`, `enter`, `ctrl+f`), if it has one. */
  readonly name: string | undefined;
  readonly input: string;
  readonly key: Key;
  /** The characters the terminal sent for it (for a key split out of a run). */
  readonly raw?: string;
}

/** No key flag set: a plain character. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One press per character of a plain run; anything else is one press as ink reported it. */
export function splitPresses(input: string, key: Key): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || input.includes('\u001B')) {
    return [{ name: keyNameOf(input, key), input, key }];
  }
  return chars.map((char): KeyPress => {
    const code = char.codePointAt(0)!;
    const press = (name: string | undefined, input: string, key: Partial<Key>): KeyPress => ({
      name,
      input,
      key: { ...NO_KEY, ...key },
      raw: char,
    });
    if (char === '\r' || char === '\n') return press('enter', '', { return: true });
    if (char === '\t') return press('tab', '', { tab: true });
    if (char === '\u007F' || char === '\b') return press('backspace', '', { backspace: true });
    if (code < 0x20) {
      const letter = String.fromCharCode(code + 96);
      return press(`ctrl+${letter}`, letter, { ctrl: true });
    }
    const shift = char !== char.toLowerCase();
    return press(keyNameOf(char, { ...NO_KEY, shift }), char, { shift });
  });
}

export function useKeys(
  handler: (press: KeyPress) => void,
  options: { isActive?: boolean } = {},
): void {
  const active = options.isActive ?? true;
  const latest = useRef(handler);
  latest.current = handler;
  const queue = useRef<KeyPress[]>([]);
  const [turn, setTurn] = useState(0);
  const { stdin } = useStdin();

  useInput(
    (input, key) => {
      const presses = splitPresses(input, key);
      // Keys still waiting go first: these come after them.
      const first = queue.current.length === 0 ? presses.shift() : undefined;
      queue.current.push(...presses);
      if (first) latest.current(first);
      if (queue.current.length) setTurn((n) => n + 1);
    },
    { isActive: active },
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per turn
  useEffect(() => {
    if (!active) {
      const rest = queue.current.map((press) => press.raw ?? '').join('');
      queue.current = [];
      if (rest) giveBack(stdin, rest);
      return;
    }
    const next = queue.current.shift();
    if (!next) return;
    latest.current(next);
    setTurn((n) => n + 1);
  }, [turn, active]);
}

/** Puts keys back at the front of the input, for whoever reads it next. */
function giveBack(stdin: NodeJS.ReadStream, text: string): void {
  if (typeof stdin.unshift !== 'function') return;
  stdin.unshift(text);
  stdin.emit('readable');
}
