// Invocation log texts for the log parser's tests, made by the very functions that write them:
// the emulator's START/END/REPORT lines and the runtime's observation and console lines. The
// one-line-per-mark format of images built before is written here as those images wrote it.
import { endLine, reportLine, startLine } from '../../runtime/emulator/report.js';
import { currentRequest, formatLogLine } from '../../runtime/logging.js';
import { formatMarks, type MarkKind } from '../../runtime/observe.js';

export const COLD_ID = '6efd0e35-011b-4746-81a4-e59e5d719091';
export const WARM_ID = 'b2c4d6e8-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

const TEXT = { json: false, minLevel: 0 };
const JSON_FORMAT = { json: true, minLevel: 0 };

/**
 * One mark in the format of images built before one line per phase (requestId '' for init's
 * `-`): a copy of their formatter, frozen, since the parser must keep reading it.
 */
export function mark(
  requestId: string,
  kind: MarkKind,
  name: string,
  time: number,
  json = false,
): string {
  const id = requestId || '-';
  if (json) {
    const timestamp = new Date(time).toISOString();
    const record = { timestamp, type: 'lambdash.observe', time, requestId: id, kind, name };
    return `${JSON.stringify(record)}\n`;
  }
  return `[lambdash]\t${time.toFixed(3)}\t${id}\t${kind}\t${name}\n`;
}

export type TestMark = readonly [MarkKind, string, number];

/** The one line of marks the runtime writes for a phase (requestId '' for init), at a fixed time. */
export function marksLine(requestId: string, marks: readonly TestMark[], json = false): string {
  const taken = marks.map(([kind, name, time]) => ({ kind, name, time }));
  return formatMarks(json ? JSON_FORMAT : TEXT, requestId, taken, Date.parse(CONSOLE_TIME));
}

/** One console.log line of the handler, as the patched console writes it (at a fixed time). */
export function consoleLine(requestId: string, message: string, json = false): string {
  const line = withRequest(requestId, () =>
    formatLogLine(json ? JSON_FORMAT : TEXT, 'INFO', [message]),
  );
  return json
    ? line.replace(/"timestamp":"[^"]+"/, `"timestamp":"${CONSOLE_TIME}"`)
    : line.replace(/^[^\t]+/, CONSOLE_TIME);
}

const CONSOLE_TIME = '2026-11-21T08:18:19.466Z';

function withRequest(requestId: string, format: () => string): string {
  const saved = currentRequest.id;
  currentRequest.id = requestId;
  try {
    return format();
  } finally {
    currentRequest.id = saved;
  }
}

const INIT_MARKS: readonly TestMark[] = [
  ['runtime', 'init.start', 1795249099449.733],
  ['runtime', 'handler.loaded', 1795249099453.965],
];

/** Init lines of a cold start: the runtime's two init marks (one line, or two from old images). */
export function initLines(json = false, legacy = false): string {
  if (!legacy) return marksLine('', INIT_MARKS, json);
  return INIT_MARKS.map(([kind, name, time]) => mark('', kind, name, time, json)).join('');
}

/** The marks of one invocation whose handler marks `db.query.done`, from `at` (ms). */
export function invocationMarks(at: number): TestMark[] {
  return [
    ['runtime', 'event.received', at],
    ['runtime', 'handler.start', at + 0.294],
    ['user', 'db.query.done', at + 0.611],
    ['runtime', 'handler.end', at + 1.137],
    ['runtime', 'response.posted', at + 3.779],
  ];
}

/**
 * The lines of one invocation between START and END: a handler that logs a line and marks
 * `db.query.done`. The runtime writes the marks as one line before asking for the next event;
 * images built before wrote each mark as it happened (`legacy`).
 */
export function invocationLines(
  requestId: string,
  at: number,
  json = false,
  legacy = false,
): string {
  const marks = invocationMarks(at);
  const logged = consoleLine(requestId, 'querying', json);
  if (!legacy) return logged + marksLine(requestId, marks, json);
  const lines = marks.map(([kind, name, time]) => mark(requestId, kind, name, time, json));
  lines.splice(2, 0, logged);
  return lines.join('');
}

/**
 * A cold invocation followed by a warm one, as the emulator writes them: START, then (cold)
 * the runtime's init lines, the invocation's lines, END and REPORT.
 */
export function coldThenWarm(legacy = false): string {
  return (
    startLine(COLD_ID) +
    initLines(false, legacy) +
    invocationLines(COLD_ID, 1795249099465.491, false, legacy) +
    endLine(COLD_ID) +
    reportLine({
      requestId: COLD_ID,
      durationMs: 4.2,
      memorySizeMb: 128,
      maxMemoryUsedMb: 60,
      initDurationMs: 150.53,
    }) +
    startLine(WARM_ID) +
    invocationLines(WARM_ID, 1795249100000.25, false, legacy) +
    endLine(WARM_ID) +
    reportLine({ requestId: WARM_ID, durationMs: 4.01, memorySizeMb: 128, maxMemoryUsedMb: 61 })
  );
}

export { endLine, reportLine, startLine };
