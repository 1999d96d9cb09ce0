// The real services behind the app: the AWS target (connected from the flags, else the
// settings, else the environment: AWS when configured, else the local cloud, started here when
// none serves; connected again when those settings change), the Docker engine's version, the
// project file, the live lineage over all of them, and the actions.
// Everything starts in the background: the first frame never waits for AWS or Docker.
import {
  connectTarget,
  getDockerEngine,
  getLineage,
  isLambdashError,
  LambdashError,
  loadProject,
  type Project,
  type ResponderSpec,
  resolveSource,
  watchLineage,
} from '../core/internal.js';
import { createActions } from './actions.js';
import { type AppContainers, appContainers } from './app-containers.js';
import {
  type AppServices,
  createStore,
  type EngineState,
  type SessionState,
  type TargetState,
} from './services.js';
import { openSettings, type SettingsStore } from './settings.js';

export interface SessionOptions {
  readonly projectDir: string;
  /** Flags that win over the settings for this session. */
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly local?: boolean;
  readonly settings?: SettingsStore;
  /** The containers the app starts (the REPL's); by default the app's own registry. */
  readonly containers?: AppContainers;
}

export interface Session extends AppServices {
  /**
   * Stops the watch, the containers the app started, and closes the target (a local cloud
   * this process started stops).
   */
  close(): Promise<void>;
}

export function createSession(options: SessionOptions): Session {
  const settings = options.settings ?? openSettings();
  const connecting: TargetState = {
    status: 'connecting',
    target: undefined,
    description: 'connecting…',
    error: undefined,
  };
  const store = createStore<SessionState>({
    target: connecting,
    engine: { version: undefined, error: undefined },
    projectFile: undefined,
    projectError: undefined,
  });
  const update = (change: Partial<SessionState>) => store.set({ ...store.get(), ...change });
  let project: Project | undefined;
  let closed = false;

  const readProject = async () => {
    try {
      project = await loadProject(options.projectDir);
      update({ projectFile: project?.file, projectError: undefined });
    } catch (error) {
      update({ projectError: asLambdashError(error) });
    }
    return project;
  };

  let connection = 0;
  // Connections under way: close() waits for them, since one may be starting a local cloud.
  const pendingConnections = new Set<Promise<void>>();
  const connect = (): Promise<void> => {
    // A reconnect that comes after close() must not start anything.
    if (closed) return Promise.resolve();
    const attempt = connectOnce();
    pendingConnections.add(attempt);
    const settled = () => void pendingConnections.delete(attempt);
    attempt.then(settled, settled);
    return attempt;
  };
  const connectOnce = async () => {
    const attempt = ++connection;
    const current = settings.get();
    const endpoint = options.endpoint ?? current.endpoint;
    const local = options.local ?? current.local;
    const region = options.region ?? current.region;
    const profile = options.profile ?? current.profile;
    update({ target: connecting });
    try {
      const target = await connectTarget({
        ...(endpoint ? { endpoint } : {}),
        ...(region ? { region } : {}),
        ...(profile ? { profile } : {}),
        ...(local ? { kind: 'local' as const } : {}),
      });
      // Closed meanwhile (close() waits for this), or replaced by a newer connection.
      if (closed || attempt !== connection) {
        await target.close();
        return;
      }
      // The header says when the app started the local cloud itself: it stops when the app quits.
      const description = target.started
        ? `${target.description} (started by the app)`
        : target.description;
      update({ target: { status: 'connected', target, description, error: undefined } });
    } catch (error) {
      if (attempt !== connection) return;
      update({
        target: {
          status: 'failed',
          target: undefined,
          description: 'not connected',
          error: asLambdashError(error),
        },
      });
    }
  };

  const askEngine = async () => {
    try {
      const info = await getDockerEngine();
      update({ engine: { version: info.version, error: undefined } satisfies EngineState });
    } catch (error) {
      update({ engine: { version: undefined, error: asLambdashError(error) } });
    }
  };

  // The first read waits for the project and the target, so it is the one that counts.
  const ready = Promise.all([readProject(), connect(), askEngine()]);
  // Without a project file there are no project rows to keep: everything shows.
  const responders = (): ResponderSpec[] | undefined =>
    project?.responders.map((entry) => ({
      source: resolveSource(project!, entry),
      handler: entry.handler,
      name: entry.name,
    }));
  const targetNow = () => store.get().target.target;
  const watch = watchLineage({
    intervalMs: () => settings.get().refreshSeconds * 1000,
    load: async (signal, docker) => {
      await ready;
      const target = targetNow();
      const projectResponders = responders();
      return getLineage({
        signal,
        ...(target ? { target } : { aws: false }),
        local: docker !== 'down',
        ...(projectResponders ? { responders: projectResponders } : {}),
        scope: settings.get().scope,
      });
    },
  });
  // The scope changes which rows there are: read them again at once.
  let scope = settings.get().scope;
  const stopScope = settings.subscribe((changed) => {
    if (changed.scope === scope) return;
    scope = changed.scope;
    void watch.refresh();
  });
  const containers = options.containers ?? appContainers;
  watch.subscribe((snapshot) => {
    if (snapshot.docker === 'up' && !store.get().engine.version) void askEngine();
    // A container the app started whose image a rebuild replaced goes; only on a good read
    // with the engine up, when a missing image means it is gone, not that it went unseen.
    if (!snapshot.syncing && !snapshot.error && snapshot.docker !== 'down') {
      void containers.retire(snapshot.rows);
    }
  });

  const actions = createActions({
    target: targetNow,
    project: readProject,
    projectDir: options.projectDir,
    projectChanged(changed) {
      project = changed;
      update({ projectFile: changed.file });
      void watch.refresh();
    },
  });

  return {
    watch,
    actions,
    session: store,
    settings,
    reconnect() {
      const old = targetNow();
      void (async () => {
        await old?.close().catch(() => undefined);
        await connect();
        await watch.refresh();
      })();
    },
    async close() {
      closed = true;
      stopScope();
      watch.close();
      await Promise.all([
        containers.close(),
        (async () => {
          // A connection still under way (a local cloud starting) is waited for: it stops what
          // it started once it sees `closed`. A process that ended mid-start would leave that
          // cloud half-started. How long this may take is the caller's deadline (runApp's).
          await Promise.all(pendingConnections);
          await targetNow()
            ?.close()
            .catch(() => undefined);
        })(),
      ]);
    },
  };
}

function asLambdashError(error: unknown): LambdashError {
  if (isLambdashError(error)) return error;
  return new LambdashError(
    'AWS_FAILED',
    error instanceof Error ? error.message : String(error),
    undefined,
    { cause: error },
  );
}
