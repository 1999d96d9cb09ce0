// The app's services before the core has loaded. The first frame needs only the settings and
// an empty, syncing table: the core (the AWS SDK clients, dockerode...) takes longer to load
// than the whole first frame should, so it loads after it, and these stand in meanwhile: the
// watch says "syncing", the target "connecting…", and an action waits for the real one.
import { LambdashError, type LineageSnapshot, type LineageWatch } from '../core/internal.js';
import {
  type Actions,
  type AppServices,
  createStore,
  type SessionState,
  type Store,
} from './services.js';
import type { Session } from './session.js';
import type { SettingsStore } from './settings.js';

const SYNCING: LineageSnapshot = {
  rows: [],
  syncing: true,
  refreshing: true,
  lastRefreshed: undefined,
  error: undefined,
  errors: [],
  docker: 'unknown',
};

const CONNECTING: SessionState = {
  target: { status: 'connecting', target: undefined, description: 'connecting…', error: undefined },
  engine: { version: undefined, error: undefined },
  projectFile: undefined,
  projectError: undefined,
};

export interface DeferredServices extends AppServices {
  /** Settles once the real session is in place (or failed to load). */
  readonly loaded: Promise<Session | undefined>;
  close(): Promise<void>;
}

/** Services that become `load()`'s session once it resolves. */
export function deferServices(
  settings: SettingsStore,
  load: () => Promise<Session>,
): DeferredServices {
  let session: Session | undefined;
  // Listeners that subscribed before the session came, and their subscriptions to it after.
  const watchListeners = new Map<(snapshot: LineageSnapshot) => void, () => void>();
  const sessionListeners = new Map<() => void, () => void>();
  const failed = createStore<SessionState>(CONNECTING);

  const loaded = load().then(
    (real) => {
      session = real;
      for (const listener of watchListeners.keys()) {
        watchListeners.set(listener, real.watch.subscribe(listener));
        listener(real.watch.getSnapshot());
      }
      for (const listener of sessionListeners.keys()) {
        sessionListeners.set(listener, real.session.subscribe(listener));
        listener();
      }
      return real;
    },
    (error: unknown) => {
      // The core did not load (a broken install): said in the header and the errors, never thrown.
      failed.set({
        ...CONNECTING,
        target: {
          status: 'failed',
          target: undefined,
          description: 'not connected',
          error: new LambdashError(
            'AWS_FAILED',
            `lambdash's core did not load: ${error instanceof Error ? error.message : String(error)}`,
            'Install lambdash again (npm install), then run `lambdash doctor`.',
            { cause: error },
          ),
        },
      });
      return undefined;
    },
  );

  const watch: LineageWatch = {
    getSnapshot: () => session?.watch.getSnapshot() ?? SYNCING,
    subscribe(listener) {
      if (session) return session.watch.subscribe(listener);
      watchListeners.set(listener, () => undefined);
      return () => {
        watchListeners.get(listener)?.();
        watchListeners.delete(listener);
      };
    },
    refresh: async () => (await loaded)?.watch.refresh(),
    close: () => session?.watch.close(),
  };

  const sessionStore: Store<SessionState> = {
    get: () => session?.session.get() ?? failed.get(),
    subscribe(listener) {
      if (session) return session.session.subscribe(listener);
      sessionListeners.set(listener, () => undefined);
      const unsubscribeFailed = failed.subscribe(listener);
      return () => {
        sessionListeners.get(listener)?.();
        sessionListeners.delete(listener);
        unsubscribeFailed();
      };
    },
  };

  const later =
    <K extends keyof Actions>(name: K) =>
    async (...args: Parameters<Actions[K]>): Promise<string> => {
      const real = await loaded;
      if (!real) throw failed.get().target.error;
      return (real.actions[name] as (...a: Parameters<Actions[K]>) => Promise<string>)(...args);
    };
  const actions: Actions = {
    build: later('build'),
    test: later('test'),
    push: later('push'),
    deploy: later('deploy'),
    remove: later('remove'),
    addResponder: later('addResponder'),
  };

  return {
    watch,
    actions,
    session: sessionStore,
    settings,
    loaded,
    reconnect: () => void loaded.then((real) => real?.reconnect()),
    close: async () => (await loaded)?.close(),
  };
}
