// `lambdash` in a terminal: the app on the alternate screen buffer, so the shell's screen comes
// back as it was when the app ends: on quit, on Ctrl-C, on SIGTERM/SIGHUP, and on a crash (an
// uncaught error restores the screen before its message is printed). When the terminal goes
// away (a closed window, a killed tmux: its streams end or fail, with or without SIGHUP), the
// app ends without writing to it. Resolves with the exit code once the app is gone, the session
// closed or its deadline passed (rejects with the close's error, on a terminal still there);
// process.exit is left to the caller.
import { render } from 'ink';
import { App } from './app.js';
import { deferServices } from './deferred-services.js';
import { KeyboardProvider } from './keyboard.js';
import { preloadViews } from './mounted-views.js';
import type { SessionOptions } from './session.js';
import { openSettings, type Settings } from './settings.js';
import { watchTerminal } from './terminal-watch.js';

export interface RunAppOptions {
  readonly readOnly?: boolean;
  readonly projectDir?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly local?: boolean;
}

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';
/** How long closing the session (containers stopped, the local cloud stopped) may take. */
const CLOSE_DEADLINE_MS = 10_000;
/** The exit code of a process whose terminal hung up (128 + SIGHUP), as a shell reports it. */
const HUNG_UP = 129;

/** What the flags replace in the settings, as the settings panel says it. */
function sessionOverrides(options: SessionOptions): Partial<Record<keyof Settings, string>> {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.local ? { local: 'true' } : {}),
  };
}

export async function runApp(options: RunAppOptions = {}): Promise<number> {
  const { stdin, stdout, stderr } = process;
  if (!stdin.isTTY || !stdout.isTTY) {
    stderr.write(
      'lambdash: the terminal app needs a terminal; see `lambdash --help` for the commands.\n',
    );
    return 2;
  }
  const sessionOptions: SessionOptions = {
    projectDir: options.projectDir ?? process.cwd(),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.local ? { local: true } : {}),
  };

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const terminal = watchTerminal(
    { stdin, stdout, stderr },
    { onGone: () => finish(HUNG_UP), onError: (error) => onCrash(error) },
  );
  let restored = false;
  const restore = () => {
    if (restored || terminal.gone) return;
    restored = true;
    stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  stdout.write(ENTER_ALTERNATE_SCREEN);

  // A warning printed on stderr would land in the middle of the app's screen.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The first frame needs the settings only; the core loads behind it.
  const settings = openSettings();
  const session = deferServices(settings, async () => {
    const { createSession } = await import('./session.js');
    return createSession({ ...sessionOptions, settings });
  });
  void session.loaded.then(() => preloadViews()).catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals) => {
    // A hangup is the terminal gone: the app ends without writing to it, its last frame and the
    // screen's restore included (they would fail, later, with EIO).
    if (signal === 'SIGHUP') terminal.hangUp();
    finish(signal === 'SIGHUP' ? HUNG_UP : 143);
  };
  let crashed = false;
  const onCrash = (error: unknown) => {
    // The first crash ends the app; what fails while it ends is part of the same crash.
    if (crashed) return;
    crashed = true;
    finish(terminal.gone ? HUNG_UP : 70);
    unmount();
    restore();
    if (terminal.gone) return;
    stderr.write(
      `lambdash crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', restore);

  const instance = render(
    <KeyboardProvider>
      <App
        services={session}
        readOnly={options.readOnly ?? false}
        projectDir={sessionOptions.projectDir}
        overrides={sessionOverrides(sessionOptions)}
        onExit={(code) => finish(code)}
      />
    </KeyboardProvider>,
    { stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: true },
  );
  // ink ends on its own too (an error thrown while rendering): that is a crash.
  instance.waitUntilExit().then(
    () => finish(0),
    (error: unknown) => onCrash(error),
  );

  function unmount() {
    try {
      instance.unmount();
      instance.cleanup();
    } catch (error) {
      // ink's last frame and raw mode off fail on a terminal that is gone; that is expected.
      if (!terminal.gone) throw error;
    }
  }

  const code = await finished;
  try {
    unmount();
  } finally {
    restore();
    terminal.stop();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', restore);
  }
  // The signals stay heard while the session closes: a hangup then (the window closed right
  // after quitting) or a SIGTERM would otherwise kill the process mid-close, leaving the local
  // cloud it started half-stopped. The close is bounded by its deadline all the same.
  let closed: { readonly error: unknown } | undefined;
  try {
    closed = await closeWithin(session.close(), CLOSE_DEADLINE_MS);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
  // A failed close surfaces as it always did, on the restored screen. With the terminal gone
  // there is nowhere to print it, and the app keeps no log: it is dropped.
  if (closed && !terminal.gone) throw closed.error;
  // A terminal that went while the session closed ends the process as a hangup all the same.
  return terminal.gone ? HUNG_UP : code;
}

/**
 * Waits for `closing` at most `ms`: a session that does not close must not keep the app open.
 * This is the one deadline on closing; the caller's exit timer starts only after it. Resolves
 * with the close's error, if it failed within the deadline.
 */
async function closeWithin(
  closing: Promise<void>,
  ms: number,
): Promise<{ readonly error: unknown } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([
      closing.then(
        () => undefined,
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
