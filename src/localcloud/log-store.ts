// How the local CloudWatch Logs keeps its log groups: the stored shapes, and the default
// persistence, one durable Store collection (store.ts) per group, so a busy function never
// rewrites the others' logs.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Store } from './store.js';

export interface LogEventInput {
  readonly timestamp: number;
  readonly message: string;
}

/** A log event as stored: `[timestamp, sequence, ingestionTime, message]`. */
export type StoredLogEvent = [
  timestamp: number,
  seq: number,
  ingestionTime: number,
  message: string,
];

export interface StoredLogStream {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** PutLogEvents calls so far; the sequence token is derived from it. */
  uploads: number;
  /** In (timestamp, sequence) order. */
  events: StoredLogEvent[];
}

export interface StoredLogGroup {
  name: string;
  creationTime: number;
  tags?: Record<string, string>;
  streams: StoredLogStream[];
}

/** Where log groups are kept. Each call is for one whole group. */
export interface LogsPersistence {
  load(): Promise<StoredLogGroup[]>;
  save(group: StoredLogGroup): Promise<void>;
  remove(groupName: string): Promise<void>;
}

/**
 * The shared Store (store.ts), one collection per log group in `dir`, named by a hash of the
 * group's name (names hold `/`): key `group` holds the group, `stream:<name>` each stream.
 * A deleted group's collection is emptied, then its file removed.
 */
export function storeLogsPersistence(dir: string): LogsPersistence {
  type Entry = Omit<StoredLogGroup, 'streams'> | StoredLogStream;
  // One Store per group for the service's life, so a group deleted and created again never
  // has two writers on one file.
  const stores = new Map<string, Promise<Store<Entry>>>();
  const collectionOf = (name: string) =>
    `group-${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
  const storeOf = (name: string) => {
    let store = stores.get(name);
    if (!store) {
      store = Store.open<Entry>(dir, collectionOf(name));
      stores.set(name, store);
    }
    return store;
  };
  return {
    async load() {
      await mkdir(dir, { recursive: true });
      const groups: StoredLogGroup[] = [];
      for (const entry of (await readdir(dir)).sort()) {
        // A temp file is only committed once renamed: one left over is a write a crash cut short.
        if (/^group-[0-9a-f]+\.json\.tmp-/.test(entry))
          await rm(path.join(dir, entry), { force: true });
        if (!/^group-[0-9a-f]+\.json$/.test(entry)) continue;
        const store = await Store.open<Entry>(dir, entry.slice(0, -'.json'.length));
        const group = store.get('group') as Omit<StoredLogGroup, 'streams'> | undefined;
        // Emptied by a delete whose file removal a crash cut short.
        if (!group) {
          await rm(store.file, { force: true });
          continue;
        }
        stores.set(group.name, Promise.resolve(store));
        const streams = store
          .entries()
          .filter(([key]) => key.startsWith('stream:'))
          .map(([, value]) => value as StoredLogStream);
        groups.push({ ...group, streams });
      }
      return groups;
    },
    async save(group) {
      const store = await storeOf(group.name);
      const { streams, ...meta } = group;
      const wanted = new Map<string, Entry>([['group', meta]]);
      for (const stream of streams) wanted.set(`stream:${stream.name}`, stream);
      const gone = store.keys().filter((key) => !wanted.has(key));
      await Promise.all([...gone.map((key) => store.delete(key)), store.setMany(wanted)]);
    },
    async remove(name) {
      const store = await storeOf(name);
      await store.clear();
      await rm(store.file, { force: true });
    },
  };
}
