// The live lineage: a model that keeps the latest rows and tells its listeners when they change
// (k9s's model → listener → view). The terminal app subscribes and draws; it never reads Docker
// or AWS itself.
//
// - Docker's event stream (images and containers coming and going) asks for a refresh,
//   throttled: a burst of events (a build emits dozens) makes one refresh, not dozens.
// - AWS has no event stream here, so it is polled; after a failed refresh the next waits
//   longer (doubling, up to a ceiling) instead of hammering an account that throttles us.
// - Refreshes never overlap: one asked for while another runs is queued, and any number of
//   such requests make one more refresh.
// - Until the first read finishes the snapshot says `syncing`, so a view shows that instead
//   of an empty table that would falsely say there is nothing.
// - A failed refresh keeps the last good rows and records the error (the last few are kept).

import type { AwsTarget } from '../aws/aws-target.js';
import { isLambdashError, LambdashError } from '../common/errors.js';
import { getDocker, getDockerEngine } from '../images/docker.js';
import { getLineage, type LineageRow, type LineageScope, type ResponderSpec } from './lineage.js';

export type DockerState = 'unknown' | 'up' | 'down';

export interface WatchError {
  readonly at: Date;
  readonly error: LambdashError;
}

export interface LineageSnapshot {
  readonly rows: readonly LineageRow[];
  /** No read has finished yet: the rows are not known (not: there are none). */
  readonly syncing: boolean;
  /** A refresh is running now. */
  readonly refreshing: boolean;
  /** When the rows were last read successfully. */
  readonly lastRefreshed: Date | undefined;
  /** The last refresh's failure, until one succeeds; the rows are the last good ones. */
  readonly error: LambdashError | undefined;
  /** The latest failures, oldest first (at most MAX_ERRORS). */
  readonly errors: readonly WatchError[];
  /** Whether Docker's event stream is connected. */
  readonly docker: DockerState;
}

export interface LineageWatch {
  getSnapshot(): LineageSnapshot;
  /** Calls the listener on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: LineageSnapshot) => void): () => void;
  /** Reads again now (or right after the refresh that runs); settles when the rows are read. */
  refresh(): Promise<void>;
  /** Stops polling and listening, and cancels a refresh in flight. */
  close(): void;
}

/** Listens to the Docker engine's events: calls `onChange` per event, `onState` on (dis)connection. */
export type DockerEventSource = (
  onChange: () => void,
  onState: (state: DockerState) => void,
) => () => void;

export interface WatchOptions {
  /** Where AWS is read; undefined reads only this machine (no target, or it failed). */
  readonly target?: () => AwsTarget | undefined;
  /** The project's responders, read on every refresh (the project file may change). */
  readonly responders?: () => readonly ResponderSpec[];
  /** Whose rows: the project's responders' (the default with `responders`) or all. */
  readonly scope?: () => LineageScope;
  /**
   * Reads the rows; by default getLineage with the target and responders (local images only
   * while Docker answers).
   */
  readonly load?: (signal: AbortSignal, docker: DockerState) => Promise<LineageRow[]>;
  /** Polling interval, read before each wait (a setting may change it); default 15 s. */
  readonly intervalMs?: number | (() => number);
  /** The longest wait after repeated failures; default 5 min. */
  readonly maxIntervalMs?: number;
  /** Events within this window make one refresh; default 750 ms. */
  readonly throttleMs?: number;
  /** Default: the engine's own event stream (images and containers). */
  readonly dockerEvents?: DockerEventSource | false;
}

const MAX_ERRORS = 20;

export function watchLineage(options: WatchOptions = {}): LineageWatch {
  const intervalOf = () =>
    typeof options.intervalMs === 'function'
      ? options.intervalMs()
      : (options.intervalMs ?? 15_000);
  const maxIntervalMs = options.maxIntervalMs ?? 300_000;
  const throttleMs = options.throttleMs ?? 750;
  const load =
    options.load ??
    ((signal: AbortSignal, docker: DockerState) => {
      const target = options.target?.();
      return getLineage({
        signal,
        ...(target ? { target } : { aws: false }),
        local: docker !== 'down',
        ...(options.responders ? { responders: options.responders() } : {}),
        ...(options.scope ? { scope: options.scope() } : {}),
      });
    });

  let snapshot: LineageSnapshot = {
    rows: [],
    syncing: true,
    refreshing: false,
    lastRefreshed: undefined,
    error: undefined,
    errors: [],
    docker: 'unknown',
  };
  const listeners = new Set<(snapshot: LineageSnapshot) => void>();
  const controller = new AbortController();
  let closed = false;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let failures = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  let throttleTimer: NodeJS.Timeout | undefined;

  const update = (change: Partial<LineageSnapshot>) => {
    snapshot = { ...snapshot, ...change };
    for (const listener of [...listeners]) {
      try {
        listener(snapshot);
      } catch {
        // A view's failure must not stop the model.
      }
    }
  };

  const schedulePoll = () => {
    clearTimeout(pollTimer);
    if (closed) return;
    const interval = intervalOf();
    const wait = Math.min(Math.max(interval, maxIntervalMs), interval * 2 ** failures);
    pollTimer = setTimeout(() => void refresh(), wait);
    pollTimer.unref?.();
  };

  const readOnce = async () => {
    update({ refreshing: true });
    try {
      const rows = await load(controller.signal, snapshot.docker);
      if (closed) return;
      failures = 0;
      update({
        rows,
        syncing: false,
        refreshing: false,
        lastRefreshed: new Date(),
        error: undefined,
      });
    } catch (caught) {
      if (closed) return;
      failures++;
      const error = toLambdashError(caught);
      update({
        refreshing: false,
        error,
        errors: [...snapshot.errors, { at: new Date(), error }].slice(-MAX_ERRORS),
      });
    } finally {
      schedulePoll();
    }
  };

  const refresh = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (!running) {
      running = readOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    // One refresh runs: every request made meanwhile shares the one that follows it.
    queued ??= running.then(() => {
      queued = undefined;
      return refresh();
    });
    return queued;
  };

  const onDockerChange = () => {
    if (throttleTimer || closed) return;
    throttleTimer = setTimeout(() => {
      throttleTimer = undefined;
      void refresh();
    }, throttleMs);
    throttleTimer.unref?.();
  };
  const onDockerState = (state: DockerState) => {
    if (closed || state === snapshot.docker) return;
    const wasDown = snapshot.docker === 'down';
    update({ docker: state });
    // The engine came back (or went away): what it holds changed as far as the table knows.
    if (wasDown || state === 'down') onDockerChange();
  };
  const source =
    options.dockerEvents === false ? undefined : (options.dockerEvents ?? engineEvents);
  const stopEvents = source?.(onDockerChange, onDockerState);

  void refresh();

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(pollTimer);
      clearTimeout(throttleTimer);
      controller.abort();
      stopEvents?.();
      listeners.clear();
    },
  };
}

function toLambdashError(error: unknown): LambdashError {
  if (isLambdashError(error)) return error;
  return new LambdashError(
    'AWS_FAILED',
    `Reading the lineage failed: ${error instanceof Error ? error.message : String(error)}`,
    'It is tried again on its own; press r to try now.',
    { cause: error },
  );
}

const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/**
 * The Docker engine's event stream, for images and containers; reconnected (with backoff) when
 * the engine goes away and comes back.
 */
export const engineEvents: DockerEventSource = (onChange, onState) => {
  let stopped = false;
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;

  const retry = () => {
    if (stopped) return;
    onState('down');
    timer = setTimeout(connect, delay);
    timer.unref?.();
    delay = Math.min(RECONNECT_MAX_MS, delay * 2);
  };
  const connect = async () => {
    if (stopped) return;
    try {
      await getDockerEngine();
      const events = await getDocker().getEvents({
        filters: { type: ['image', 'container'] },
      });
      if (stopped) {
        (events as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      stream = events;
      delay = RECONNECT_MIN_MS;
      onState('up');
      events.on('data', () => onChange());
      events.on('error', () => undefined);
      events.on('close', () => {
        stream = undefined;
        retry();
      });
    } catch {
      retry();
    }
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  };
};
