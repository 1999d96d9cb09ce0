// How a client finds a running local cloud's keys: the cloud leaves a note (its pid and data
// folder) in a folder only its user can enter; a note is trusted only in such a folder and only
// while its process lives. The default data folder's pair is the fallback.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Credentials, loadRootCredentials } from '../../../src/localcloud/credentials.js';
import {
  announceLocalCloud,
  findAnnouncedCredentials,
  findDefaultCredentials,
  isAlive,
  notesDir,
} from '../../../src/localcloud/discovery.js';
import { defaultDataDir } from '../../../src/localcloud/store.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

const PORT = 45_661;
const VARIABLES = ['XDG_RUNTIME_DIR', 'XDG_DATA_HOME'] as const;

/** The pid of a process that has ended (and been reaped). */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('notesDir', () => {
  it('is under XDG_RUNTIME_DIR when set, else a per-user folder in the temp folder', () => {
    expect(notesDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/lambdash/clouds');
    expect(notesDir({})).toBe(path.join(os.tmpdir(), `lambdash-${os.userInfo().uid}`, 'clouds'));
  });
});

describe('isAlive', () => {
  it('knows this process, and not one that has ended', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(endedPid())).toBe(false);
  });
});

describe('announcing and finding a local cloud', () => {
  const saved = new Map<string, string | undefined>();
  let runtimeDir = '';
  let cloudDir = '';
  let cloudKeys: Credentials;
  let defaultKeys: Credentials;

  beforeEach(async () => {
    for (const name of VARIABLES) saved.set(name, process.env[name]);
    const root = makeTempDir();
    runtimeDir = path.join(root, 'run');
    await mkdir(runtimeDir, { mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = runtimeDir;
    process.env.XDG_DATA_HOME = path.join(root, 'data');
    await mkdir(defaultDataDir(), { recursive: true });
    defaultKeys = await loadRootCredentials(defaultDataDir());
    cloudDir = path.join(root, 'cloud');
    await mkdir(cloudDir);
    cloudKeys = await loadRootCredentials(cloudDir);
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const noteFile = () => path.join(runtimeDir, 'lambdash', 'clouds', `127.0.0.1-${PORT}.json`);

  /** A note written by hand, in a notes folder made with `folderMode`. */
  async function plantNote(note: object, folderMode = 0o700): Promise<void> {
    const base = path.join(runtimeDir, 'lambdash');
    await mkdir(path.join(base, 'clouds'), { recursive: true, mode: 0o700 });
    await chmod(base, folderMode);
    await writeFile(noteFile(), JSON.stringify(note), { mode: 0o600 });
  }

  it('leaves a 0600 note in 0700 folders, naming this process and the data folder', async () => {
    const withdraw = await announceLocalCloud(PORT, cloudDir);
    expect(notesDir()).toBe(path.join(runtimeDir, 'lambdash', 'clouds'));
    expect(await mode(path.join(runtimeDir, 'lambdash'))).toBe(0o700);
    expect(await mode(notesDir())).toBe(0o700);
    expect(await mode(noteFile())).toBe(0o600);
    expect(JSON.parse(await readFile(noteFile(), 'utf8'))).toEqual({
      pid: process.pid,
      dataDir: cloudDir,
    });
    await withdraw();
  });

  it("finds the announced cloud's keys for its port, and only its port", async () => {
    const withdraw = await announceLocalCloud(PORT, cloudDir);
    expect(cloudKeys).not.toEqual(defaultKeys);
    expect(await findAnnouncedCredentials(PORT)).toEqual(cloudKeys);
    expect(await findAnnouncedCredentials(PORT + 1)).toBeUndefined();
    await withdraw();
  });

  it('withdraws the note; then only the default data folder has keys', async () => {
    const withdraw = await announceLocalCloud(PORT, cloudDir);
    await withdraw();
    expect(existsSync(noteFile())).toBe(false);
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
    expect(await findDefaultCredentials()).toEqual(defaultKeys);
    await withdraw();
  });

  it("leaves alone a note a later cloud on the same port wrote over this one's", async () => {
    const withdraw = await announceLocalCloud(PORT, cloudDir);
    const later = { pid: process.ppid, dataDir: defaultDataDir() };
    await writeFile(noteFile(), JSON.stringify(later), { mode: 0o600 });
    await withdraw();
    expect(JSON.parse(await readFile(noteFile(), 'utf8'))).toEqual(later);
    expect(await findAnnouncedCredentials(PORT)).toEqual(defaultKeys);
  });

  it("trusts a note naming another live process (another start's cloud)", async () => {
    await plantNote({ pid: process.ppid, dataDir: cloudDir });
    expect(await findAnnouncedCredentials(PORT)).toEqual(cloudKeys);
  });

  it('ignores a note naming a process that has ended', async () => {
    await plantNote({ pid: endedPid(), dataDir: cloudDir });
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
    expect(await findDefaultCredentials()).toEqual(defaultKeys);
  });

  it('ignores a torn note, or one that names no data folder', async () => {
    await plantNote({ pid: process.pid });
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
    await writeFile(noteFile(), '{"pid":', { mode: 0o600 });
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
  });

  it('finds nothing when the announced data folder holds no readable pair', async () => {
    const empty = makeTempDir();
    await plantNote({ pid: process.pid, dataDir: empty });
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
    await writeFile(path.join(empty, 'credentials.json'), 'not json', { mode: 0o600 });
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
  });

  it('does not trust a notes folder others may enter (0755), nor write a note in it', async () => {
    await plantNote({ pid: process.pid, dataDir: cloudDir }, 0o755);
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();

    const otherPort = PORT + 2;
    const withdraw = await announceLocalCloud(otherPort, cloudDir);
    expect(existsSync(path.join(notesDir(), `127.0.0.1-${otherPort}.json`))).toBe(false);
    expect(await findAnnouncedCredentials(otherPort)).toBeUndefined();
    await withdraw();
  });

  it('does not trust a notes folder that is a link, even to a private folder', async () => {
    const elsewhere = path.join(makeTempDir(), 'lambdash');
    await mkdir(path.join(elsewhere, 'clouds'), { recursive: true, mode: 0o700 });
    await writeFile(
      path.join(elsewhere, 'clouds', `127.0.0.1-${PORT}.json`),
      JSON.stringify({ pid: process.pid, dataDir: cloudDir }),
      { mode: 0o600 },
    );
    await symlink(elsewhere, path.join(runtimeDir, 'lambdash'));
    expect(await findAnnouncedCredentials(PORT)).toBeUndefined();
  });

  it('finds no default keys when the default data folder has none', async () => {
    process.env.XDG_DATA_HOME = path.join(makeTempDir(), 'empty');
    expect(await findDefaultCredentials()).toBeUndefined();
  });
});
