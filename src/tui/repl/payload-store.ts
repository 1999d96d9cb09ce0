// The REPL's memory, per function: the payloads sent (history, newest last) and the payloads
// saved under a name. Kept with `conf` in lambdash's config folder (LAMBDASH_CONFIG_DIR when
// set, which tests use), in a file of its own (invoke-payloads.json) so that settings stay
// readable. A file that is not JSON, or entries of the wrong shape, are ignored and reported,
// never fatal; a file that cannot be read is not overwritten.
//
// Payloads may hold tokens and personal data: the file is the user's alone (0600), also when an
// older lambdash left it readable by all, and a folder made for it is too (0700).
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Conf from 'conf';

export interface SavedPayload {
  readonly name: string;
  readonly payload: string;
}

export interface PayloadStore {
  /** Oldest first. */
  history(key: string): string[];
  /** Adds a sent payload as the newest entry (an equal older entry moves up). */
  addToHistory(key: string, payload: string): void;
  saved(key: string): SavedPayload[];
  /** Saves under a name, replacing a payload saved under the same name. */
  save(key: string, name: string, payload: string): void;
  deleteSaved(key: string, name: string): void;
  /** Why the stored payloads could not be read, when they could not. */
  readonly problem: string | undefined;
}

export const HISTORY_LIMIT = 100;
const CONFIG_NAME = 'invoke-payloads';
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

interface Entry {
  history: string[];
  saved: SavedPayload[];
}

type Data = Record<string, Entry>;

/** The store in `cwd`, else LAMBDASH_CONFIG_DIR, else the user's config folder for lambdash. */
export function openPayloadStore(options: { cwd?: string } = {}): PayloadStore {
  return new ConfPayloadStore(options.cwd ?? process.env.LAMBDASH_CONFIG_DIR);
}

class ConfPayloadStore implements PayloadStore {
  problem: string | undefined;
  readonly #conf: Conf<{ functions: Data }> | undefined;
  /** What the session added while the file could not be used. */
  #memory: Data = Object.create(null);

  constructor(cwd: string | undefined) {
    try {
      // A folder we make is ours alone; one that exists (a shared LAMBDASH_CONFIG_DIR) is left as it is.
      if (cwd && !existsSync(cwd)) mkdirSync(cwd, { recursive: true, mode: FOLDER_MODE });
      const conf = new Conf<{ functions: Data }>({
        projectName: 'lambdash',
        configName: CONFIG_NAME,
        configFileMode: FILE_MODE,
        ...(cwd ? { cwd } : {}),
      });
      // A file that cannot be made private is not used (the session's memory serves).
      try {
        // The default folder is lambdash's own (conf makes it with the umask's mode).
        if (!cwd) chmodSync(dirname(conf.path), FOLDER_MODE);
        // conf writes with its mode, but a file written before keeps the one it has until then.
        if (existsSync(conf.path)) chmodSync(conf.path, FILE_MODE);
      } catch (error) {
        this.problem = `${conf.path} cannot be made private to you (${(error as Error).message}): payloads are kept for this session only.`;
        return;
      }
      this.#conf = conf;
    } catch (error) {
      const path = cwd ? join(cwd, `${CONFIG_NAME}.json`) : `lambdash's ${CONFIG_NAME}.json`;
      this.problem = unreadable(path, error);
    }
  }

  history(key: string): string[] {
    return [...this.#entry(this.#read(), key).history];
  }

  addToHistory(key: string, payload: string): void {
    this.#update(key, (entry) => {
      const history = entry.history.filter((old) => old !== payload);
      history.push(payload);
      return { ...entry, history: history.slice(-HISTORY_LIMIT) };
    });
  }

  saved(key: string): SavedPayload[] {
    return [...this.#entry(this.#read(), key).saved];
  }

  save(key: string, name: string, payload: string): void {
    this.#update(key, (entry) => ({
      ...entry,
      saved: [...entry.saved.filter((s) => s.name !== name), { name, payload }].sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    }));
  }

  deleteSaved(key: string, name: string): void {
    this.#update(key, (entry) => ({ ...entry, saved: entry.saved.filter((s) => s.name !== name) }));
  }

  #update(key: string, change: (entry: Entry) => Entry): void {
    const data = this.#read();
    const next = change(this.#entry(data, key));
    if (data === undefined || !this.#conf) {
      this.#memory[key] = next;
      return;
    }
    try {
      this.#conf.set('functions', { ...data, [key]: next });
    } catch (error) {
      this.problem = `Payloads cannot be saved: ${(error as Error).message}`;
      this.#memory[key] = next;
    }
  }

  /** The stored data, or undefined when the file cannot be read (then the session's memory serves). */
  #read(): Data | undefined {
    if (!this.#conf) return undefined;
    let raw: unknown;
    try {
      raw = this.#conf.get('functions');
    } catch (error) {
      this.problem = unreadable(this.#conf.path, error);
      return undefined;
    }
    const data: Data = Object.create(null);
    if (raw === undefined) return data;
    if (!isRecord(raw)) {
      this.problem = `${this.#conf.path}: "functions" is not an object; ignored.`;
      return data;
    }
    for (const [key, value] of Object.entries(raw)) {
      const entry = toEntry(value);
      if (entry) data[key] = entry;
      else this.problem = `${this.#conf.path}: the entry for "${key}" is malformed; ignored.`;
    }
    return data;
  }

  #entry(data: Data | undefined, key: string): Entry {
    const found = Object.hasOwn(this.#memory, key)
      ? this.#memory[key]
      : data && Object.hasOwn(data, key)
        ? data[key]
        : undefined;
    return found ?? { history: [], saved: [] };
  }
}

function unreadable(path: string, error: unknown): string {
  return `${path} cannot be read (${(error as Error).message}): fix or delete it to keep payloads.`;
}

function toEntry(value: unknown): Entry | undefined {
  if (!isRecord(value)) return undefined;
  const history = Array.isArray(value.history) ? value.history : [];
  const saved = Array.isArray(value.saved) ? value.saved : [];
  return {
    history: history.filter((item): item is string => typeof item === 'string'),
    saved: saved.filter(
      (item): item is SavedPayload =>
        isRecord(item) && typeof item.name === 'string' && typeof item.payload === 'string',
    ),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
