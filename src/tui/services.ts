// What the app's views are given: the live lineage (a model they subscribe to), the actions
// (each one call into src/core), where AWS calls go, and the settings. run-app.tsx makes the
// real ones; component tests give plain data and plain functions.
import { useSyncExternalStore } from 'react';
import type {
  AwsTarget,
  LambdashError,
  LineageRow,
  LineageWatch,
  OperationOptions,
} from '../core/internal.js';
import type { SettingsStore } from './settings.js';

/** The parts of a row the delete dialog offers, downstream first (the order they go in). */
export type DeletePart = 'function' | 'remoteImage' | 'repo' | 'localImage';

/** Each resolves with a sentence for people (the toast) or throws a LambdashError. */
export interface Actions {
  build(row: LineageRow, options: OperationOptions): Promise<string>;
  test(row: LineageRow, options: OperationOptions): Promise<string>;
  push(row: LineageRow, options: OperationOptions): Promise<string>;
  deploy(row: LineageRow, options: OperationOptions): Promise<string>;
  remove(row: LineageRow, parts: readonly DeletePart[], options: OperationOptions): Promise<string>;
  /** Adds a responder (a path, its handler) to the project file. */
  addResponder(source: string, handler: string, options: OperationOptions): Promise<string>;
}

export interface TargetState {
  readonly status: 'connecting' | 'connected' | 'failed';
  readonly target: AwsTarget | undefined;
  /** For the header: "local cloud http://127.0.0.1:4566", "AWS 123456789012 eu-west-1". */
  readonly description: string;
  readonly error: LambdashError | undefined;
}

export interface EngineState {
  /** The Docker engine's version once it answered. */
  readonly version: string | undefined;
  readonly error: LambdashError | undefined;
}

export interface SessionState {
  readonly target: TargetState;
  readonly engine: EngineState;
  /** Where the project file is, when there is one. */
  readonly projectFile: string | undefined;
  /** Why the project file could not be read (its problems, by line and column). */
  readonly projectError: LambdashError | undefined;
}

export interface Store<T> {
  get(): T;
  subscribe(listener: () => void): () => void;
}

export interface AppServices {
  readonly watch: LineageWatch;
  readonly actions: Actions;
  readonly session: Store<SessionState>;
  readonly settings: SettingsStore;
  /** Connects again after a setting that says where AWS is changed. */
  reconnect(): void;
}

export function createStore<T>(initial: T): Store<T> & { set(value: T): void } {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
