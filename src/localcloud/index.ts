// The local cloud as a library: `startLocalCloud()` serves the AWS APIs lambdash uses on
// 127.0.0.1, with state kept under a data folder, and hands back the environment that points
// any SDK or the AWS CLI at it. The services it runs are listed in SERVICES below.
import { chmod, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { trustsLambda } from '../aws-rules/lambda-trust.js';
import { CredentialAuthority, type Credentials, loadRootCredentials } from './credentials.js';
import { announceLocalCloud, isAlive } from './discovery.js';
import { createEcrService } from './ecr-service.js';
import { createIamService, type IamService } from './iam.js';
import type { FunctionRecord } from './lambda-functions.js';
import type { LogSink } from './lambda-invoker.js';
import { LambdaService } from './lambda-service.js';
import type { LogEventInput } from './log-store.js';
import { createLogsService, type LogsService } from './logs-service.js';
import { type Registry, startRegistry } from './registry.js';
import { LocalCloudServer } from './server.js';
import type { QueryService } from './service.js';
import { defaultDataDir, Store } from './store.js';
import { createStsService } from './sts.js';

export type { Credentials } from './credentials.js';
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
  /**
   * Lambda's containers: at most `maxContainers` per function (default 10; more invocations
   * queue), each removed once idle for `idleMs` (default 5 minutes).
   */
  lambda?: { maxContainers?: number; idleMs?: number };
  /**
   * The engine Lambda's containers run on (a caller's client: another engine, its own
   * timeout); default a client for DOCKER_HOST, else the local socket.
   */
  docker?: Docker;
}

/** What the services publish for each other (Lambda looks roles up in IAM, and so on). */
export interface LocalCloudServices {
  /** Checks every request's signing key; issues role credentials (for functions, STS). */
  authority: CredentialAuthority;
  sts?: QueryService;
  iam?: IamService;
  logs?: LogsService;
  /** The registry's address, `127.0.0.1:PORT` (the host part of repository URIs). */
  registryHost?: string;
  /** The registry the cloud runs; its `credentials` are what Lambda's image pulls send. */
  registry?: Registry;
  lambda?: LambdaService;
}

/** What a service gets to start with. */
export interface LocalCloudContext {
  readonly server: LocalCloudServer;
  readonly options: LocalCloudOptions;
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
    // The services themselves, not a copy: IAM joins them after STS starts.
    cloud.services.sts = createStsService(cloud.services);
    cloud.server.registerQuery(cloud.services.sts);
  },
  async function iam(cloud) {
    cloud.services.iam = createIamService(await cloud.openStore('iam-roles'));
    cloud.server.registerQuery(cloud.services.iam);
  },
  async function logs(cloud) {
    const logs = await createLogsService({ dataDir: cloud.dataDir, region: LOCAL_REGION });
    cloud.services.logs = logs;
    cloud.server.registerJson('logs', logs.service);
    cloud.onStop(() => logs.close());
  },
  async function ecr(cloud) {
    const registry = await startRegistry({ dataDir: cloud.dataDir });
    cloud.onStop(() => registry.stop());
    const ecr = await createEcrService({ dataDir: cloud.dataDir, registry, region: LOCAL_REGION });
    cloud.onStop(() => ecr.close());
    cloud.services.registryHost = registry.host;
    cloud.services.registry = registry;
    cloud.server.registerJson('ecr', ecr.service);
  },
  async function lambda(cloud) {
    const store = await cloud.openStore<FunctionRecord>('lambda-functions');
    const { iam, logs } = cloud.services;
    const lambda = await LambdaService.create({
      docker: cloud.options.docker ?? new Docker(),
      region: LOCAL_REGION,
      authority: cloud.services.authority,
      endpoint: cloud.endpoint,
      dataDir: cloud.dataDir,
      ...(cloud.services.registryHost ? { registryHost: cloud.services.registryHost } : {}),
      ...(cloud.services.registry?.credentials
        ? { registryCredentials: cloud.services.registry.credentials }
        : {}),
      maxContainers: cloud.options.lambda?.maxContainers,
      idleMs: cloud.options.lambda?.idleMs,
      persistence: {
        load: async () => store.values(),
        // Both changes are made before the Store writes, so they land in one atomic write.
        save: async (records) => {
          await Promise.all([
            store.clear(),
            store.setMany(
              records.map((record) => [record.configuration.FunctionName, record] as const),
            ),
          ]);
        },
      },
      log: logs ? orderedLogSink(logs) : async () => {},
      // As Lambda does: the role must exist and trust lambda.amazonaws.com.
      roleAssumable: iam
        ? async (arn) => {
            const role = iam.findRole(arn);
            return role !== undefined && trustsLambda(role.AssumeRolePolicyDocument);
          }
        : undefined,
    });
    cloud.services.lambda = lambda;
    cloud.server.registerRest('lambda', '/2015-03-31/functions', lambda.functions);
    cloud.server.registerRest('lambda', '/2017-03-31/tags/', lambda.tags);
    cloud.onStop(() => lambda.close());
  },
];

/**
 * Function output goes to CloudWatch Logs in the order it was written. Lines that arrive while
 * a write is under way are gathered into the next one, so a chatty function costs a few
 * writes per invocation, not one per line; each call's promise settles once its lines are on
 * disk.
 */
function orderedLogSink(logs: LogsService): LogSink {
  const queues = new Map<
    string,
    { pending: LogEventInput[]; next?: Promise<void>; tail: Promise<void> }
  >();
  return (group, stream, events) => {
    const key = `${group}\n${stream}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = { pending: [], tail: Promise.resolve() };
      queues.set(key, queue);
    }
    const q = queue;
    q.pending.push(...events);
    if (!q.next) {
      q.next = q.tail.then(() => {
        const batch = q.pending.splice(0);
        q.next = undefined;
        return logs.appendLogEvents(group, stream, batch).catch(() => undefined);
      });
      q.tail = q.next;
    }
    return q.next;
  };
}

export interface LocalCloud {
  /** `http://127.0.0.1:<port>`: the `endpoint` of every SDK client. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly services: Readonly<LocalCloudServices>;
  /** The data folder's key pair: every request must be signed with it (or a role's session). */
  readonly credentials: Credentials;
  /** AWS_ENDPOINT_URL, AWS_REGION (and AWS_DEFAULT_REGION) and the data folder's keys. */
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
  // Ours alone: it holds the keys, and the registry's blobs (which the registry's auth guards).
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (((await stat(dataDir)).mode & 0o077) !== 0) await chmod(dataDir, 0o700);
  const releaseLock = await lockDataDir(dataDir);
  let credentials: CredentialAuthority;
  try {
    credentials = new CredentialAuthority(await loadRootCredentials(dataDir));
  } catch (error) {
    await releaseLock();
    throw error;
  }

  const server = new LocalCloudServer(credentials);
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
  const services: LocalCloudServices = { authority: credentials };
  const context: LocalCloudContext = {
    server,
    options,
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

  let withdrawNote: () => Promise<void> = async () => undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const errors: unknown[] = [];
      await withdrawNote().catch((error: unknown) => errors.push(error));
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
    // Only once it serves: a client that finds the note finds a working cloud.
    withdrawNote = await announceLocalCloud(port, dataDir);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  return {
    endpoint,
    port,
    dataDir,
    services,
    credentials: credentials.root,
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: LOCAL_REGION,
      // The AWS CLI v1 and older SDKs read only this one.
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: credentials.root.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.root.secretAccessKey,
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
