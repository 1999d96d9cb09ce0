// The app ends when its terminal goes away. Apps left by interrupted runs were seen spinning
// for hours once their pseudo-terminal was gone: every write failed with EIO, and the crash
// handler's own message failed again, forever. Here the built binary runs in tmux with a local
// cloud of its own (AWS not configured: the app starts one, on a free port), and its terminal
// is taken away as it happens: the tmux server killed with SIGKILL while the app sits in a
// session of its own (no SIGHUP reaches it: reads and writes just fail), and the pane's shell
// killed with SIGKILL while the app is in the terminal's session (SIGHUP, then a dead terminal).
// Either way the process must be gone soon after, having closed its session first: the local
// cloud it started stopped (its port closed, its registry stopped and forgotten), and its exit
// code that of a hangup.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { repoRoot } from '../../support/paths.js';
import { isRunning } from '../../support/process-running.js';
import { appEnvironment } from './app-screen.js';
import { hasTmux, Tmux } from './tmux.js';

/** How long the process may take to go: its session closes (the local cloud stops) first. */
const GONE_WITHIN_MS = 60_000;
/** The exit code of a process whose terminal hung up (128 + SIGHUP). */
const HUNG_UP = 129;

let root: string;
const drivers: Tmux[] = [];
const started: number[] = [];

beforeAll(() => {
  if (!hasTmux()) {
    throw new Error(
      'tmux is not installed: run `bash scripts/provision.sh` as root (it installs it).',
    );
  }
  root = mkdtempSync(path.join(os.tmpdir(), 'lambdash-gone-e2e-'));
});

afterAll(() => {
  for (const driver of drivers) driver.stop();
  // A failed run must not leave a spinning app behind: ours, by the pid we found.
  for (const pid of started) {
    if (isRunning(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lambdash.js')) {
      process.kill(pid, 'SIGKILL');
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Running {
  readonly tmux: Tmux;
  /** The tmux server's pid, and the app's. */
  readonly server: number;
  readonly app: number;
  /** The shell tmux runs in the pane (the app's grandparent). */
  readonly shell: number;
  /** The local cloud the app started: its port, and its registry's pid and record. */
  readonly port: number;
  readonly registry: number;
  readonly registryRecord: string;
  /** Where the app's exit code is written once it has ended. */
  readonly exitCodeFile: string;
}

/** The one child of `pid`. */
function onlyChild(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  expect(children).toHaveLength(1);
  return children[0]!;
}

/** The app in tmux, connected to the local cloud it started; `ownSession` puts it out of the terminal's session. */
async function startApp(label: string, ownSession: boolean): Promise<Running> {
  const home = path.join(root, label, 'home');
  const project = path.join(root, label, 'project');
  mkdirSync(path.join(home, 'config'), { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(home, 'config', 'settings.json'), '{}');
  const port = await freePort();
  const exitCodeFile = path.join(root, label, 'exit-code');
  const app = `${process.execPath} ${path.join(repoRoot, 'bin', 'lambdash.js')}`;
  // setsid -w: a session of its own, so the terminal's hangup sends it no SIGHUP.
  const run = ownSession ? `setsid -w ${app}` : app;
  const tmux = new Tmux({
    columns: 100,
    rows: 30,
    cwd: project,
    // A shell between the pane's and the app outlives the terminal (it ignores the hangup;
    // node resets that for itself as it starts) to write down how the app ended.
    command: `sh -c 'trap "" HUP; ${run}; echo $? > ${exitCodeFile}'`,
    env: { ...appEnvironment(home), LAMBDASH_CLOUD_PORT: String(port) },
  });
  drivers.push(tmux);
  tmux.start();
  // Connected to the local cloud it started: closing the session has that cloud to stop.
  await tmux.waitFor(`local cloud 127.0.0.1:${port} (started by the app)`, { timeoutMs: 90_000 });
  const [server, shell] = execFileSync(
    'tmux',
    ['-L', tmux.socket, 'display-message', '-p', '-t', 'app', '#{pid} #{pane_pid}'],
    { encoding: 'utf8' },
  )
    .trim()
    .split(' ')
    .map(Number) as [number, number];
  const pid = onlyChild(onlyChild(shell));
  expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('lambdash.js');
  started.push(pid);
  const registryRecord = path.join(home, 'data', 'lambdash', 'localcloud', 'registry.pid');
  const registry = (JSON.parse(readFileSync(registryRecord, 'utf8')) as { pid: number }).pid;
  expect(isRunning(registry)).toBe(true);
  return { tmux, server, app: pid, shell, port, registry, registryRecord, exitCodeFile };
}

/** How the terminal is taken away, and from an app in which session. */
const CASES = [
  {
    how: 'the terminal vanishes without a SIGHUP (tmux server killed)',
    ownSession: true,
    killed: (running: Running) => running.server,
  },
  {
    how: "the pane's shell is killed (SIGHUP, then a dead terminal)",
    ownSession: false,
    killed: (running: Running) => running.shell,
  },
];

describe('the app whose terminal goes away', () => {
  it.each(CASES)('ends when $how', async ({ ownSession, killed }) => {
    const running = await startApp(ownSession ? 'no-hangup' : 'hangup', ownSession);
    process.kill(killed(running), 'SIGKILL');
    await expect
      .poll(() => isRunning(running.app), { timeout: GONE_WITHIN_MS, interval: 250 })
      .toBe(false);
    // It closed its session before it went: the local cloud stopped as on a quit. A process
    // that died mid-close leaves the registry recorded (its registry dies with it all the same).
    await expect(fetch(`http://127.0.0.1:${running.port}/`, { method: 'POST' })).rejects.toThrow(
      /fetch failed/,
    );
    expect(isRunning(running.registry)).toBe(false);
    expect(existsSync(running.registryRecord)).toBe(false);
    await expect
      .poll(() => existsSync(running.exitCodeFile), { timeout: GONE_WITHIN_MS, interval: 250 })
      .toBe(true);
    expect(readFileSync(running.exitCodeFile, 'utf8').trim()).toBe(String(HUNG_UP));
  });
});
