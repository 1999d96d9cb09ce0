// Operations in flight (build, test, push, deploy, delete...) and the command log: the core's
// typed events folded into a progress line per operation (a bar and a short status), and a
// line per thing that happened, in the core's words.
import {
  describeEvent,
  type EventLevel,
  type LambdashEvent,
  type StateRepeats,
} from '../core/internal.js';
import { formatBytes } from './format.js';

export type OperationKind = 'build' | 'test' | 'push' | 'deploy' | 'delete' | 'add';

export interface OperationProgress {
  /** 0..1 when the work can be measured (steps, bytes); undefined while it cannot. */
  readonly ratio: number | undefined;
  /** What it does now: `step 3/6 bundling`, `pushing 12MB of 30MB`, `waiting: Pending 4s`. */
  readonly text: string;
  /** Bytes sent and total, by layer, during a push. */
  readonly layers: ReadonlyMap<string, { readonly bytes: number; readonly total: number }>;
}

export interface Operation {
  readonly id: number;
  readonly kind: OperationKind;
  readonly rowKey: string;
  /** The row's name, for people. */
  readonly name: string;
  readonly started: Date;
  readonly controller: AbortController;
  readonly progress: OperationProgress;
}

export const START_PROGRESS: OperationProgress = {
  ratio: undefined,
  text: 'starting',
  layers: new Map(),
};

/**
 * The progress after an event: its status in the core's short words (describeEvent), the bar
 * from the steps and bytes it counts. Events that say nothing about progress leave it as it was.
 */
export function applyEvent(progress: OperationProgress, event: LambdashEvent): OperationProgress {
  const text = describeEvent(event).short;
  switch (event.type) {
    case 'build.step':
      return {
        ...progress,
        ratio: Math.min(1, Math.max(0, (event.step - 1) / Math.max(1, event.total))),
        text: text ?? progress.text,
      };
    case 'image.built':
      return { ...progress, ratio: 1, text: text ?? progress.text };
    case 'push.progress':
      return pushProgress(progress, event, text);
    case 'wait':
      return { ...progress, ratio: undefined, text: text ?? progress.text };
    default:
      return text === undefined ? progress : { ...progress, text };
  }
}

/** A push's progress: bytes sent of all layers' sizes, once the registry has said them. */
function pushProgress(
  progress: OperationProgress,
  event: Extract<LambdashEvent, { type: 'push.progress' }>,
  text: string | undefined,
): OperationProgress {
  const layers = new Map(progress.layers);
  const known = layers.get(event.layer);
  layers.set(event.layer, {
    bytes: Math.max(known?.bytes ?? 0, event.bytes),
    total: Math.max(known?.total ?? 0, event.total),
  });
  let bytes = 0;
  let total = 0;
  for (const layer of layers.values()) {
    if (layer.total > 0) {
      bytes += Math.min(layer.bytes, layer.total);
      total += layer.total;
    }
  }
  // The whole push in bytes says more than the one layer's status the event words.
  return {
    layers,
    ratio: total > 0 ? bytes / total : undefined,
    text:
      total > 0
        ? `pushing ${formatBytes(bytes)} of ${formatBytes(total)}`
        : (text ?? progress.text),
  };
}

/** A bar of `cells` cells: filled for the ratio done, a moving block while unmeasured. */
export function progressBar(ratio: number | undefined, cells: number, tick = 0): string {
  if (cells <= 0) return '';
  if (ratio === undefined) {
    const at = tick % cells;
    return '░'.repeat(at) + '█' + '░'.repeat(cells - at - 1);
  }
  const done = Math.round(Math.min(1, Math.max(0, ratio)) * cells);
  return '█'.repeat(done) + '░'.repeat(cells - done);
}

/** The table's activity cell: `push 48%`, `build 3/6`, `deploy …`. */
export function activityText(operation: Operation): string {
  const { kind, progress } = operation;
  if (progress.ratio !== undefined)
    return `${kind} ${progressBar(progress.ratio, 5)} ${Math.round(progress.ratio * 100)}%`;
  return `${kind} …`;
}

/** The command log's levels: the core's, with `debug` shown as `call` (marked → in the log). */
export type LogLevel = Exclude<EventLevel, 'debug'> | 'call';

export interface LogEntry {
  readonly at: Date;
  readonly level: LogLevel;
  readonly text: string;
}

/**
 * The command log's line for an event, in the core's words (describeEvent): every event, the
 * detail too (the log is where the app keeps it), a state said once per `repeats`.
 */
export function logLineOf(
  event: LambdashEvent,
  repeats: StateRepeats,
): { readonly level: LogLevel; readonly text: string } | undefined {
  const description = describeEvent(event);
  if (repeats.repeats(description)) return undefined;
  return {
    level: description.level === 'debug' ? 'call' : description.level,
    text: description.message,
  };
}

export const LOG_LIMIT = 500;
