// How a client finds the keys of a local cloud it did not start. A running cloud leaves a note
// per port (its pid and data folder) in a folder only its user can enter; a client that reaches
// 127.0.0.1:PORT reads the note, then the data folder's credentials file (mode 0600). No
// secret is in the note, and nothing answers over the network with keys: a web page cannot
// learn them, and another user cannot read them.
import { lstatSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Credentials, readRootCredentials } from './credentials.js';
import { defaultDataDir } from './store.js';

interface Note {
  readonly pid: number;
  readonly dataDir: string;
}

/** `$XDG_RUNTIME_DIR/lambdash/clouds`, else `<tmp>/lambdash-<uid>/clouds`: per user, not per HOME. */
export function notesDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR
    ? path.join(env.XDG_RUNTIME_DIR, 'lambdash')
    : path.join(os.tmpdir(), `lambdash-${os.userInfo().uid}`);
  return path.join(base, 'clouds');
}

/** Leaves the note for the cloud on `port`; the returned function takes it back. */
export async function announceLocalCloud(
  port: number,
  dataDir: string,
): Promise<() => Promise<void>> {
  const dir = notesDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!ownedPrivately(path.dirname(dir))) return async () => undefined;
  const file = noteFile(port);
  const note: Note = { pid: process.pid, dataDir };
  await writeFile(file, `${JSON.stringify(note)}\n`, { mode: 0o600 });
  return async () => {
    // A later cloud on the same port may have written its own note since.
    if ((await readNote(file))?.pid === process.pid) await rm(file, { force: true });
  };
}

/** The keys of the local cloud whose live note names `port`: its data folder's pair. */
export async function findAnnouncedCredentials(port: number): Promise<Credentials | undefined> {
  const dir = notesDir();
  const note = ownedPrivately(path.dirname(dir)) ? await readNote(noteFile(port)) : undefined;
  if (!note || !isAlive(note.pid)) return undefined;
  return readRootCredentials(note.dataDir).catch(() => undefined);
}

/** The keys of the default data folder's cloud (one another HOME started leaves no note here). */
export async function findDefaultCredentials(): Promise<Credentials | undefined> {
  return readRootCredentials(defaultDataDir()).catch(() => undefined);
}

function noteFile(port: number): string {
  return path.join(notesDir(), `127.0.0.1-${port}.json`);
}

async function readNote(file: string): Promise<Note | undefined> {
  try {
    const note = JSON.parse(await readFile(file, 'utf8')) as Partial<Note>;
    if (typeof note.pid === 'number' && typeof note.dataDir === 'string') {
      return { pid: note.pid, dataDir: note.dataDir };
    }
  } catch {
    // No note, or a torn one: as if none.
  }
  return undefined;
}

/** A folder in a shared /tmp is trusted only when it is ours alone (not a planted link). */
function ownedPrivately(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && stats.uid === os.userInfo().uid && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Whether a process with this pid exists (ours or another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
