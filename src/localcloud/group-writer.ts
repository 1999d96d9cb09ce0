// Writes of one log group, coalesced: a busy function's lines become a few writes, and each
// caller still learns when its change is on disk.

/**
 * Writes for one group never overlap, and changes made while a write runs are folded into one
 * more write; every caller resolves once a write that includes its change has finished.
 */
export class GroupWriter {
  readonly #running = new Map<
    string,
    { dirty: boolean; waiters: { resolve(): void; reject(error: unknown): void }[] }
  >();
  readonly #loops = new Set<Promise<void>>();

  constructor(readonly flush: (name: string) => Promise<void>) {}

  write(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.#running.get(name);
      if (entry) {
        entry.dirty = true;
        entry.waiters.push({ resolve, reject });
        return;
      }
      const fresh = { dirty: true, waiters: [{ resolve, reject }] };
      this.#running.set(name, fresh);
      const loop = this.#loop(name, fresh).finally(() => this.#loops.delete(loop));
      this.#loops.add(loop);
    });
  }

  async idle(): Promise<void> {
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
  }

  async #loop(
    name: string,
    entry: { dirty: boolean; waiters: { resolve(): void; reject(error: unknown): void }[] },
  ): Promise<void> {
    while (entry.dirty) {
      entry.dirty = false;
      const waiters = entry.waiters.splice(0);
      try {
        await this.flush(name);
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.#running.delete(name);
  }
}
