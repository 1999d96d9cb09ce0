// What the end-to-end tests of the terminal app read on its screen and give it to run: the
// environment it starts in, the table's row of a responder, the selected (highlighted) row, and
// the toast lines.
import path from 'node:path';
import type { Screen } from './tmux.js';

/**
 * The app's environment: a home of its own, the test machine's engine, a terminal. With `ci`,
 * CI is set as CI machines and dev containers set it: on a terminal, the app draws all the same,
 * colours and the selected row's inverse video included.
 */
export function appEnvironment(
  home: string,
  options: { ci?: boolean } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LAMBDASH_CONFIG_DIR: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ...((options.ci ?? true) ? { CI: 'true' } : {}),
  };
  // The engine the tests use.
  for (const name of ['DOCKER_HOST', 'DOCKER_API_VERSION', 'XDG_CACHE_HOME']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

const STATE_MARK = '[●▲✗◆·]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The table's lines of the responder (its own rows, not its older chains' `└` rows). */
export function rowsOf(screen: Screen, name: string): string[] {
  const pattern = new RegExp(`^${STATE_MARK} ${escapeRegExp(name)} `);
  return screen.lines.map(plain).filter((line) => pattern.test(line));
}

/** The responder's older chains, shown under its row. */
export function olderRowsOf(screen: Screen, name: string): string[] {
  const pattern = new RegExp(`^ └ ${STATE_MARK} ${escapeRegExp(name)} `);
  return screen.lines.map(plain).filter((line) => pattern.test(line));
}

/** The line of the table that shows the responder; fails when there is none. */
export function rowOf(screen: Screen, name: string): string {
  const line = rowsOf(screen, name)[0];
  if (!line) throw new Error(`No row for ${name} on the screen:\n${screen.text}`);
  return line;
}

/** The responder's row, or '' when the screen has none (for waits). */
export function rowOrNone(screen: Screen, name: string): string {
  return rowsOf(screen, name)[0] ?? '';
}

/** The local image id a row shows (the first 12-hex id after the name). */
export function localImageIdOf(row: string): string | undefined {
  return /^\S+ \S+ +([0-9a-f]{12}) /.exec(row)?.[1];
}

// SGR parameters that paint a background: inverse (7), a basic or bright background colour,
// or a 256-colour / true-colour one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC
const BACKGROUND = /\x1b\[(?:[0-9;]*;)?(?:7|4[0-7]|10[0-7]|48;[0-9;]+)(?:;[0-9;]*)?m/;

/**
 * The plain text of the table row drawn highlighted (the cursor), from a screen captured with
 * escapes; undefined when no row is.
 */
export function selectedRow(screen: Screen): string | undefined {
  const line = screen.lines.find(
    (candidate) =>
      BACKGROUND.test(candidate) && new RegExp(`^${STATE_MARK} | └ `).test(plain(candidate)),
  );
  return line === undefined ? undefined : plain(line);
}

/** A line without its colours and attributes. */
export function plain(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC
  return line.replace(/\x1b\[[0-9;:]*m/g, '');
}

/** The toast lines of that level (`✔` success, `✖` error...). */
export function toastLines(screen: Screen, mark: '✔' | '✖' | 'ℹ' | '⚠'): string[] {
  return screen.lines.map(plain).filter((line) => line.startsWith(`${mark} `));
}
