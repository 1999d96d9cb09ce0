// One key press as the views see it. ink hands over a run of plain characters as one input (a
// paste, keys typed faster than a frame, or while the app was busy: `jjv`, a held `j`,
// `/api⏎`); a view must see each key with the state the previous one left, so a run is split
// into single presses here and the keyboard hands them out one at a time.
import type { Key } from 'ink';
import { keyNameOf } from './key-table.js';

export interface KeyPress {
  /** The key table's name for it (`j`, `enter`, `ctrl+f`), if it has one. */
  readonly name: string | undefined;
  readonly input: string;
  readonly key: Key;
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
  // A pasted line ending \r\n is one Enter, not two (the second would reach the next view).
  return [...input.replace(/\r\n/g, '\r')].map((char): KeyPress => {
    const code = char.codePointAt(0)!;
    const press = (name: string | undefined, input: string, key: Partial<Key>): KeyPress => ({
      name,
      input,
      key: { ...NO_KEY, ...key },
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

/** What a text field takes as text: a line's characters, or (an editor) line breaks and tabs too. */
export type TextKind = 'line' | 'lines';

/** Whether the press types text in a field of this kind (a space included). */
export function isText(press: KeyPress, kind: TextKind): boolean {
  const { input, key } = press;
  if (kind === 'lines' && (press.name === 'enter' || press.name === 'tab')) return !key.ctrl;
  if ([...input].length !== 1 || input < ' ' || input === '\u007F') return false;
  return !(key.ctrl || key.meta || key.return || key.tab || key.escape || key.backspace);
}

/** Text presses as one, the text they type (line breaks as \n). */
export function joinText(presses: readonly KeyPress[]): KeyPress {
  if (presses.length === 1) return presses[0]!;
  const text = presses.map((press) =>
    press.name === 'enter' ? '\n' : press.name === 'tab' ? '\t' : press.input,
  );
  return { name: undefined, input: text.join(''), key: NO_KEY };
}
