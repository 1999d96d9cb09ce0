// The docker-registry process: spawned so that it dies with the process that started it, with
// none of the caller's environment, and recorded in the data folder so that the next start can
// stop one that outlived its parent anyway. Two registries must never serve one storage.
//
//   spawnRegistryProcess(command, configPath) → Promise<ChildProcess>
//   recordRegistry(dataDir, record) / forgetRegistry(dataDir, pid)
//   stopStaleRegistry(dataDir, configPath) → { pid, stopped } of the one it found, or undefined
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from './registry-auth.js';

/** What the data folder says about the registry serving it. */
export interface RegistryRecord {
  readonly pid: number;
  /** The binary as spawned (argv[0]), e.g. `docker-registry`. */
  readonly command: string;
  readonly configPath: string;
}

const RECORD_FILE = 'registry.pid';
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** How long a stale registry gets to stop after SIGTERM, and to vanish after SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * The registry's environment: PATH (to find the binary) and nothing else. The caller's AWS
 * keys and session tokens are none of its business, and distribution reads REGISTRY_* variables
 * as overrides of its config, which must come from our config file alone.
 */
export function registryEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH || DEFAULT_PATH };
}

/**
 * Spawns `<command> serve <configPath>`. Under util-linux's `setpriv --pdeathsig KILL` when it
 * is installed: the kernel then kills the registry when the thread that spawned it dies, even
 * by SIGKILL, where no exit handler runs (Node spawns from its main thread, so that is when the
 * process ends). setpriv execs the registry, so the pid and cmdline are the registry's own.
 */
export async function spawnRegistryProcess(
  command: string,
  configPath: string,
): Promise<ChildProcess> {
  const env = registryEnvironment();
  const setpriv = await findExecutable('setpriv', env.PATH ?? '');
  const [file, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', command, 'serve', configPath]]
    : [command, ['serve', configPath]];
  return spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The path of an executable `name` (as the shell's `command -v` finds it), or undefined. */
export async function findExecutable(
  name: string,
  searchPath: string,
): Promise<string | undefined> {
  const candidates = name.includes('/')
    ? [name]
    : searchPath
        .split(':')
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function recordRegistry(dataDir: string, record: RegistryRecord): Promise<void> {
  await writePrivateFile(path.join(dataDir, RECORD_FILE), `${JSON.stringify(record)}\n`);
}

/** Removes the record if it still names `pid` (a restarted registry has rewritten it). */
export async function forgetRegistry(dataDir: string, pid: number | undefined): Promise<void> {
  const record = await readRecord(dataDir);
  if (record && record.pid === pid) await rm(path.join(dataDir, RECORD_FILE), { force: true });
}

/**
 * Stops the registry an earlier start recorded, if it is still alive and still serving this
 * data folder's config (a pid alone may have been reused by an unrelated process): SIGTERM,
 * then SIGKILL after a grace. Says which pid it found and whether it is gone (it may not be
 * ours to signal, e.g. started by another user); undefined when there was none.
 */
export async function stopStaleRegistry(
  dataDir: string,
  configPath: string,
): Promise<{ pid: number; stopped: boolean } | undefined> {
  const record = await readRecord(dataDir);
  if (!record || record.configPath !== configPath) return undefined;
  const serving = () => servesConfig(record.pid, record.command, configPath);
  if (!(await serving())) return undefined;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(record.pid, signal);
    } catch {
      // gone meanwhile, or not ours to signal: the wait below tells
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline) {
      if (!(await serving())) return { pid: record.pid, stopped: true };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { pid: record.pid, stopped: false };
}

/**
 * Whether /proc/<pid>/cmdline is exactly `<command> serve <configPath>`. A process that has
 * exited but not been reaped (a zombie) has an empty cmdline, so it no longer counts.
 */
async function servesConfig(pid: number, command: string, configPath: string): Promise<boolean> {
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const argv = cmdline.split('\0');
  if (argv.at(-1) === '') argv.pop();
  return argv.length === 3 && argv[0] === command && argv[1] === 'serve' && argv[2] === configPath;
}

async function readRecord(dataDir: string): Promise<RegistryRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(path.join(dataDir, RECORD_FILE), 'utf8')) as Partial<
      Record<keyof RegistryRecord, unknown>
    >;
    if (
      typeof value.pid === 'number' &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.command === 'string' &&
      typeof value.configPath === 'string'
    )
      return { pid: value.pid, command: value.command, configPath: value.configPath };
  } catch {
    // no record, or not one we wrote
  }
  return undefined;
}
