// Invocation log texts for the log parser's tests, made by the very functions that write them:
// the emulator's START/END/REPORT lines and the runtime's observation and console lines.
import { endLine, reportLine, startLine } from '../../runtime/emulator/report.js';
import { currentRequest, formatLogLine } from '../../runtime/logging.js';
import { formatObservation } from '../../runtime/observe.js';

export const COLD_ID = '6efd0e35-011b-4746-81a4-e59e5d719091';
export const WARM_ID = 'b2c4d6e8-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

const TEXT = { json: false, minLevel: 0 };
const JSON_FORMAT = { json: true, minLevel: 0 };

/** One observation line, as the runtime writes it (requestId '' for init's `-`). */
export function mark(
  requestId: string,
  kind: 'runtime' | 'user',
  name: string,
  time: number,
  json = false,
): string {
  return withRequest(requestId, () =>
    formatObservation(json ? JSON_FORMAT : TEXT, kind, name, time),
  );
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

/** Init lines of a cold start: the runtime's two init marks. */
export function initLines(json = false): string {
  return (
    mark('', 'runtime', 'init.start', 1795249099449.733, json) +
    mark('', 'runtime', 'handler.loaded', 1795249099453.965, json)
  );
}

/**
 * The lines of one invocation between START and END: the runtime's marks around a handler
 * that logs a line and marks `db.query.done`; times start at `at` (ms).
 */
export function invocationLines(requestId: string, at: number, json = false): string {
  return (
    mark(requestId, 'runtime', 'event.received', at, json) +
    mark(requestId, 'runtime', 'handler.start', at + 0.294, json) +
    consoleLine(requestId, 'querying', json) +
    mark(requestId, 'user', 'db.query.done', at + 0.611, json) +
    mark(requestId, 'runtime', 'handler.end', at + 1.137, json) +
    mark(requestId, 'runtime', 'response.posted', at + 3.779, json)
  );
}

/**
 * A cold invocation followed by a warm one, as the emulator writes them: START, then (cold)
 * the runtime's init lines, the invocation's lines, END and REPORT.
 */
export function coldThenWarm(): string {
  return (
    startLine(COLD_ID) +
    initLines() +
    invocationLines(COLD_ID, 1795249099465.491) +
    endLine(COLD_ID) +
    reportLine({
      requestId: COLD_ID,
      durationMs: 4.2,
      memorySizeMb: 128,
      maxMemoryUsedMb: 60,
      initDurationMs: 150.53,
    }) +
    startLine(WARM_ID) +
    invocationLines(WARM_ID, 1795249100000.25) +
    endLine(WARM_ID) +
    reportLine({ requestId: WARM_ID, durationMs: 4.01, memorySizeMb: 128, maxMemoryUsedMb: 61 })
  );
}

export { endLine, reportLine, startLine };
