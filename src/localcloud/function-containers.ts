// The containers of one local cloud's functions: the labels that name their owner, their
// removal (retried until the engine takes it), and, when the cloud starts, the removal of what a
// cloud on the same data folder left when it ended without removing its own. AutoRemove is not
// enough: it never acts on a container that was created but not started (the engine went away
// in between), and a container whose handler hangs runs on after its cloud was SIGKILLed.
//
// A container is this cloud's to remove when it carries its data folder's label (one cloud per
// folder, so two clouds on different folders never touch each other's) and its owner is gone:
// the process that made it has ended (process-owner.ts tells a reused pid apart), or it is this
// process and the cloud that made it here has closed. An owner that cannot be checked (another
// machine or pid namespace sharing the engine) is never taken for gone.
import { createHash, randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { ownerGone, ownerToken } from './process-owner.js';

/** The function's name; the core's container lists and sweeps leave containers with it alone. */
export const FUNCTION_LABEL = 'dev.lambdash.localcloud.function';
/** A hash of the owning cloud's data folder (dataDirId). */
export const DATA_DIR_LABEL = 'dev.lambdash.localcloud.data-dir';
/** The owning process's token (process-owner.ts). */
export const OWNER_LABEL = 'dev.lambdash.localcloud.owner';
/** The owning cloud within that process: a long-lived process may stop one and start another. */
export const CLOUD_LABEL = 'dev.lambdash.localcloud.cloud';

/** How soon removals the engine did not take are tried again. */
const RETRY_MS = 5_000;
/**
 * A removal, or a whole pass of retries, takes at most this long: an engine that stopped
 * answering must not hold a stop.
 */
const CALL_LIMIT_MS = 10_000;
/** How long a start waits for the previous cloud's leftovers to go; the rest go meanwhile. */
const START_WAIT_MS = 5_000;

/** The clouds of this process that have not closed (their CLOUD_LABEL values). */
const openHere = new Set<string>();

/** Names a data folder in a label: a hash of its real path (the path itself may be private). */
export function dataDirId(dataDir: string): string {
  let real = path.resolve(dataDir);
  try {
    real = realpathSync(real);
  } catch {
    // Not made yet: its resolved path names it.
  }
  return createHash('sha256').update(real).digest('hex').slice(0, 16);
}

export class FunctionContainers {
  readonly #docker: Docker;
  readonly #dataDirId: string | undefined;
  readonly #cloud = randomUUID();
  /** Ids of containers this cloud tried to remove and the engine did not take. */
  readonly #pending = new Set<string>();
  /** Whether the start's removal of the data folder's leftovers has yet to succeed. */
  #sweepNeeded: boolean;
  #retrying: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Without a data folder, containers are removed as usual but no start sweeps them. */
  constructor(docker: Docker, dataDir?: string) {
    this.#docker = docker;
    this.#dataDirId = dataDir === undefined ? undefined : dataDirId(dataDir);
    this.#sweepNeeded = dataDir !== undefined;
    openHere.add(this.#cloud);
  }

  /** The labels of a container of `functionName`. */
  labels(functionName: string): Record<string, string> {
    return {
      [FUNCTION_LABEL]: functionName,
      [OWNER_LABEL]: ownerToken(),
      [CLOUD_LABEL]: this.#cloud,
      ...(this.#dataDirId ? { [DATA_DIR_LABEL]: this.#dataDirId } : {}),
    };
  }

  /** Removes a container (running or not); never fails: what the engine does not take waits. */
  async remove(id: string): Promise<void> {
    if (await this.#tryRemove(id, AbortSignal.timeout(CALL_LIMIT_MS))) return;
    this.#pending.add(id);
    this.#schedule();
  }

  /**
   * Removes the containers that clouds gone from this data folder left. Waits a few seconds at
   * most (for an engine that does not answer); what is left is retried until it goes.
   */
  async removeLeftovers(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#retry(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, START_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Tries once more what is pending, then stops retrying. What is still left then, the next
   * start on the data folder removes (in this process or another).
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#retry();
    openHere.delete(this.#cloud);
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#retry();
    }, RETRY_MS);
    // Retries never keep a process alive on their own.
    this.#timer.unref();
  }

  /** One pass over what is pending (one at a time: two would remove the same things twice). */
  #retry(): Promise<void> {
    this.#retrying ??= (async () => {
      const signal = AbortSignal.timeout(CALL_LIMIT_MS);
      try {
        for (const id of [...this.#pending])
          if (await this.#tryRemove(id, signal)) this.#pending.delete(id);
        if (this.#sweepNeeded && (await this.#sweep(signal))) this.#sweepNeeded = false;
      } finally {
        this.#retrying = undefined;
        if (this.#pending.size > 0 || this.#sweepNeeded) this.#schedule();
      }
    })();
    return this.#retrying;
  }

  /** Removes the data folder's containers whose owner is gone; false if the engine did not list. */
  async #sweep(signal: AbortSignal): Promise<boolean> {
    let found: Docker.ContainerInfo[];
    try {
      found = await this.#docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`${DATA_DIR_LABEL}=${this.#dataDirId}`] }),
        abortSignal: signal,
      });
    } catch {
      return false;
    }
    const me = ownerToken();
    for (const container of found) {
      const owner = container.Labels?.[OWNER_LABEL] ?? '';
      const cloud = container.Labels?.[CLOUD_LABEL] ?? '';
      const gone = owner === me ? !openHere.has(cloud) : ownerGone(owner);
      if (gone && !(await this.#tryRemove(container.Id, signal))) this.#pending.add(container.Id);
    }
    return true;
  }

  /** Whether the container is gone (or going: a removal already under way, AutoRemove's). */
  async #tryRemove(id: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    try {
      await this.#docker.getContainer(id).remove({ force: true, abortSignal: signal });
      return true;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      return status === 404 || status === 409;
    }
  }
}
