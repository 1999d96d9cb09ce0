// The reads of the local CloudWatch Logs: GetLogEvents pages through one stream, forward or
// backward, and FilterLogEvents searches a group's streams; both stop at AWS's 1 MB per answer.
import { compileFilterPattern } from './filter-pattern.js';
import {
  after,
  badToken,
  type Cursor,
  compareKey,
  decodeToken,
  encodeToken,
  eventId,
  gapAt,
  keyOf,
  lowerBound,
  parseStreamToken,
  START,
  streamToken,
} from './log-cursors.js';
import { eventBytes, type Group, type Stream } from './log-groups.js';
import type { StoredLogEvent } from './log-store.js';
import { listLengthBetween, boundedInteger as optionalInteger } from './logs-validation.js';
import {
  type Input,
  invalidParameter as invalid,
  optionalBoolean,
  optionalString,
  optionalStringList,
} from './validation.js';

const MAX_RESPONSE_BYTES = 1_048_576;

/** GetLogEvents on a stream the caller has found. */
export function getLogEvents(stream: Stream, input: Input): unknown {
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

/** FilterLogEvents on a group the caller has found. */
export function filterLogEvents(group: Group, input: Input): unknown {
  const names = optionalStringList(input, 'logStreamNames');
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined)
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive.');
  if (names !== undefined && (names.length < 1 || names.length > 100))
    throw listLengthBetween('logStreamNames', 1, 100);
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
