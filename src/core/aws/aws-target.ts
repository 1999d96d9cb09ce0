// Where AWS calls go. Real AWS when the machine is set up for it (keys, a profile, SSO, a
// container or web-identity role), else the local cloud: one already serving on 127.0.0.1:4566
// (or `LAMBDASH_CLOUD_PORT`), or one this process starts. The same SDK clients talk to either,
// so everything above this file is written once.
//
// Only a caller that connects (connectTarget: the CLI, the app, a library user) may start a
// local cloud. The default target, used by a library call given no `target`, never starts one:
// servers are never a side effect of a call that did not ask for them.
//
// Instance roles (EC2's metadata service) are used only when AWS is asked for by name: probing
// 169.254.169.254 on every start would cost a second and reach outside this machine.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { chosenDocker } from '../common/default-docker.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { awsError } from './aws-errors.js';
import { endpointCredentials, REFUSED_KEY } from './endpoint-credentials.js';
import { localCloudPort } from './local-cloud-port.js';

export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly ecr: ECRClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly logs: CloudWatchLogsClient;
}

export interface AwsTarget {
  /** `aws`: an AWS account; `local`: lambdash's local cloud. */
  readonly kind: 'aws' | 'local';
  readonly region: string;
  readonly accountId: string;
  /** The endpoint every client calls; undefined for AWS's own. */
  readonly endpoint: string | undefined;
  /** The AWS profile in use, when one was named. */
  readonly profile: string | undefined;
  /** This process started the local cloud (close() stops it). */
  readonly started: boolean;
  readonly clients: AwsClients;
  /** A line for people: "AWS 123456789012 eu-west-1" or "local cloud 127.0.0.1:4566". */
  readonly description: string;
  /** Closes the clients; stops a local cloud this process started. */
  close(): Promise<void>;
}

export interface TargetOptions extends OperationOptions {
  /**
   * `aws` insists on AWS (instance roles included), `local` on the local cloud; by default AWS
   * when credentials are configured, else the local cloud. Either way a local cloud is started
   * in this process when none serves: calling connectTarget is choosing where calls go.
   */
  readonly kind?: 'aws' | 'local';
  readonly region?: string;
  readonly profile?: string;
  /** An AWS-compatible endpoint (a local cloud elsewhere, LocalStack); AWS_ENDPOINT_URL too. */
  readonly endpoint?: string;
  /**
   * The local cloud to start when none is serving: its data folder and port (default
   * `LAMBDASH_CLOUD_PORT`, else 4566).
   */
  readonly localCloud?: { readonly dataDir?: string; readonly port?: number };
}

const LOCAL_REGION = 'us-east-1';
const PROBE_TIMEOUT_MS = 500;
/** Throttling and transient errors are retried by the SDK, with jittered exponential backoff. */
const MAX_ATTEMPTS = 6;

/**
 * Works out where AWS calls go, checks the credentials with STS and returns the clients. Starts
 * a local cloud in this process when the local cloud is chosen (by `kind`, or because AWS is
 * not configured) and none serves; `started` says so, and close() stops it.
 */
export function connectTarget(options: TargetOptions = {}): Promise<AwsTarget> {
  return connect(options, true);
}

/** connectTarget; `mayStart` false finds a serving local cloud but never starts one. */
async function connect(options: TargetOptions, mayStart: boolean): Promise<AwsTarget> {
  throwIfAborted(options.signal, 'Connecting to AWS');
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const profile = options.profile ?? process.env.AWS_PROFILE;
  let target: AwsTarget;
  if (options.kind === 'local' || (options.kind !== 'aws' && !endpoint && !hasAwsSetup(profile))) {
    target = endpoint
      ? await connectEndpoint(endpoint, options)
      : await connectLocalCloud(options, mayStart);
  } else if (endpoint) {
    target = await connectEndpoint(endpoint, options);
  } else {
    target = await connectAws(profile, options);
  }
  emit(options, {
    type: 'aws.target',
    kind: target.kind,
    region: target.region,
    accountId: target.accountId,
    endpoint: target.endpoint,
    started: target.started,
  });
  return target;
}

let defaultTarget: Promise<AwsTarget> | undefined;

/**
 * The target every AWS function uses when not given one: the one set with setDefaultTarget,
 * else (connected once per process) AWS_ENDPOINT_URL when set, AWS when this machine is set
 * up for it, a local cloud already serving on 127.0.0.1 (`LAMBDASH_CLOUD_PORT`, else 4566).
 * It never starts a server: with none of those it fails with AWS_CREDENTIALS, whose hint says
 * how to choose a target.
 */
export function getDefaultTarget(options: OperationOptions = {}): Promise<AwsTarget> {
  if (!defaultTarget) {
    const connecting = connect({ ...(options.onEvent ? { onEvent: options.onEvent } : {}) }, false);
    defaultTarget = connecting;
    // A failed connection is not remembered: the next call tries again (after `aws sso login`).
    connecting.catch(() => {
      if (defaultTarget === connecting) defaultTarget = undefined;
    });
  }
  return defaultTarget;
}

/** Makes `target` the one AWS functions use by default (undefined forgets it). */
export function setDefaultTarget(target: AwsTarget | undefined): void {
  defaultTarget = target ? Promise.resolve(target) : undefined;
}

/** The target of an operation: the one it was given, or the default. */
export function targetOf(options: { readonly target?: AwsTarget } & OperationOptions) {
  return options.target ? Promise.resolve(options.target) : getDefaultTarget(options);
}

/** Whether this machine is set up for AWS (without calling anything). */
function hasAwsSetup(profile: string | undefined): boolean {
  const env = process.env;
  if (profile) return true;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return true;
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  const home = os.homedir();
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials');
  const config = env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config');
  return existsSync(credentials) || existsSync(config);
}

async function connectAws(profile: string | undefined, options: TargetOptions): Promise<AwsTarget> {
  const credentials = fromNodeProviderChain(profile ? { profile } : {});
  const region = await resolveRegion(options.region, profile);
  const clients = makeClients({ region, credentials, ...(profile ? { profile } : {}) });
  const accountId = await callerAccount(clients, options, profile);
  return {
    kind: 'aws',
    region,
    accountId,
    endpoint: undefined,
    profile,
    started: false,
    clients,
    description: `AWS ${accountId} ${region}${profile ? ` (profile ${profile})` : ''}`,
    close: async () => destroyClients(clients),
  };
}

async function connectEndpoint(endpoint: string, options: TargetOptions): Promise<AwsTarget> {
  const url = checkEndpoint(endpoint);
  const region = options.region ?? process.env.AWS_REGION ?? LOCAL_REGION;
  const credentials = await endpointCredentials(url);
  const clients = makeClients({ region, credentials, endpoint: url });
  const accountId = await callerAccount(clients, options, undefined, url);
  return localTarget(clients, region, accountId, url, false, async () => undefined);
}

async function connectLocalCloud(options: TargetOptions, mayStart: boolean): Promise<AwsTarget> {
  const port = options.localCloud?.port ?? localCloudPort();
  const region = options.region ?? LOCAL_REGION;
  // A local cloud already serving (the terminal app's, `lambdash cloud`) is shared.
  if (port !== 0) {
    const url = `http://127.0.0.1:${port}`;
    const running = await probeLocalCloud(url, region);
    if (running) return localTarget(running.clients, region, running.accountId, url, false);
  }
  if (!mayStart) throw noTargetChosen(port);
  const { startLocalCloud, DataDirInUseError, PortInUseError } = await import(
    '../../localcloud/index.js'
  );
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  try {
    // The caller's Docker client, if one was set, is the engine the cloud's functions run on.
    const docker = chosenDocker();
    cloud = await startLocalCloud({
      port,
      ...(options.localCloud?.dataDir ? { dataDir: options.localCloud.dataDir } : {}),
      ...(docker ? { docker } : {}),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new LambdashError(
        'LOCAL_CLOUD_FAILED',
        `Port ${port} on 127.0.0.1 is taken by something that is not lambdash's local cloud.`,
        'Stop what listens there (LocalStack?), or give the local cloud another port: LAMBDASH_CLOUD_PORT=4567.',
        { cause: error },
      );
    }
    if (error instanceof DataDirInUseError) {
      throw new LambdashError(
        'LOCAL_CLOUD_FAILED',
        `${error.message}`,
        `Use the local cloud of that process (set AWS_ENDPOINT_URL to its address), or stop it (kill ${error.pid}).`,
        { cause: error },
      );
    }
    throw new LambdashError(
      'LOCAL_CLOUD_FAILED',
      `The local cloud did not start: ${(error as Error).message}`,
      'Run `lambdash doctor` to see what is missing (the Docker engine, docker-registry).',
      { cause: error },
    );
  }
  const clients = makeClients({ region, credentials: cloud.credentials, endpoint: cloud.endpoint });
  const accountId = await callerAccount(clients, options, undefined, cloud.endpoint).catch(
    async (error: unknown) => {
      await cloud.stop();
      throw error;
    },
  );
  return localTarget(clients, region, accountId, cloud.endpoint, true, () => cloud.stop());
}

/** Why the default target found nowhere to send calls, and how to choose where. */
function noTargetChosen(port: number): LambdashError {
  const serving =
    port === 0
      ? 'no local cloud is shared (LAMBDASH_CLOUD_PORT=0)'
      : `no local cloud serves 127.0.0.1:${port}`;
  return new LambdashError(
    'AWS_CREDENTIALS',
    `No target was chosen for AWS calls: AWS is not configured on this machine, AWS_ENDPOINT_URL is not set, and ${serving}. A library call given no \`target\` never starts a local cloud itself.`,
    "Choose one: `setDefaultTarget(await connectTarget({ kind: 'local' }))` starts the local cloud in this process (or pass `target` to each call); or run `lambdash cloud` in another terminal; or configure AWS (`aws configure`, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).",
  );
}

function localTarget(
  clients: AwsClients,
  region: string,
  accountId: string,
  endpoint: string,
  started: boolean,
  stop: () => Promise<void> = async () => undefined,
): AwsTarget {
  return {
    kind: 'local',
    region,
    accountId,
    endpoint,
    profile: undefined,
    started,
    clients,
    description: `local cloud ${new URL(endpoint).host}`,
    close: async () => {
      destroyClients(clients);
      await stop();
    },
  };
}

/**
 * The local cloud at `url`, when one answers STS there. One that answers but refuses the keys
 * this user can find belongs to someone else (another user, a data folder we cannot read).
 */
async function probeLocalCloud(url: string, region: string) {
  const credentials = await endpointCredentials(url);
  const clients = makeClients({ region, credentials, endpoint: url, maxAttempts: 1 });
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (identity.Account) return { clients, accountId: identity.Account };
  } catch (error) {
    if (REFUSED_KEY.has((error as { name?: string }).name ?? '')) {
      destroyClients(clients);
      throw new LambdashError(
        'LOCAL_CLOUD_FAILED',
        `A local cloud serves ${url}, but it refuses the keys this user can read.`,
        'Export the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY that its `lambdash cloud` printed, with AWS_ENDPOINT_URL, or use another port: LAMBDASH_CLOUD_PORT=4567.',
        { cause: error },
      );
    }
    // Nothing there, or something that does not speak STS.
  }
  destroyClients(clients);
  return undefined;
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${endpoint}" is not an endpoint URL.`,
      'Give a URL such as http://127.0.0.1:4566.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${endpoint}" is not an http(s) URL.`,
      'Give a URL such as http://127.0.0.1:4566.',
    );
  }
  return url.origin;
}

async function resolveRegion(region: string | undefined, profile: string | undefined) {
  if (region) return region;
  // The SDK's own resolution: AWS_REGION, AWS_DEFAULT_REGION, then the profile's config.
  const probe = new STSClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    throw new LambdashError(
      'AWS_CREDENTIALS',
      'No AWS region is set.',
      `Set one: export AWS_REGION=eu-west-1, or \`aws configure set region eu-west-1${profile ? ` --profile ${profile}` : ''}\`.`,
    );
  } finally {
    probe.destroy();
  }
}

async function callerAccount(
  clients: AwsClients,
  options: TargetOptions,
  profile: string | undefined,
  endpoint?: string,
): Promise<string> {
  emit(options, { type: 'aws.call', service: 'STS', operation: 'GetCallerIdentity' });
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}), {
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
    if (!identity.Account) throw new Error('STS answered without an account id');
    return identity.Account;
  } catch (error) {
    destroyClients(clients);
    throw awsError(error, {
      service: 'STS',
      operation: 'GetCallerIdentity',
      profile,
      endpoint,
      signal: options.signal,
    });
  }
}

interface ClientConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly maxAttempts?: number;
}

function makeClients(config: ClientConfig): AwsClients {
  const settings = { maxAttempts: MAX_ATTEMPTS, ...config };
  return {
    lambda: new LambdaClient(settings),
    ecr: new ECRClient(settings),
    iam: new IAMClient(settings),
    sts: new STSClient(settings),
    logs: new CloudWatchLogsClient(settings),
  };
}

function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
