// The runtime's stdout and stderr go to a file, not to pipes. Node writes to a pipe
// asynchronously (a big log can still be queued inside the runtime when it asks for its next
// event), but to a file synchronously: so by the time the runtime asks for more, all it
// printed is in the file, and reading to the end before END keeps every line inside its own
// invocation. One file for both streams also keeps their lines in the order written.
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** How often output is passed on while an invocation runs (END reads it at once anyway). */
const POLL_MS = 50;
/** By default the file starts over, between invocations, once this much was read from it. */
const COMPACT_AT = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;

export class RuntimeOutput {
  /** For the child's stdout and stderr. */
  readonly fd: number;
  readonly #write: (text: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  readonly #buffer = Buffer.allocUnsafe(CHUNK);
  readonly #timer: NodeJS.Timeout;
  readonly #compactAt: number;
  #position = 0;
  #closed = false;

  constructor(write: (text: string) => void, options: { compactAt?: number } = {}) {
    this.#write = write;
    this.#compactAt = options.compactAt ?? COMPACT_AT;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-runtime-'));
    // Appending, so the runtime's writes always land at the end, even after a compaction.
    this.fd = openSync(path.join(dir, 'output'), 'a+');
    // Unlinked at once: nothing is left behind, however the emulator ends.
    rmSync(dir, { recursive: true, force: true });
    this.#timer = setInterval(() => this.drain(), POLL_MS);
    this.#timer.unref();
  }

  /** Passes on everything written so far. */
  drain(): void {
    if (this.#closed) return;
    for (;;) {
      const read = readSync(this.fd, this.#buffer, 0, CHUNK, this.#position);
      if (read === 0) return;
      this.#position += read;
      const text = this.#decoder.write(this.#buffer.subarray(0, read));
      if (text) this.#write(text);
    }
  }

  /**
   * Call when the runtime waits for its next event (it writes nothing then, unless the
   * handler left work running): drains, and starts the file over once it is large.
   */
  compact(): void {
    this.drain();
    if (
      this.#closed ||
      this.#position < this.#compactAt ||
      fstatSync(this.fd).size > this.#position
    )
      return;
    ftruncateSync(this.fd, 0);
    this.#position = 0;
  }

  /** After the runtime exited: passes on its last words and lets the file go. */
  close(): void {
    if (this.#closed) return;
    this.drain();
    const rest = this.#decoder.end();
    if (rest) this.#write(rest);
    this.#closed = true;
    clearInterval(this.#timer);
    closeSync(this.fd);
  }
}
