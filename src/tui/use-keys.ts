// Key presses one at a time. ink hands over a run of plain characters as one input (a paste,
// or keys typed faster than a frame: `jjv`, a held `j`); a view that moves a selection must see
// each key with the state the previous one left. The first key is handled at once, the rest
// one per render, each with the handler of that render.
import { type Key, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { keyNameOf } from './key-table.js';

export interface KeyPress {
  /** The key table's name for it (`j`, `enter`, `ctrl+f`), if it has one. */
  readonly name: string | undefined;
  readonly input: string;
  readonly key: Key;
}

const NO_KEY: Key = {
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
  return chars.map((char) => {
    const code = char.codePointAt(0)!;
    if (char === '\r' || char === '\n')
      return { name: 'enter', input: '', key: { ...NO_KEY, return: true } };
    if (char === '\t') return { name: 'tab', input: '', key: { ...NO_KEY, tab: true } };
    if (char === '\u007F' || char === '\b') {
      return { name: 'backspace', input: '', key: { ...NO_KEY, backspace: true } };
    }
    if (code < 0x20) {
      const letter = String.fromCharCode(code + 96);
      return { name: `ctrl+${letter}`, input: letter, key: { ...NO_KEY, ctrl: true } };
    }
    const shifted = char !== char.toLowerCase();
    const single = { ...NO_KEY, shift: shifted };
    return { name: keyNameOf(char, single), input: char, key: single };
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

  useInput(
    (input, key) => {
      const [first, ...rest] = splitPresses(input, key);
      queue.current.push(...rest);
      if (first) latest.current(first);
      if (rest.length) setTurn((n) => n + 1);
    },
    { isActive: active },
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per turn
  useEffect(() => {
    if (!active) {
      queue.current = [];
      return;
    }
    const next = queue.current.shift();
    if (!next) return;
    latest.current(next);
    setTurn((n) => n + 1);
  }, [turn, active]);
}
