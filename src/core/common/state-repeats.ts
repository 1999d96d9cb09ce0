// Some events report one thing's state many times over (every chunk of a layer's push, every
// poll of a wait). A listener that writes lines says each state once: this remembers the state
// last said of each thing.
import type { EventDescription } from './describe-event.js';

export class StateRepeats {
  readonly #said = new Map<string, string>();

  /** Whether the description only repeats the state last said of its thing; remembers it if not. */
  repeats(description: EventDescription): boolean {
    const { state } = description;
    if (!state) return false;
    if (this.#said.get(state.of) === state.is) return true;
    this.#said.set(state.of, state.is);
    return false;
  }
}
