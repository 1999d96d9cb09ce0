// The containers the app started (the invoke REPL's local containers, left running between
// invocations so the next one is warm), so that it stops them: when it quits, and when their
// image is no longer a row's newest local image (a rebuild replaced it). A container the app
// found running (the CLI's `lambdash run`, a test's) is used as it is and never stopped: it is
// not the app's to stop.

import {
  type Container,
  getAllContainers,
  type LineageRow,
  type LocalImage,
  type OperationOptions,
  runImageLocally,
  stopContainer,
} from '../core/internal.js';

export interface AppContainers {
  /** A running container of the image: the app's, else any, else one the app starts now. */
  runningContainerOf(image: LocalImage, options?: OperationOptions): Promise<Container>;
  /** Stops the app's containers whose image no row shows as its local image any more. */
  retire(rows: readonly LineageRow[]): Promise<void>;
  /** Stops every container the app started, once those it is starting have started. */
  close(): Promise<void>;
  /** The ids of the containers the app started and has not stopped. */
  started(): string[];
}

export function createAppContainers(): AppContainers {
  /** The app's containers by id. */
  const ours = new Map<string, Container>();
  const starting = new Set<Promise<unknown>>();
  let closed = false;

  const stop = async (containers: readonly Container[]) => {
    for (const container of containers) ours.delete(container.id);
    // One that is gone already is fine; one the engine will not stop must not stop the rest.
    await Promise.all(
      containers.map((container) => stopContainer(container).catch(() => undefined)),
    );
  };

  const start = async (image: LocalImage, options: OperationOptions) => {
    // Should the app be killed before it stops it, the next lambdash command removes it.
    const container = await runImageLocally(image, { ...options, ownedByProcess: true });
    ours.set(container.id, container);
    // Started while the app was closing: close() may have stopped the others already.
    if (closed) await stop([container]);
    return container;
  };

  return {
    async runningContainerOf(image, options = {}) {
      const running = (await getAllContainers({ generatedOnly: true })).filter(
        (container) => container.running && container.image === image.id && container.port > 0,
      );
      const found = running.find((container) => ours.has(container.id)) ?? running[0];
      if (found) return found;
      const pending = start(image, options);
      starting.add(pending);
      try {
        return await pending;
      } finally {
        starting.delete(pending);
      }
    },

    async retire(rows) {
      const shown = new Set(rows.flatMap((row) => (row.localImage ? [row.localImage.id] : [])));
      await stop([...ours.values()].filter((container) => !shown.has(container.image)));
    },

    async close() {
      closed = true;
      await Promise.allSettled([...starting]);
      await stop([...ours.values()]);
    },

    started: () => [...ours.keys()],
  };
}

/** The app's own: the REPL starts containers through it, and the session stops them. */
export const appContainers: AppContainers = createAppContainers();
