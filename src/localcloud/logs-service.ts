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
// Storage: every log group lives in memory (events in (timestamp, sequence) order per stream,
// log-groups.ts) and in a durable Store collection of its own (log-store.ts, one JSON file
// rewritten atomically after each change); a call that changes a group answers once the change
// is on disk. A group keeps at most `maxGroupBytes` of events (message bytes + 26 per event, as
// AWS counts them): past that its oldest events are dropped, which is this local cloud's
// retention policy. Reads are in log-reads.ts, filter patterns in filter-pattern.ts, input checks
// in logs-validation.ts.
import path from 'node:path';
import { compareStrings as byString } from './compare-strings.js';
import { GroupWriter } from './group-writer.js';
import { badToken, decodeToken, encodeToken, lowerBound, sequenceToken } from './log-cursors.js';
import {
  eventBytes,
  type Group,
  groupNameOfIdentifier,
  newGroup,
  newStream,
  type Stream,
  toStored,
} from './log-groups.js';
import { filterLogEvents, getLogEvents } from './log-reads.js';
import {
  type LogEventInput,
  type LogsPersistence,
  type StoredLogEvent,
  storeLogsPersistence,
} from './log-store.js';
import {
  LOGS_VALIDATION_CODE,
  listLengthBetween,
  notNull,
  boundedInteger as optionalInteger,
  requiredInteger,
  requiredString,
  validateGroupName,
  validateStreamName,
} from './logs-validation.js';
import { ACCOUNT_ID, type JsonService, ServiceError } from './service.js';
import {
  type Input,
  invalidParameter as invalid,
  must,
  optionalBoolean,
  optionalString,
  optionalStringMap,
  serializationError as serialization,
  validationError,
  violation,
} from './validation.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328';

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

// Limits, as the CloudWatch Logs API documents them.
const MAX_BATCH_BYTES = 1_048_576;
const MAX_BATCH_EVENTS = 10_000;
const DAY = 24 * 60 * 60 * 1000;

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
      throw validationError(LOGS_VALIDATION_CODE, [
        violation('orderBy', orderBy, must.beOneOf(['LogStreamName', 'LastEventTime'])),
      ]);
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
    if (raw === undefined || raw === null) throw notNull('logEvents');
    if (!Array.isArray(raw)) throw serialization('logEvents must be a list.');
    if (raw.length < 1 || raw.length > MAX_BATCH_EVENTS)
      throw listLengthBetween('logEvents', 1, MAX_BATCH_EVENTS);
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
        throw validationError(LOGS_VALIDATION_CODE, [
          violation(`logEvents.${i + 1}.member.message`, '', must.haveLengthAtLeast(1)),
        ]);
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
    return getLogEvents(this.#stream(this.#group(input), input), input);
  }

  filterLogEvents(input: Input): unknown {
    return filterLogEvents(this.#group(input), input);
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
