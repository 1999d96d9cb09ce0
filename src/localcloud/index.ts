// The local cloud as a library: `startLocalCloud()` serves the AWS APIs lambdash uses on
// 127.0.0.1, with state kept under a data folder, and hands back the environment that points
// any SDK or the AWS CLI at it. The services it runs are listed in SERVICES below.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createIamService, type IamService } from './iam.js';
import { LocalCloudServer } from './server.js';
import type { QueryService } from './service.js';
import { defaultDataDir, Store } from './store.js';
import { createStsService } from './sts.js';

export { ACCOUNT_ID, ServiceError } from './service.js';
export { defaultDataDir } from './store.js';

/** The port LocalStack made customary, so tools' local settings work unchanged. */
export const DEFAULT_PORT = 4566;
export const LOCAL_REGION = 'us-east-1';

export interface LocalCloudOptions {
  /** Default 4566; 0 picks a free port. The host is always 127.0.0.1. */
  port?: number;
  /** Where state is kept; default `defaultDataDir()`. */
  dataDir?: string;
}

/** What the services publish for each other (Lambda looks roles up in IAM, and so on). */
export interface LocalCloudServices {
  sts?: QueryService;
  iam?: IamService;
}

/** What a service gets to start with. */
export interface LocalCloudContext {
  readonly server: LocalCloudServer;
  readonly dataDir: string;
  readonly port: number;
  readonly endpoint: string;
  readonly services: LocalCloudServices;
  /** A durable collection under the data folder, flushed when the cloud stops. */
  openStore<T>(collection: string): Promise<Store<T>>;
  /** Runs when the cloud stops, in reverse order of registration. */
  onStop(cleanup: () => Promise<void> | void): void;
}

type StartService = (cloud: LocalCloudContext) => Promise<void>;

// The services the local cloud runs, started in this order once the server listens (so a port
// in use fails fast, before anything is spawned). To add one: write a start function that
// registers it on `cloud.server`, opens its stores through `cloud.openStore`, publishes itself
// in `cloud.services` if others need it, and registers its cleanup with `cloud.onStop`.
const SERVICES: readonly StartService[] = [
  async function sts(cloud) {
    cloud.services.sts = createStsService();
    cloud.server.registerQuery(cloud.services.sts);
  },
  async function iam(cloud) {
    cloud.services.iam = createIamService(await cloud.openStore('iam-roles'));
    cloud.server.registerQuery(cloud.services.iam);
  },
];

export interface LocalCloud {
  /** `http://127.0.0.1:<port>`: the `endpoint` of every SDK client. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly services: Readonly<LocalCloudServices>;
  /** AWS_ENDPOINT_URL, AWS_REGION and the (ignored but required) access keys. */
  env(): Record<string, string>;
  /** Stops serving, stops the services and waits until all state is on disk. */
  stop(): Promise<void>;
}

/** The port is taken by another process (or another local cloud). */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'EADDRINUSE';

  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} on 127.0.0.1 is already in use (another local cloud, or LocalStack?).`,
      options,
    );
  }
}

/** The data folder belongs to a local cloud that is still running. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The local cloud's data folder ${dataDir} is in use by process ${pid}.`);
  }
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const requestedPort = options.port ?? DEFAULT_PORT;
  await mkdir(dataDir, { recursive: true });
  const releaseLock = await lockDataDir(dataDir);

  const server = new LocalCloudServer();
  let port: number;
  try {
    port = await server.listen(requestedPort);
  } catch (error) {
    await releaseLock();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(requestedPort, { cause: error });
    }
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const stores = new Map<string, Promise<Store<unknown>>>();
  const cleanups: (() => Promise<void> | void)[] = [];
  const services: LocalCloudServices = {};
  const context: LocalCloudContext = {
    server,
    dataDir,
    port,
    endpoint,
    services,
    openStore<T>(collection: string) {
      let store = stores.get(collection);
      if (!store) {
        store = Store.open<unknown>(dataDir, collection);
        stores.set(collection, store);
      }
      return store as Promise<Store<T>>;
    },
    onStop(cleanup) {
      cleanups.push(cleanup);
    },
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const errors: unknown[] = [];
      await server.close();
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          errors.push(error);
        }
      }
      for (const store of stores.values()) {
        try {
          await (await store).flush();
        } catch (error) {
          errors.push(error);
        }
      }
      await releaseLock();
      if (errors.length > 0)
        throw new AggregateError(errors, 'The local cloud did not stop cleanly.');
    })();
    return stopping;
  };

  try {
    for (const start of SERVICES) await start(context);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  return {
    endpoint,
    port,
    dataDir,
    services,
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    }),
    stop,
  };
}

/**
 * One local cloud per data folder: two writing the same files would lose each other's changes.
 * The lock file holds the owner's pid; a lock whose process is gone is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldHere.add(dataDir);
      return async () => {
        heldHere.delete(dataDir);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (
      Number.isInteger(pid) &&
      pid > 0 &&
      isAlive(pid) &&
      (pid !== process.pid || heldHere.has(dataDir))
    ) {
      throw new DataDirInUseError(dataDir, pid);
    }
    await rm(file, { force: true });
  }
}

/** Data folders locked by this process (a pid match alone could be a stale lock from a reused pid). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
