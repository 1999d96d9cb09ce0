// Log groups in memory: each group's streams, their events in (timestamp, sequence) order, and
// the bytes they take as AWS counts them (message bytes + 26 per event).
import type { StoredLogGroup, StoredLogStream } from './log-store.js';

const EVENT_OVERHEAD = 26;

export interface Stream extends StoredLogStream {
  bytes: number;
}

export interface Group {
  name: string;
  creationTime: number;
  tags?: Record<string, string>;
  streams: Map<string, Stream>;
  bytes: number;
}

export function newGroup(name: string): Group {
  return { name, creationTime: Date.now(), streams: new Map(), bytes: 0 };
}

export function newStream(name: string): Stream {
  return { name, creationTime: Date.now(), uploads: 0, events: [], bytes: 0 };
}

export function toStored(group: Group): StoredLogGroup {
  return {
    name: group.name,
    creationTime: group.creationTime,
    tags: group.tags,
    streams: [...group.streams.values()].map((s) => ({
      name: s.name,
      creationTime: s.creationTime,
      firstEventTimestamp: s.firstEventTimestamp,
      lastEventTimestamp: s.lastEventTimestamp,
      lastIngestionTime: s.lastIngestionTime,
      uploads: s.uploads,
      events: s.events,
    })),
  };
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]`, or a plain name. */
export function groupNameOfIdentifier(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return match ? match[1] : identifier;
}

export function eventBytes(message: string): number {
  return Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD;
}
