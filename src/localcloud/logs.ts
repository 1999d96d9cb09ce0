// CloudWatch Logs for the local cloud (JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`, signed as
// `logs`). Register it with `server.registerJson('logs', logs.service)`.
//
//   const logs = await createLogsService({ dataDir });
//   await logs.appendLogEvents('/aws/lambda/fn', '2026/01/01/[$LATEST]abc', [{ timestamp, message }]);
//   await logs.close();   // waits for pending writes
//
// Operations: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, CreateLogStream, DeleteLogStream,
// DescribeLogStreams, PutLogEvents, GetLogEvents, FilterLogEvents. Filter patterns: plain terms
// (letters, digits, `_`), "quoted phrases", %regex%, `-term` exclusions and `?term` alternatives,
// all case-sensitive substring matches; JSON and space-delimited patterns are refused clearly.
//
// Storage: every log group lives in memory (events in (timestamp, sequence) order per stream) and
// in a durable Store collection of its own (one JSON file, rewritten atomically after each
// change, so a busy function never rewrites the others' logs); a call that changes a group
// answers once the change is on disk. A group keeps at most `maxGroupBytes` of events
// (message bytes + 26 per event, as AWS counts them): past that its oldest events are dropped,
// which is this local cloud's retention policy.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ACCOUNT_ID, type JsonService, ServiceError } from './service.js';
import { Store } from './store.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328';

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

export interface LogsServiceOptions {
  /** The local cloud's data folder; logs go to `<dataDir>/logs/`. */
  readonly dataDir: string;
  readonly region?: string;
  /** Per log group; the oldest events are dropped past it. Default 8 MiB. */
  readonly maxGroupBytes?: number;
  /** Replaces the JSON files under dataDir (tests, other stores). */
  readonly persistence?: LogsPersistence;
}

export interface LogsService {
  readonly service: JsonService;
  /**
   * For the local Lambda: appends events (any order; sorted here) to a stream, creating the group
   * and the stream when needed. Resolves once they are on disk.
   */
  appendLogEvents(
    groupName: string,
    streamName: string,
    events: readonly LogEventInput[],
  ): Promise<void>;
  /** Waits for pending writes; the service must not be called afterwards. */
  close(): Promise<void>;
}

export async function createLogsService(options: LogsServiceOptions): Promise<LogsService> {
  const persistence =
    options.persistence ?? storeLogsPersistence(path.join(options.dataDir, 'logs'));
  const logs = new Logs(
    persistence,
    options.region ?? 'us-east-1',
    options.maxGroupBytes ?? 8 * 1024 * 1024,
  );
  await logs.load();
  return {
    service: { targetPrefix: LOGS_TARGET_PREFIX, call: (op, input) => logs.call(op, input) },
    appendLogEvents: (group, stream, events) => logs.append(group, stream, events),
    close: () => logs.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Limits, as the CloudWatch Logs API documents them.

const EVENT_OVERHEAD = 26;
const MAX_BATCH_BYTES = 1_048_576;
const MAX_BATCH_EVENTS = 10_000;
const MAX_RESPONSE_BYTES = 1_048_576;
const DAY = 24 * 60 * 60 * 1000;
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]+$/;

interface Stream extends StoredLogStream {
  bytes: number;
}

interface Group {
  name: string;
  creationTime: number;
  tags?: Record<string, string>;
  streams: Map<string, Stream>;
  bytes: number;
}

/** A place between events: events with a key ≥ (ts, seq) lie after it. */
interface Cursor {
  ts: number;
  seq: number;
}

const START: Cursor = { ts: -1, seq: 0 };

type Input = Record<string, unknown>;

class Logs {
  readonly #groups = new Map<string, Group>();
  readonly #writer: GroupWriter;
  #seq = 1;

  constructor(
    readonly persistence: LogsPersistence,
    readonly region: string,
    readonly maxGroupBytes: number,
  ) {
    this.#writer = new GroupWriter(async (name) => {
      const group = this.#groups.get(name);
      if (group) await persistence.save(toStored(group));
      else await persistence.remove(name);
    });
  }

  async load(): Promise<void> {
    for (const stored of await this.persistence.load()) {
      const group: Group = {
        name: stored.name,
        creationTime: stored.creationTime,
        tags: stored.tags,
        streams: new Map(),
        bytes: 0,
      };
      for (const s of stored.streams) {
        const stream: Stream = { ...s, bytes: 0 };
        for (const event of s.events) {
          stream.bytes += eventBytes(event[3]);
          if (event[1] >= this.#seq) this.#seq = event[1] + 1;
        }
        group.bytes += stream.bytes;
        group.streams.set(s.name, stream);
      }
      this.#groups.set(group.name, group);
    }
  }

  close(): Promise<void> {
    return this.#writer.idle();
  }

  async call(operation: string, input: Input): Promise<unknown> {
    switch (operation) {
      case 'CreateLogGroup':
        return this.createLogGroup(input);
      case 'DeleteLogGroup':
        return this.deleteLogGroup(input);
      case 'DescribeLogGroups':
        return this.describeLogGroups(input);
      case 'CreateLogStream':
        return this.createLogStream(input);
      case 'DeleteLogStream':
        return this.deleteLogStream(input);
      case 'DescribeLogStreams':
        return this.describeLogStreams(input);
      case 'PutLogEvents':
        return this.putLogEvents(input);
      case 'GetLogEvents':
        return this.getLogEvents(input);
      case 'FilterLogEvents':
        return this.filterLogEvents(input);
      default:
        throw new ServiceError(
          'UnknownOperationException',
          `The local CloudWatch Logs does not support the operation ${operation || '(none)'}.`,
        );
    }
  }

  async append(groupName: string, streamName: string, events: readonly LogEventInput[]) {
    validateGroupName(groupName);
    validateStreamName(streamName);
    for (const [i, event] of events.entries()) {
      if (!Number.isSafeInteger(event.timestamp) || event.timestamp < 0)
        throw new Error(`Log event ${i} has an invalid timestamp: ${event.timestamp}`);
    }
    let group = this.#groups.get(groupName);
    if (!group) {
      group = newGroup(groupName);
      this.#groups.set(groupName, group);
    }
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = newStream(streamName);
      group.streams.set(streamName, stream);
    }
    // Stable: lines with equal timestamps keep the order they were written in.
    const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
    this.#insert(group, stream, sorted, Date.now());
    await this.#writer.write(groupName);
  }

  // --- groups -------------------------------------------------------------------------------

  async createLogGroup(input: Input): Promise<unknown> {
    const name = requiredString(input, 'logGroupName');
    validateGroupName(name);
    if (name.startsWith('aws/')) throw invalid(`Log group names can't start with "aws/": ${name}`);
    const tags = optionalStringMap(input, 'tags');
    if (this.#groups.has(name))
      throw new ServiceError(
        'ResourceAlreadyExistsException',
        'The specified log group already exists',
      );
    const group = newGroup(name);
    if (tags && Object.keys(tags).length > 0) group.tags = tags;
    this.#groups.set(name, group);
    await this.#writer.write(name);
    return {};
  }

  async deleteLogGroup(input: Input): Promise<unknown> {
    const group = this.#group(input);
    this.#groups.delete(group.name);
    await this.#writer.write(group.name);
    return {};
  }

  describeLogGroups(input: Input): unknown {
    const prefix = optionalString(input, 'logGroupNamePrefix');
    const pattern = optionalString(input, 'logGroupNamePattern');
    if (prefix !== undefined && pattern !== undefined)
      throw invalid('You cannot specify both logGroupNamePrefix and logGroupNamePattern.');
    const limit = optionalInteger(input, 'limit', 1, 50) ?? 50;
    const after = decodeToken(optionalString(input, 'nextToken'), 'g') as string | undefined;
    const names = [...this.#groups.keys()]
      .filter(
        (name) =>
          (prefix === undefined || name.startsWith(prefix)) &&
          (pattern === undefined || name.includes(pattern)) &&
          (after === undefined || name > after),
      )
      .sort(byString);
    const page = names.slice(0, limit);
    return {
      logGroups: page.map((name) => {
        const group = this.#groups.get(name)!;
        const arn = this.#groupArn(name);
        return {
          logGroupName: name,
          creationTime: group.creationTime,
          metricFilterCount: 0,
          arn: `${arn}:*`,
          logGroupArn: arn,
          storedBytes: group.bytes,
          logGroupClass: 'STANDARD',
        };
      }),
      nextToken: names.length > limit ? encodeToken('g', page[page.length - 1]) : undefined,
    };
  }

  // --- streams ------------------------------------------------------------------------------

  async createLogStream(input: Input): Promise<unknown> {
    const group = this.#group(input);
    const name = requiredString(input, 'logStreamName');
    validateStreamName(name);
    if (group.streams.has(name))
      throw new ServiceError(
        'ResourceAlreadyExistsException',
        'The specified log stream already exists',
      );
    group.streams.set(name, newStream(name));
    await this.#writer.write(group.name);
    return {};
  }

  async deleteLogStream(input: Input): Promise<unknown> {
    const group = this.#group(input);
    const stream = this.#stream(group, input);
    group.streams.delete(stream.name);
    group.bytes -= stream.bytes;
    await this.#writer.write(group.name);
    return {};
  }

  describeLogStreams(input: Input): unknown {
    const group = this.#group(input);
    const prefix = optionalString(input, 'logStreamNamePrefix');
    const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
      throw invalid(
        `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
      );
    if (orderBy === 'LastEventTime' && prefix !== undefined)
      throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const descending = optionalBoolean(input, 'descending') ?? false;
    const limit = optionalInteger(input, 'limit', 1, 50) ?? 50;
    // The position is the sort key of the last stream returned: stable while streams come and go.
    const key = (s: Stream): [number, string] =>
      orderBy === 'LastEventTime' ? [s.lastEventTimestamp ?? 0, s.name] : [0, s.name];
    const compare = (a: [number, string], b: [number, string]) =>
      (a[0] - b[0] || byString(a[1], b[1])) * (descending ? -1 : 1);
    const after = decodeToken(optionalString(input, 'nextToken'), 's') as
      | [number, string]
      | undefined;
    if (after !== undefined && !(Array.isArray(after) && typeof after[0] === 'number'))
      throw badToken();
    const streams = [...group.streams.values()]
      .filter(
        (s) =>
          (prefix === undefined || s.name.startsWith(prefix)) &&
          (after === undefined || compare(key(s), after) > 0),
      )
      .sort((a, b) => compare(key(a), key(b)));
    const page = streams.slice(0, limit);
    const last = page[page.length - 1];
    return {
      logStreams: page.map((s) => ({
        logStreamName: s.name,
        creationTime: s.creationTime,
        firstEventTimestamp: s.firstEventTimestamp,
        lastEventTimestamp: s.lastEventTimestamp,
        lastIngestionTime: s.lastIngestionTime,
        uploadSequenceToken: sequenceToken(s.uploads),
        arn: `${this.#groupArn(group.name)}:log-stream:${s.name}`,
        storedBytes: s.bytes,
      })),
      nextToken: streams.length > limit && last ? encodeToken('s', key(last)) : undefined,
    };
  }

  // --- events -------------------------------------------------------------------------------

  async putLogEvents(input: Input): Promise<unknown> {
    const group = this.#group(input);
    const stream = this.#stream(group, input);
    const raw = input.logEvents;
    if (raw === undefined || raw === null)
      throw invalid(
        "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must not be null",
      );
    if (!Array.isArray(raw)) throw serialization('logEvents must be a list.');
    if (raw.length < 1 || raw.length > MAX_BATCH_EVENTS)
      throw invalid(
        `1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_EVENTS}`,
      );
    const events: LogEventInput[] = [];
    let bytes = 0;
    for (const [i, item] of raw.entries()) {
      if (typeof item !== 'object' || item === null)
        throw serialization('A log event must be an object.');
      const timestamp = requiredInteger(
        item as Input,
        'timestamp',
        `logEvents.${i + 1}.member.timestamp`,
      );
      const message = requiredString(item as Input, 'message', `logEvents.${i + 1}.member.message`);
      if (message.length === 0)
        throw invalid(
          `1 validation error detected: Value '' at 'logEvents.${i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1`,
        );
      if (i > 0 && timestamp < (events[i - 1]?.timestamp ?? 0))
        throw invalid(
          'Log events in a single PutLogEvents request must be in chronological order.',
        );
      bytes += eventBytes(message);
      events.push({ timestamp, message });
    }
    if (bytes > MAX_BATCH_BYTES)
      throw invalid(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
    const first = events[0]!.timestamp;
    const last = events[events.length - 1]!.timestamp;
    if (last - first > DAY)
      throw invalid(
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );

    // As AWS does: events over 14 days old or 2 hours ahead are skipped and reported by index.
    const now = Date.now();
    let tooOld = 0;
    while (tooOld < events.length && events[tooOld]!.timestamp < now - 14 * DAY) tooOld++;
    let tooNew = events.length;
    while (tooNew > tooOld && events[tooNew - 1]!.timestamp > now + 2 * 60 * 60 * 1000) tooNew--;
    stream.uploads++;
    this.#insert(group, stream, events.slice(tooOld, tooNew), now);
    await this.#writer.write(group.name);
    const rejected =
      tooOld > 0 || tooNew < events.length
        ? {
            tooOldLogEventEndIndex: tooOld > 0 ? tooOld : undefined,
            tooNewLogEventStartIndex: tooNew < events.length ? tooNew : undefined,
          }
        : undefined;
    return { nextSequenceToken: sequenceToken(stream.uploads), rejectedLogEventsInfo: rejected };
  }

  getLogEvents(input: Input): unknown {
    const group = this.#group(input);
    const stream = this.#stream(group, input);
    const startTime = optionalInteger(input, 'startTime', 0);
    const endTime = optionalInteger(input, 'endTime', 0);
    const limit = optionalInteger(input, 'limit', 1, 10_000) ?? 10_000;
    const startFromHead = optionalBoolean(input, 'startFromHead') ?? false;
    const token = optionalString(input, 'nextToken');
    const events = stream.events;
    // [startTime, endTime): GetLogEvents excludes events at endTime.
    const lo = startTime === undefined ? 0 : lowerBound(events, { ts: startTime, seq: 0 });
    const hi = endTime === undefined ? events.length : lowerBound(events, { ts: endTime, seq: 0 });

    let forward = startFromHead;
    let given: Cursor | undefined;
    let at: number;
    if (token !== undefined) {
      const parsed = parseStreamToken(token);
      forward = parsed.forward;
      given = parsed.cursor;
      at = Math.min(Math.max(lowerBound(events, given), lo), Math.max(lo, hi));
    } else at = forward ? lo : Math.max(lo, hi);

    let from = at;
    let to = at;
    let bytes = 0;
    if (forward) {
      while (to < hi && to - from < limit) {
        bytes += eventBytes(events[to]![3]);
        if (bytes > MAX_RESPONSE_BYTES && to > from) break;
        to++;
      }
    } else {
      while (from > lo && to - from < limit) {
        bytes += eventBytes(events[from - 1]![3]);
        if (bytes > MAX_RESPONSE_BYTES && to > from) break;
        from--;
      }
    }
    const page = events.slice(from, to);
    let forwardCursor: Cursor;
    let backwardCursor: Cursor;
    if (page.length > 0) {
      backwardCursor = keyOf(page[0]!);
      forwardCursor = after(page[page.length - 1]!);
    } else {
      // Nothing here: both tokens stay where they were, so a poller at the end keeps its place.
      forwardCursor = backwardCursor = given ?? gapAt(events, at);
    }
    return {
      events: page.map(([timestamp, , ingestionTime, message]) => ({
        timestamp,
        message,
        ingestionTime,
      })),
      nextForwardToken: streamToken(true, forwardCursor),
      nextBackwardToken: streamToken(false, backwardCursor),
    };
  }

  filterLogEvents(input: Input): unknown {
    const group = this.#group(input);
    const names = optionalStringList(input, 'logStreamNames');
    const prefix = optionalString(input, 'logStreamNamePrefix');
    if (names !== undefined && prefix !== undefined)
      throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive.');
    if (names !== undefined && (names.length < 1 || names.length > 100))
      throw invalid(
        "1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length between 1 and 100",
      );
    // [startTime, endTime]: FilterLogEvents includes events at endTime.
    const startTime = optionalInteger(input, 'startTime', 0);
    const endTime = optionalInteger(input, 'endTime', 0);
    const limit = optionalInteger(input, 'limit', 1, 10_000) ?? 10_000;
    const matches = compileFilterPattern(optionalString(input, 'filterPattern') ?? '');
    const tokenValue = decodeToken(optionalString(input, 'nextToken'), 'f');
    let from: Cursor = startTime === undefined ? START : { ts: startTime, seq: 0 };
    if (tokenValue !== undefined) {
      const [ts, seq] = tokenValue as [number, number];
      if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(seq)) throw badToken();
      if (compareKey({ ts, seq }, from) > 0) from = { ts, seq };
    }

    const streams = [...group.streams.values()].filter(
      (s) =>
        (names === undefined || names.includes(s.name)) &&
        (prefix === undefined || s.name.startsWith(prefix)),
    );
    const found: { stream: string; event: StoredLogEvent }[] = [];
    for (const stream of streams) {
      const events = stream.events;
      for (let i = lowerBound(events, from); i < events.length; i++) {
        const event = events[i]!;
        if (endTime !== undefined && event[0] > endTime) break;
        if (matches(event[3])) found.push({ stream: stream.name, event });
      }
    }
    found.sort((a, b) => a.event[0] - b.event[0] || a.event[1] - b.event[1]);
    let count = 0;
    let bytes = 0;
    while (count < found.length && count < limit) {
      bytes += eventBytes(found[count]!.event[3]);
      if (bytes > MAX_RESPONSE_BYTES && count > 0) break;
      count++;
    }
    const page = found.slice(0, count);
    const last = page[page.length - 1];
    return {
      events: page.map(({ stream, event: [timestamp, seq, ingestionTime, message] }) => ({
        logStreamName: stream,
        timestamp,
        message,
        ingestionTime,
        eventId: eventId(seq),
      })),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
      nextToken:
        count < found.length && last
          ? encodeToken('f', [last.event[0], last.event[1] + 1])
          : undefined,
    };
  }

  // --- helpers ------------------------------------------------------------------------------

  #insert(group: Group, stream: Stream, events: readonly LogEventInput[], now: number): void {
    if (events.length === 0) return;
    for (const { timestamp, message } of events) {
      const event: StoredLogEvent = [timestamp, this.#seq++, now, message];
      const list = stream.events;
      const last = list[list.length - 1];
      if (!last || last[0] <= timestamp) list.push(event);
      else list.splice(lowerBound(list, { ts: timestamp + 1, seq: 0 }), 0, event);
      const size = eventBytes(message);
      stream.bytes += size;
      group.bytes += size;
      if (stream.firstEventTimestamp === undefined || timestamp < stream.firstEventTimestamp)
        stream.firstEventTimestamp = timestamp;
      if (stream.lastEventTimestamp === undefined || timestamp > stream.lastEventTimestamp)
        stream.lastEventTimestamp = timestamp;
    }
    stream.lastIngestionTime = now;
    this.#trim(group);
  }

  /** Drops the group's oldest events (across its streams) until it fits its budget. */
  #trim(group: Group): void {
    if (group.bytes <= this.maxGroupBytes) return;
    const drop = new Map<Stream, number>();
    while (group.bytes > this.maxGroupBytes) {
      let oldest: Stream | undefined;
      let oldestKey: StoredLogEvent | undefined;
      for (const stream of group.streams.values()) {
        const head = stream.events[drop.get(stream) ?? 0];
        if (
          head &&
          (!oldestKey ||
            head[0] < oldestKey[0] ||
            (head[0] === oldestKey[0] && head[1] < oldestKey[1]))
        ) {
          oldest = stream;
          oldestKey = head;
        }
      }
      if (!oldest || !oldestKey) break;
      drop.set(oldest, (drop.get(oldest) ?? 0) + 1);
      const size = eventBytes(oldestKey[3]);
      oldest.bytes -= size;
      group.bytes -= size;
    }
    for (const [stream, count] of drop) stream.events.splice(0, count);
  }

  #group(input: Input): Group {
    const name = optionalString(input, 'logGroupName');
    const identifier = optionalString(input, 'logGroupIdentifier');
    if (name !== undefined && identifier !== undefined)
      throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    const key = name ?? groupNameOfIdentifier(identifier);
    if (key === undefined)
      throw invalid('Either logGroupName or logGroupIdentifier must be specified.');
    const group = this.#groups.get(key);
    if (!group)
      throw new ServiceError(
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    return group;
  }

  #stream(group: Group, input: Input): Stream {
    const name = requiredString(input, 'logStreamName');
    const stream = group.streams.get(name);
    if (!stream)
      throw new ServiceError(
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
    return stream;
  }

  #groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${ACCOUNT_ID}:log-group:${name}`;
  }
}

function newGroup(name: string): Group {
  return { name, creationTime: Date.now(), streams: new Map(), bytes: 0 };
}

function newStream(name: string): Stream {
  return { name, creationTime: Date.now(), uploads: 0, events: [], bytes: 0 };
}

function toStored(group: Group): StoredLogGroup {
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
function groupNameOfIdentifier(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return match ? match[1] : identifier;
}

function eventBytes(message: string): number {
  return Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD;
}

function compareKey(a: Cursor, b: Cursor): number {
  return a.ts - b.ts || a.seq - b.seq;
}

function keyOf(event: StoredLogEvent): Cursor {
  return { ts: event[0], seq: event[1] };
}

/** The place right after an event (sequences are integers, so nothing fits in between). */
function after(event: StoredLogEvent): Cursor {
  return { ts: event[0], seq: event[1] + 1 };
}

function gapAt(events: readonly StoredLogEvent[], index: number): Cursor {
  if (index < events.length) return keyOf(events[index]!);
  const last = events[events.length - 1];
  return last ? after(last) : START;
}

/** The first index whose event key is ≥ cursor. */
function lowerBound(events: readonly StoredLogEvent[], cursor: Cursor): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid]!;
    if (e[0] < cursor.ts || (e[0] === cursor.ts && e[1] < cursor.seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** AWS's shape: `f/` or `b/`, 56 digits, `/s`. Ours: 20 digits of timestamp + 1, 36 of sequence. */
function streamToken(forward: boolean, cursor: Cursor): string {
  return `${forward ? 'f' : 'b'}/${String(cursor.ts + 1).padStart(20, '0')}${String(cursor.seq).padStart(36, '0')}/s`;
}

function parseStreamToken(token: string): { forward: boolean; cursor: Cursor } {
  const match = /^([fb])\/(\d{20})(\d{36})\/s$/.exec(token);
  if (!match) throw badToken();
  const ts = Number(match[2]) - 1;
  const seq = Number(match[3]);
  if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(seq)) throw badToken();
  return { forward: match[1] === 'f', cursor: { ts, seq } };
}

function sequenceToken(uploads: number): string {
  return String(uploads).padStart(56, '0');
}

function eventId(seq: number): string {
  return String(seq).padStart(56, '0');
}

/** Opaque pagination tokens, tagged with the operation that issued them. */
function encodeToken(kind: string, value: unknown): string {
  return Buffer.from(JSON.stringify({ k: kind, v: value })).toString('base64url');
}

function decodeToken(token: string | undefined, kind: string): unknown {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      k?: unknown;
      v?: unknown;
    };
    if (parsed?.k === kind && parsed.v !== undefined) return parsed.v;
  } catch {
    // falls through to the error below
  }
  throw badToken();
}

function badToken(): ServiceError {
  return invalid('The specified nextToken is invalid.');
}

// ---------------------------------------------------------------------------------------------
// Filter patterns.

/**
 * Compiles a CloudWatch Logs filter pattern for unstructured events: space-separated terms that
 * must all appear; `"a phrase"` matches exactly; `%regex%` is a regular expression; `-term`
 * excludes events that contain it; `?term`s match when any one of them appears. Case-sensitive.
 * An empty pattern matches everything.
 */
export function compileFilterPattern(pattern: string): (message: string) => boolean {
  const required: ((m: string) => boolean)[] = [];
  const excluded: ((m: string) => boolean)[] = [];
  const optional: ((m: string) => boolean)[] = [];
  const text = pattern.trim();
  if (text.startsWith('{') || text.startsWith('['))
    throw invalid(
      `The local cloud supports term, "phrase", %regex%, -exclusion and ?alternative filter patterns, not JSON or space-delimited ones: ${pattern}`,
    );
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let list = required;
    if (text[i] === '-' || text[i] === '?') {
      list = text[i] === '-' ? excluded : optional;
      i++;
    }
    const open = text[i];
    if (open === '"' || open === '%') {
      let end = i + 1;
      let body = '';
      while (end < text.length && text[end] !== open) {
        // A backslash keeps the next character, so a phrase can hold a quote.
        if (text[end] === '\\' && open === '"' && end + 1 < text.length) end++;
        body += text[end];
        end++;
      }
      if (end >= text.length) throw invalid(`Unterminated ${open} in filter pattern: ${pattern}`);
      i = end + 1;
      if (open === '"') list.push((m) => m.includes(body));
      else {
        let regex: RegExp;
        try {
          regex = new RegExp(body);
        } catch (error) {
          throw invalid(
            `Invalid regular expression in filter pattern: ${(error as Error).message}`,
          );
        }
        list.push((m) => regex.test(m));
      }
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    const term = text.slice(i, end);
    i = end;
    // CloudWatch requires quotes around terms with other characters (request ids have dashes).
    if (!/^\w+$/.test(term))
      throw invalid(
        `Invalid character(s) in term '${term}': put terms with characters other than letters, digits and underscores in double quotes.`,
      );
    list.push((m) => m.includes(term));
  }
  return (message) =>
    required.every((test) => test(message)) &&
    !excluded.some((test) => test(message)) &&
    (optional.length === 0 || optional.some((test) => test(message)));
}

// ---------------------------------------------------------------------------------------------
// Input checks: wrong JSON types are SerializationExceptions, bad values InvalidParameterExceptions.

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message);
}

function serialization(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}

function validateGroupName(name: string): void {
  if (name.length < 1 || name.length > 512)
    throw invalid(
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must have length between 1 and 512`,
    );
  if (!GROUP_NAME.test(name))
    throw invalid(
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
}

function validateStreamName(name: string): void {
  if (name.length < 1 || name.length > 512)
    throw invalid(
      `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must have length between 1 and 512`,
    );
  if (!STREAM_NAME.test(name))
    throw invalid(
      `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
}

function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(`${key} must be a string.`);
  return value;
}

function requiredString(input: Input, key: string, where = key): string {
  const value = optionalString(input, key);
  if (value === undefined)
    throw invalid(
      `1 validation error detected: Value null at '${where}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

function optionalInteger(
  input: Input,
  key: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw serialization(`${key} must be an integer.`);
  if (value < min)
    throw invalid(
      `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  if (value > max)
    throw invalid(
      `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  return value;
}

function requiredInteger(input: Input, key: string, where: string): number {
  const value = optionalInteger(input, key, 0);
  if (value === undefined)
    throw invalid(
      `1 validation error detected: Value null at '${where}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

function optionalBoolean(input: Input, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serialization(`${key} must be a boolean.`);
  return value;
}

function optionalStringList(input: Input, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw serialization(`${key} must be a list of strings.`);
  return value as string[];
}

function optionalStringMap(input: Input, key: string): Record<string, string> | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  )
    throw serialization(`${key} must be a map of strings.`);
  return { ...(value as Record<string, string>) };
}

// ---------------------------------------------------------------------------------------------
// Persistence.

/**
 * Writes for one group never overlap, and changes made while a write runs are folded into one
 * more write; every caller resolves once a write that includes its change has finished.
 */
class GroupWriter {
  readonly #running = new Map<
    string,
    { dirty: boolean; waiters: { resolve(): void; reject(error: unknown): void }[] }
  >();
  readonly #loops = new Set<Promise<void>>();

  constructor(readonly flush: (name: string) => Promise<void>) {}

  write(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.#running.get(name);
      if (entry) {
        entry.dirty = true;
        entry.waiters.push({ resolve, reject });
        return;
      }
      const fresh = { dirty: true, waiters: [{ resolve, reject }] };
      this.#running.set(name, fresh);
      const loop = this.#loop(name, fresh).finally(() => this.#loops.delete(loop));
      this.#loops.add(loop);
    });
  }

  async idle(): Promise<void> {
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
  }

  async #loop(
    name: string,
    entry: { dirty: boolean; waiters: { resolve(): void; reject(error: unknown): void }[] },
  ): Promise<void> {
    while (entry.dirty) {
      entry.dirty = false;
      const waiters = entry.waiters.splice(0);
      try {
        await this.flush(name);
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.#running.delete(name);
  }
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
