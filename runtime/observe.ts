// Observation lines: timestamped marks the log timeline is built from. The format is
// documented in docs/observations.md; the log parser in src/core reads exactly this.
//
//   text: [lambdash]\t<unix ms, 3 decimals>\t<request id or ->\t<kind>\t<name>
//   JSON: {"timestamp":"<ISO>","type":"lambdash.observe","time":<unix ms>,
//          "requestId":"<id>","kind":"runtime"|"user","name":"<name>"}
import { currentRequest, type LogSettings } from './logging.js';

export const OBSERVE_PREFIX = '[lambdash]';

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

/** The global the public `observe()` helper finds the running runtime through. */
export const OBSERVER_KEY = Symbol.for('dev.lambdash.observe');

/** Wall-clock time with sub-millisecond precision (the global, not node:perf_hooks: cheaper to load). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export function formatObservation(
  settings: LogSettings,
  kind: 'runtime' | 'user',
  name: string,
  time: number,
): string {
  const requestId = currentRequest.id || '-';
  // Runtime marks are the RuntimeMark constants: only names from user code need cleaning.
  const clean = kind === 'user' ? name.replace(/[\t\r\n]+/g, ' ') : name;
  if (settings.json) {
    return `${JSON.stringify({
      timestamp: new Date(time).toISOString(),
      type: 'lambdash.observe',
      time: Math.round(time * 1000) / 1000,
      requestId,
      kind,
      name: clean,
    })}\n`;
  }
  return `${OBSERVE_PREFIX}\t${time.toFixed(3)}\t${requestId}\t${kind}\t${clean}\n`;
}

export interface Observer {
  /** Writes a mark now. */
  (kind: 'runtime' | 'user', name: string): void;
  /** Takes a runtime mark's time now (or at `time`) but writes it with the next line (see output.ts). */
  hold(name: RuntimeMark | ModuleLoadMark, time?: number): void;
}

export function createObserver(
  settings: LogSettings,
  write: (line: string) => void,
  hold: (line: string) => void = write,
): Observer {
  const observer: Observer = Object.assign(
    (kind: 'runtime' | 'user', name: string) =>
      write(formatObservation(settings, kind, name, preciseNow())),
    {
      hold: (name: RuntimeMark | ModuleLoadMark, time = preciseNow()) =>
        hold(formatObservation(settings, 'runtime', name, time)),
    },
  );
  // Plain JavaScript callers may pass anything: a mark must never make their handler throw.
  (globalThis as Record<symbol, unknown>)[OBSERVER_KEY] = (name: unknown) =>
    observer('user', String(name));
  return observer;
}
