// The runtime's standard output. Observation marks of the runtime's own phases are formatted
// when they happen but written together with the next line: a handler that logs nothing costs
// one write per invocation instead of four. Every write goes through here, so no line ever
// overtakes a held mark. (A process killed mid-invocation loses its held marks; the log
// timeline then takes the handler to have run until the end.)

export class Output {
  #held = '';
  readonly #sink: (text: string) => void;

  constructor(sink: (text: string) => void) {
    this.#sink = sink;
  }

  /** Writes the line now, after any held ones. */
  readonly write = (line: string): void => {
    if (this.#held) {
      line = this.#held + line;
      this.#held = '';
    }
    this.#sink(line);
  };

  /** Holds the line until the next write. */
  readonly hold = (line: string): void => {
    this.#held += line;
  };
}
