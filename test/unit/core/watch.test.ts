import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import {
  type DockerState,
  type LineageSnapshot,
  type LineageWatch,
  watchLineage,
} from '../../../src/core/lineage/watch.js';

function row(key: string): LineageRow {
  return {
    key,
    responder: undefined,
    localImage: undefined,
    remoteImage: undefined,
    repo: undefined,
    lambdaFunction: undefined,
  };
}

/** A loader whose reads the test finishes by hand, counting how many run at once. */
function manualLoader() {
  const pending: { resolve: (rows: LineageRow[]) => void; reject: (error: unknown) => void }[] = [];
  let active = 0;
  let mostAtOnce = 0;
  let calls = 0;
  const load = () => {
    calls++;
    active++;
    mostAtOnce = Math.max(mostAtOnce, active);
    return new Promise<LineageRow[]>((resolve, reject) => {
      pending.push({
        resolve: (rows) => {
          active--;
          resolve(rows);
        },
        reject: (error) => {
          active--;
          reject(error);
        },
      });
    });
  };
  return {
    load,
    get calls() {
      return calls;
    },
    get mostAtOnce() {
      return mostAtOnce;
    },
    async finish(rows: LineageRow[]) {
      pending.shift()!.resolve(rows);
      await vi.advanceTimersByTimeAsync(0);
    },
    async fail(error: unknown) {
      pending.shift()!.reject(error);
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

function fakeDocker() {
  let change: () => void = () => undefined;
  let state: (state: DockerState) => void = () => undefined;
  let stopped = false;
  return {
    source: (onChange: () => void, onState: (s: DockerState) => void) => {
      change = onChange;
      state = onState;
      return () => {
        stopped = true;
      };
    },
    emit: () => change(),
    setState: (s: DockerState) => state(s),
    get stopped() {
      return stopped;
    },
  };
}

let watch: LineageWatch | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  watch?.close();
  watch = undefined;
  vi.useRealTimers();
});

describe('watchLineage', () => {
  it('says syncing until the first read, then has the rows and when they were read', async () => {
    const loader = manualLoader();
    watch = watchLineage({ load: loader.load, dockerEvents: false });
    const seen: LineageSnapshot[] = [];
    watch.subscribe((snapshot) => seen.push(snapshot));
    expect(watch.getSnapshot()).toMatchObject({ syncing: true, refreshing: true, rows: [] });
    await loader.finish([row('a'), row('b')]);
    const snapshot = watch.getSnapshot();
    expect(snapshot.syncing).toBe(false);
    expect(snapshot.refreshing).toBe(false);
    expect(snapshot.rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(snapshot.lastRefreshed).toEqual(new Date());
    expect(seen.at(-1)).toBe(snapshot);
  });

  it('never overlaps refreshes: requests made during one share the next', async () => {
    const loader = manualLoader();
    watch = watchLineage({ load: loader.load, dockerEvents: false });
    // The first read runs (the watch starts it); three requests meanwhile make one more.
    const requests = [watch.refresh(), watch.refresh(), watch.refresh()];
    expect(loader.calls).toBe(1);
    await loader.finish([row('a')]);
    expect(loader.calls).toBe(2);
    await loader.finish([row('a'), row('b')]);
    await Promise.all(requests);
    expect(loader.calls).toBe(2);
    expect(loader.mostAtOnce).toBe(1);
    expect(watch.getSnapshot().rows.map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('keeps the last good rows and the error when a refresh fails, and backs off', async () => {
    const loader = manualLoader();
    watch = watchLineage({ load: loader.load, dockerEvents: false, intervalMs: 1000 });
    await loader.finish([row('a')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(loader.calls).toBe(2);
    const failure = new LambdashError('AWS_THROTTLED', 'Rate exceeded', 'Wait.');
    await loader.fail(failure);
    expect(watch.getSnapshot()).toMatchObject({ rows: [row('a')], error: failure, syncing: false });
    expect(watch.getSnapshot().errors.map((e) => e.error)).toEqual([failure]);
    // After one failure the next poll waits twice as long.
    await vi.advanceTimersByTimeAsync(1999);
    expect(loader.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(loader.calls).toBe(3);
    await loader.fail(new Error('socket hang up'));
    const error = watch.getSnapshot().error!;
    expect(error).toBeInstanceOf(LambdashError);
    expect(error.message).toBe('Reading the lineage failed: socket hang up');
    await vi.advanceTimersByTimeAsync(3999);
    expect(loader.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(loader.calls).toBe(4);
    // A success clears the error and the backoff.
    await loader.finish([row('b')]);
    expect(watch.getSnapshot().error).toBeUndefined();
    expect(watch.getSnapshot().errors).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(loader.calls).toBe(5);
  });

  it('makes one refresh of a burst of Docker events', async () => {
    const loader = manualLoader();
    const docker = fakeDocker();
    watch = watchLineage({
      load: loader.load,
      dockerEvents: docker.source,
      throttleMs: 500,
      intervalMs: 60_000,
    });
    await loader.finish([]);
    for (let i = 0; i < 30; i++) docker.emit();
    await vi.advanceTimersByTimeAsync(499);
    expect(loader.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(loader.calls).toBe(2);
    await loader.finish([row('built')]);
    expect(watch.getSnapshot().rows.map((r) => r.key)).toEqual(['built']);
  });

  it("reports Docker's state and reads again when the engine comes back", async () => {
    const loader = manualLoader();
    const docker = fakeDocker();
    const states: DockerState[] = [];
    watch = watchLineage({ load: loader.load, dockerEvents: docker.source, throttleMs: 10 });
    watch.subscribe((snapshot) => states.push(snapshot.docker));
    await loader.finish([]);
    docker.setState('up');
    docker.setState('down');
    await vi.advanceTimersByTimeAsync(10);
    expect(loader.calls).toBe(2);
    await loader.finish([]);
    docker.setState('up');
    await vi.advanceTimersByTimeAsync(10);
    expect(loader.calls).toBe(3);
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual([
      'unknown',
      'up',
      'down',
      'up',
    ]);
  });

  it('stops polling, listening and reading when closed', async () => {
    const loader = manualLoader();
    const docker = fakeDocker();
    const signals: AbortSignal[] = [];
    watch = watchLineage({
      load: (signal) => {
        signals.push(signal);
        return loader.load();
      },
      dockerEvents: docker.source,
      intervalMs: 100,
    });
    watch.close();
    expect(signals[0]!.aborted).toBe(true);
    expect(docker.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(loader.calls).toBe(1);
  });
});
