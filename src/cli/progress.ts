// The core's events as lines on stderr: what is being done, never the data a command reports
// (that goes to stdout). The words and levels are the core's (describeEvent); this only picks:
// `debug` events (AWS calls, build output, containers) only with --verbose, and a state said
// once (a push prints each layer once per status, a wait once per state).
import { describeEvent, type LambdashEvent, StateRepeats } from '../core/internal.js';

export interface ProgressOptions {
  readonly verbose?: boolean;
}

/** Turns events into lines, remembering what it said so it does not say it twice. */
export class ProgressLines {
  readonly #repeats = new StateRepeats();

  constructor(private readonly options: ProgressOptions = {}) {}

  /** The line for an event, or undefined when it adds nothing. */
  lineFor(event: LambdashEvent): string | undefined {
    const description = describeEvent(event);
    if (description.level === 'debug' && !this.options.verbose) return undefined;
    if (this.#repeats.repeats(description)) return undefined;
    return description.message;
  }
}
