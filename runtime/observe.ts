// Observation marks: the timestamped moments the log timeline is built from. They are kept in
// memory and written as ONE line per phase (init, then each invocation), just before the
// runtime asks for its next event: that is still inside the invocation (Lambda and the
// emulator write END only once the runtime asks), after the response was posted, so the line
// carries `response.posted` too. The line goes through the console's own writer, so it keeps
// its place among the handler's lines. The format is documented in docs/observations.md; the
// log parser in src/core reads it (and the one-line-per-mark format of older images).
//
//   text: [lambdash]\tmarks\t<request id or ->\t<base unix ms>\t<offset ms> <kind> <name>\t…
//   JSON: {"timestamp","level":"INFO","requestId","type":"lambdash.marks","time":<base>,
//          "marks":[[<offset ms>,"<kind>","<name>"],…]}
import { currentRequest, LEVELS, type Level, type LogSettings } from './logging.js';

export const OBSERVE_PREFIX = '[lambdash]';
export const MARKS_TAG = 'marks';
/**
 * The level the line is logged at: INFO, the level the Lambda service sets by default with
 * JSON logs, so the timeline works unless the user raised the level to cut log volume (WARN,
 * ERROR), and then the line is dropped like any other INFO line.
 */
export const OBSERVE_LEVEL: Level = 'INFO';
/** `LAMBDASH_OBSERVE=0` (or `false`, `off`) turns marks off entirely. */
export const OBSERVE_SWITCH = 'LAMBDASH_OBSERVE';

export type MarkKind = 'runtime' | 'user';

/** The runtime's own marks, in the order they happen. */
export type RuntimeMark =
  | 'init.start'
  | 'handler.loaded'
  | 'event.received'
  | 'handler.start'
  | 'handler.end'
  | 'response.posted';

/** A module an invocation loaded first (see module-loads.ts). */
export type ModuleLoadMark = `module.load ${string}`;

export interface Mark {
  /** Unix time in ms, with sub-millisecond precision. */
  readonly time: number;
  readonly kind: MarkKind;
  readonly name: string;
}

/** The global the public `observe()` helper finds the running runtime through. */
export const OBSERVER_KEY = Symbol.for('dev.lambdash.observe');

/** Wall-clock time with sub-millisecond precision (the global, not node:perf_hooks: cheaper to load). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Whether marks are written at all: the switch is on and the log level keeps INFO lines. */
export function observeEnabled(settings: LogSettings, env: NodeJS.ProcessEnv): boolean {
  if (/^(0|false|off|no)$/i.test(env[OBSERVE_SWITCH] ?? '')) return false;
  return settings.minLevel <= LEVELS.indexOf(OBSERVE_LEVEL);
}

/** A user's mark name: tabs and newlines would cut the line's fields, so they become spaces. */
export function cleanName(name: string): string {
  return name.replace(/[\t\r\n]+/g, ' ');
}

/**
 * One line holding marks of one phase (`requestId` '' for init). Times are offsets from the
 * earliest mark, in ms with 3 decimals (microseconds), so the line stays short.
 */
export function formatMarks(
  settings: LogSettings,
  requestId: string,
  marks: readonly Mark[],
  now = Date.now(),
): string {
  let base = Number.POSITIVE_INFINITY;
  for (const mark of marks) if (mark.time < base) base = mark.time;
  base = round(base);
  if (settings.json) {
    return `${JSON.stringify({
      timestamp: new Date(now).toISOString(),
      level: OBSERVE_LEVEL,
      requestId: requestId || undefined,
      type: 'lambdash.marks',
      time: base,
      marks: marks.map((mark) => [offset(mark.time, base), mark.kind, mark.name]),
    })}\n`;
  }
  let line = `${OBSERVE_PREFIX}\t${MARKS_TAG}\t${requestId || '-'}\t${base.toFixed(3)}`;
  for (const mark of marks) {
    line += `\t${offset(mark.time, base).toFixed(3)} ${mark.kind} ${mark.name}`;
  }
  return `${line}\n`;
}

/** From the (rounded) base; never below 0, which would only be rounding ("-0.000"). */
function offset(time: number, base: number): number {
  return Math.max(0, round(time - base));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface Observer {
  /** Takes a mark now. */
  (kind: MarkKind, name: string): void;
  /** Takes a runtime mark now, or at `time` (a module load noticed later). */
  hold(name: RuntimeMark | ModuleLoadMark, time?: number): void;
  /** Writes the marks taken since the last flush as one line (nothing when there are none). */
  flush(): void;
}

let runtimeObserver: Observer | undefined;

/**
 * Writes the marks taken so far, for a process about to exit (a crash, an init error): before
 * the error is posted, since the Lambda service (and the emulator) ends the log then.
 */
export function flushObservations(): void {
  runtimeObserver?.flush();
}

/**
 * The runtime's observer (the last one created is the one flushObservations writes). Disabled (by the switch or the log level), it takes nothing and
 * writes nothing, and the global still swallows user marks, so that `observe()` in the
 * handler does not fall back to printing them itself.
 */
export function createObserver(
  settings: LogSettings,
  write: (line: string) => void,
  enabled = true,
): Observer {
  let marks: Mark[] = [];
  const take = enabled
    ? (kind: MarkKind, name: string, time: number) => {
        marks.push({ time, kind, name });
      }
    : () => {};
  const observer: Observer = Object.assign(
    // Runtime marks are the RuntimeMark constants: only names from user code need cleaning.
    (kind: MarkKind, name: string) =>
      take(kind, kind === 'user' ? cleanName(name) : name, preciseNow()),
    {
      hold: (name: RuntimeMark | ModuleLoadMark, time = preciseNow()) =>
        take('runtime', name, time),
      flush: () => {
        if (marks.length === 0) return;
        const taken = marks;
        marks = [];
        write(formatMarks(settings, currentRequest.id, taken));
      },
    },
  );
  runtimeObserver = observer;
  // Plain JavaScript callers may pass anything: a mark must never make their handler throw.
  (globalThis as Record<symbol, unknown>)[OBSERVER_KEY] = (name: unknown) =>
    observer('user', String(name));
  return observer;
}
