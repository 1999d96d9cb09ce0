// Durable state for the local cloud: one JSON file per collection, read once at start and
// rewritten whole on every change. A change is written to a temporary file in the same folder,
// flushed to disk, then renamed over the old file and the folder flushed, so a crash at any
// point leaves either the old state or the new one on disk, never a mix or a torn file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `$XDG_DATA_HOME/lambdash/localcloud`, else `~/.local/share/lambdash/localcloud`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'lambdash', 'localcloud');
}

const COLLECTION_NAME = /^[A-Za-z0-9][\w.-]*$/;
const FORMAT_VERSION = 1;

interface StoreFile<T> {
  version: number;
  /** Pairs rather than an object: keeps insertion order even for keys that look like numbers. */
  entries: [string, T][];
}

/**
 * One collection of JSON values by key. Reads are synchronous from memory; every change
 * resolves once the new state is durable on disk. Values are stored by reference: treat them as
 * immutable and `set` a new value to change one.
 */
export class Store<T> {
  readonly #items: Map<string, T>;
  /** The write that has not started yet: later changes join it instead of queueing another. */
  #pending: Promise<void> | undefined;
  /** The tail of the write chain, which never rejects, so writes never overlap. */
  #tail: Promise<void> = Promise.resolve();

  private constructor(
    /** The collection's file. */
    readonly file: string,
    items: Map<string, T>,
  ) {
    this.#items = items;
  }

  /** Loads `<dataDir>/<name>.json` (empty when absent), removing temp files a crash left. */
  static async open<T>(dataDir: string, name: string): Promise<Store<T>> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Invalid store collection name: ${name}`);
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, `${name}.json`);
    // A temp file is only ever complete once renamed; whatever is left was never committed.
    const prefix = `${name}.json.tmp-`;
    for (const entry of await readdir(dataDir)) {
      if (entry.startsWith(prefix)) await rm(path.join(dataDir, entry), { force: true });
    }
    return new Store<T>(file, await readItems<T>(file));
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** In insertion order (a replaced value keeps its place). */
  values(): T[] {
    return [...this.#items.values()];
  }

  entries(): [string, T][] {
    return [...this.#items.entries()];
  }

  set(key: string, value: T): Promise<void> {
    this.#items.set(key, value);
    return this.#persist();
  }

  /** Several changes, written once. */
  setMany(entries: Iterable<readonly [string, T]>): Promise<void> {
    for (const [key, value] of entries) this.#items.set(key, value);
    return this.#persist();
  }

  /** Resolves to whether the key was there; writes only when it was. */
  async delete(key: string): Promise<boolean> {
    if (!this.#items.delete(key)) return false;
    await this.#persist();
    return true;
  }

  clear(): Promise<void> {
    this.#items.clear();
    return this.#persist();
  }

  /** Resolves when every change made so far is on disk. */
  flush(): Promise<void> {
    return this.#pending ?? this.#tail;
  }

  #persist(): Promise<void> {
    if (this.#pending) return this.#pending;
    const write = this.#tail.then(() => {
      // From here on, changes need a write of their own: this one's snapshot is taken now.
      this.#pending = undefined;
      return writeAtomically(this.file, serialise(this.#items));
    });
    this.#pending = write;
    this.#tail = write.catch(() => undefined);
    return write;
  }
}

function serialise<T>(items: Map<string, T>): string {
  const content: StoreFile<T> = { version: FORMAT_VERSION, entries: [...items.entries()] };
  return `${JSON.stringify(content)}\n`;
}

async function readItems<T>(file: string): Promise<Map<string, T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let content: StoreFile<T>;
  try {
    content = JSON.parse(text) as StoreFile<T>;
  } catch (error) {
    // Our writes never leave a torn file, so this is someone else's edit: refuse to guess.
    throw new Error(
      `The local cloud's state file ${file} is not valid JSON; move it away to start afresh.`,
      {
        cause: error,
      },
    );
  }
  if (content?.version !== FORMAT_VERSION || !Array.isArray(content.entries)) {
    throw new Error(`The local cloud's state file ${file} has an unknown format.`);
  }
  return new Map(content.entries);
}

/** Temp file in the same folder (so rename is atomic), fsync, rename over, fsync the folder. */
export async function writeAtomically(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename itself is only durable once the folder's entry is.
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
