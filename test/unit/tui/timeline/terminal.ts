// Driving an ink component like a user: keys in, frames out. ink-testing-library's terminal is
// 100 columns wide; renderAt widens it (and tells ink, as a terminal resize would) so wider
// layouts are not squeezed by the root.

import { render } from 'ink-testing-library';
import { createElement, type ReactElement } from 'react';
import { vi } from 'vitest';
import { KeyboardProvider } from '../../../../src/tui/keyboard.js';

export type App = ReturnType<typeof render>;

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  home: '\u001b[H',
  end: '\u001b[F',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  escape: '\u001b',
  enter: '\r',
  backspace: '\u007f',
  tab: '\t',
  ctrl: (letter: string) => String.fromCharCode(letter.toLowerCase().charCodeAt(0) - 96),
} as const;

/** The element under the app's keyboard (the one reader of stdin), as run-app renders it. */
export function withKeyboard(element: ReactElement): ReactElement {
  return createElement(KeyboardProvider, null, element);
}

export async function renderAt(tree: ReactElement, columns = 100): Promise<App> {
  const rendered = render(withKeyboard(tree));
  const app: App = { ...rendered, rerender: (next) => rendered.rerender(withKeyboard(next)) };
  if (columns !== 100) {
    Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
    app.stdout.emit('resize');
  }
  await settle();
  return app;
}

/** Lets ink attach its input listener, read the keys and render (pending Esc included). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Types each key as its own chunk, as a person would, settling after each. */
export async function press(app: App, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await settle();
  }
}

/** Waits (up to 5 s) for a frame that passes the check, and returns it. */
export async function waitForFrame(app: App, check: (frame: string) => boolean): Promise<string> {
  return vi.waitFor(
    () => {
      const frame = app.lastFrame() ?? '';
      if (!check(frame)) throw new Error(`No frame passed the check; the last one:\n${frame}`);
      return frame;
    },
    { timeout: 5000, interval: 10 },
  );
}

export function frameLines(app: App): string[] {
  return (app.lastFrame() ?? '').split('\n');
}
