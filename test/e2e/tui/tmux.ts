// Drives a program in tmux as a person would: a terminal of a given size, keys sent one at a
// time, and the screen read back (capture-pane) until it shows what a step waits for. Each
// driver has a tmux server of its own (its own socket), so nothing touches the user's tmux.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deleteLocalImage } from '../../../src/core/images/local-image-delete.js';
import { getAllLocalImages } from '../../../src/core/images/local-image-queries.js';

export interface TmuxOptions {
  readonly columns: number;
  readonly rows: number;
  readonly cwd: string;
  /** The command line, run by the shell; its environment is exactly `env`. */
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface Screen {
  readonly lines: string[];
  readonly text: string;
}

export class Tmux {
  readonly socket = `lambdash-e2e-${process.pid}-${randomBytes(3).toString('hex')}`;
  private started = false;

  constructor(private readonly options: TmuxOptions) {}

  private tmux(...args: string[]): string {
    // -u: UTF-8 whatever the locale says (the app draws ●, │, █).
    return execFileSync('tmux', ['-u', '-L', this.socket, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
  }

  start(): void {
    const { columns, rows, cwd, command, env } = this.options;
    const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
    // After the program ends, say how (the screen it restored stays readable), then wait.
    const line = `env -i ${assignments.join(' ')} ${command}; echo "EXITED $?"; sleep 3600`;
    this.tmux(
      'new-session',
      '-d',
      '-s',
      'app',
      '-x',
      String(columns),
      '-y',
      String(rows),
      '-c',
      cwd,
      line,
    );
    this.started = true;
  }

  /** The screen as text; `escapes` keeps colours and attributes (to see what is inverted). */
  screen(escapes = false): Screen {
    const text = this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'app');
    const lines = text.replace(/\n$/, '').split('\n');
    while (lines.length < this.options.rows) lines.push('');
    return { lines, text };
  }

  /** Sends keys by tmux's names (Enter, Escape, C-s, BSpace, Up), one at a time. */
  async keys(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.tmux('send-keys', '-t', 'app', key);
      await pause(60);
    }
  }

  /** Types text literally, as one paste. */
  async type(text: string): Promise<void> {
    this.tmux('send-keys', '-t', 'app', '-l', text);
    await pause(60);
  }

  /** Sends keys by tmux's names in one call, without a pause between them (a burst). */
  burst(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'app', ...keys);
  }

  /** Pastes text as a terminal pastes it: tmux's paste buffer, written to the app at once. */
  paste(text: string): void {
    this.tmux('set-buffer', '-b', 'e2e-paste', '--', text);
    this.tmux('paste-buffer', '-d', '-b', 'e2e-paste', '-t', 'app');
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'app', '-x', String(columns), '-y', String(rows));
  }

  /**
   * Waits until the screen matches (a string it contains, a pattern, or a check), and returns
   * it; on timeout, fails with the last screen, so the failure shows what was there instead.
   */
  async waitFor(
    expected: string | RegExp | ((screen: Screen) => boolean),
    options: { timeoutMs?: number; escapes?: boolean; failOn?: RegExp } = {},
  ): Promise<Screen> {
    // An error toast ends the wait at once (it would fade before the timeout).
    const failOn = options.failOn ?? /✖ .*/;
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    const matches = (screen: Screen) =>
      typeof expected === 'string'
        ? screen.text.includes(expected)
        : expected instanceof RegExp
          ? expected.test(screen.text)
          : expected(screen);
    let screen = this.screen(options.escapes);
    while (!matches(screen)) {
      const failure = failOn.exec(screen.text);
      if (failure) {
        throw new Error(
          `Waiting for ${String(expected)}, the screen said: ${failure[0]}\n${screen.text}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(`The screen never showed ${String(expected)}. It shows:\n${screen.text}`);
      }
      await pause(100);
      screen = this.screen(options.escapes);
    }
    return screen;
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Whether tmux is installed (scripts/provision.sh installs it). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the local images lambdash made under these names, whatever tags they carry (a pushed
 * image keeps its registry tag): what a failed run left behind.
 */
export async function removeImagesOf(names: readonly string[]): Promise<void> {
  const wanted = new Set(names);
  for (const image of await getAllLocalImages()) {
    if (wanted.has(image.name) || (image.responder && wanted.has(image.responder.name))) {
      await deleteLocalImage(image, { force: true }).catch(() => undefined);
    }
  }
}
