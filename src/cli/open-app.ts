// `lambdash` alone in a terminal opens the app, and its first frame must come quickly: this
// path reads the few global options itself and loads the app's bundle, without the command
// line (commander, the core and the AWS SDK it imports), which the app loads after its first
// frame. Anything else, or anything it does not understand, goes to the command line.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const PROJECT_FILE = 'lambdash.json';

export interface AppOptions {
  readonly readOnly: boolean;
  readonly projectDir: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly local?: boolean;
}

/** The app's options when `argv` asks for the app in a terminal, else undefined. */
export function appOptionsOf(argv: readonly string[], terminal: boolean): AppOptions | undefined {
  if (!terminal) return undefined;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        region: { type: 'string' },
        profile: { type: 'string' },
        endpoint: { type: 'string' },
        project: { type: 'string' },
        local: { type: 'boolean' },
        'read-only': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean', short: 'v' },
      },
    }));
  } catch {
    return undefined;
  }
  const str = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const region = str('region');
  const profile = str('profile');
  const endpoint = str('endpoint');
  return {
    readOnly: values['read-only'] === true,
    projectDir: projectDirOf(str('project')),
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(values.local === true ? { local: true } : {}),
  };
}

/** The project's folder: --project, else the nearest folder upwards with a lambdash.json, else here. */
function projectDirOf(given: string | undefined): string {
  if (given) {
    const absolute = path.resolve(given);
    return path.basename(absolute) === PROJECT_FILE ? path.dirname(absolute) : absolute;
  }
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, PROJECT_FILE))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** Opens the app; resolves with its exit code. */
export async function openApp(options: AppOptions): Promise<number> {
  // The app is a bundle of its own, dist/tui/run-app.js, found from the package's folder:
  // this code may sit in dist/cli/ or in one of its chunks.
  const modulePath = pathToFileURL(path.join(packageFolder(), 'dist', 'tui', 'run-app.js')).href;
  const forced = forceTerminalColours(process.env, process.stdout.isTTY === true);
  let runApp: typeof import('../tui/run-app.js').runApp;
  try {
    ({ runApp } = (await import(modulePath)) as typeof import('../tui/run-app.js'));
  } finally {
    // The app's colour library read it as it loaded; the tools lambdash runs need not see it.
    if (forced) delete process.env.FORCE_COLOR;
  }
  const code = await runApp(options);
  if (code === HUNG_UP) hangUp();
  exitSoon(code);
  return code;
}

/** runApp's code for an app whose terminal went away (128 + SIGHUP, as a shell reports it). */
const HUNG_UP = 129;

/**
 * The terminal is gone and the app has closed its session: the process ends by the hangup's
 * own default action, now. Any other way out aborts on Node 20, whose exit restores the
 * terminal's modes and takes the failure on a hung-up terminal for a bug (SIGABRT, code 134,
 * fixed in later Node: nodejs/node#58200). run-app no longer hears SIGHUP by now; ink's
 * signal-exit still does, and raises it again once its own handlers have run.
 */
function hangUp(): void {
  process.kill(process.pid, 'SIGHUP');
}

/** How long the process may outlive the app (its session closed, or its deadline passed). */
const EXIT_GRACE_MS = 2_000;

/**
 * The app is gone: the process ends on its own once nothing is left to do, and for sure soon
 * after, should something still hold it open (a session that missed its close deadline, a
 * socket to a cloud that never answered). A process left behind by a terminal that vanished
 * would otherwise live on with nobody to quit it. The deadline on closing is runApp's alone:
 * this timer starts once runApp has returned, so it never cuts a close still within it.
 */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

/** The folder of lambdash's package.json, upwards from this module. */
function packageFolder(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'dist', 'tui'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error('lambdash: cannot find its dist/tui folder');
  }
}

/**
 * On a terminal, `CI` (set by CI jobs and dev containers) makes the app's colour library turn
 * every style off, the selected row's inverse video included, so the cursor would not show.
 * The app draws on a terminal all the same: ask for the colours the terminal has. FORCE_COLOR
 * set by the user, NO_COLOR (the app's mono theme) and TERM=dumb are left as they are.
 */
export function forceTerminalColours(env: NodeJS.ProcessEnv, terminal: boolean): boolean {
  if (!terminal || !('CI' in env) || 'FORCE_COLOR' in env || env.TERM === 'dumb') return false;
  env.FORCE_COLOR = /-256(color)?$/i.test(env.TERM ?? '') ? '2' : '1';
  return true;
}
