// Where AWS calls go: a local cloud at an endpoint, one already serving (shared, not started
// again), one this process starts and stops, and the local cloud chosen because this machine has
// no AWS set-up. Credentials that cannot work give errors that say how to fix them; none of these
// tests leaves loopback (the metadata service is switched off, HOME is a temporary folder).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectTarget,
  getDefaultTarget,
  setDefaultTarget,
} from '../../../src/core/aws/aws-target.js';
import { setDefaultDocker } from '../../../src/core/common/default-docker.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { getAllEcrRepos } from '../../../src/core/ecr/ecr-repos.js';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { startDockerProxy } from '../../support/docker-proxy.js';

const AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'LAMBDASH_CLOUD_PORT',
  'HOME',
];
const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));
let home: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'lambdash-home-'));
  for (const name of AWS_VARIABLES) delete process.env[name];
  process.env.HOME = home;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(home, { recursive: true, force: true });
});

async function privateCloud(port = 0): Promise<LocalCloud> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-target-'));
  const cloud = await startLocalCloud({ port, dataDir });
  cleanups.push(async () => {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return cloud;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectTarget', () => {
  it('talks to a local cloud at an endpoint, announcing the target and its STS call', async () => {
    const cloud = await privateCloud();
    const events: LambdashEvent[] = [];
    const target = await connectTarget({
      endpoint: cloud.endpoint,
      onEvent: (e) => events.push(e),
    });
    cleanups.push(() => target.close());
    expect([target.kind, target.accountId, target.region, target.endpoint, target.started]).toEqual(
      ['local', '000000000000', 'us-east-1', cloud.endpoint, false],
    );
    expect(target.description).toBe(`local cloud ${new URL(cloud.endpoint).host}`);
    expect(events).toEqual([
      { type: 'aws.call', service: 'STS', operation: 'GetCallerIdentity' },
      {
        type: 'aws.target',
        kind: 'local',
        region: 'us-east-1',
        accountId: '000000000000',
        endpoint: cloud.endpoint,
        started: false,
      },
    ]);
  });

  it('shares a local cloud already serving on its port instead of starting another', async () => {
    const port = await freePort();
    const cloud = await privateCloud(port);
    const target = await connectTarget({ kind: 'local', localCloud: { port } });
    cleanups.push(() => target.close());
    expect([target.endpoint, target.started]).toEqual([cloud.endpoint, false]);
  });

  it('starts the local cloud when this machine has no AWS set-up, and stops it on close', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-started-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const target = await connectTarget({ localCloud: { port: 0, dataDir } });
    expect([target.kind, target.started]).toEqual(['local', true]);
    const endpoint = target.endpoint!;
    const answer = await fetch(endpoint, { method: 'POST' }).then((r) => r.status);
    expect(answer).toBeGreaterThanOrEqual(400);
    await target.close();
    await expect(fetch(endpoint, { method: 'POST' })).rejects.toThrow(/fetch failed/);
  });

  it("runs a started cloud's functions on the Docker client the caller set", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-docker-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // A client of the caller's own, whose requests a proxy in front of the engine sees.
    const proxy = await startDockerProxy();
    cleanups.push(() => proxy.kill());
    setDefaultDocker(new Docker({ socketPath: proxy.host.slice('unix://'.length) }));
    cleanups.push(async () => setDefaultDocker(undefined));
    const target = await connectTarget({ kind: 'local', localCloud: { port: 0, dataDir } });
    cleanups.push(() => target.close());
    expect(target.started).toBe(true);
    // Lambda's start lists the containers earlier runs of its data folder left: through the proxy.
    expect(proxy.requests).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GET \S*\/containers\/json\?/)]),
    );
  });

  it('says what to do when nothing answers at the endpoint', async () => {
    const port = await freePort();
    const error = await connectTarget({ endpoint: `http://127.0.0.1:${port}` }).catch((e) => e);
    expect(error.code).toBe('AWS_FAILED');
    expect(error.message).toBe(
      `STS GetCallerIdentity could not reach http://127.0.0.1:${port} (ECONNREFUSED).`,
    );
    expect(error.hint).toBe('Start the local cloud (lambdash cloud), or unset AWS_ENDPOINT_URL.');
  });

  it('refuses an endpoint that is not an http URL', async () => {
    const error = await connectTarget({ endpoint: 'ftp://127.0.0.1:21' }).catch((e) => e);
    expect([error.code, error.message]).toEqual([
      'INVALID_OPTION',
      '"ftp://127.0.0.1:21" is not an http(s) URL.',
    ]);
  });

  it('asks for a region when AWS is configured without one', async () => {
    const error = await connectTarget({ kind: 'aws', profile: 'nowhere' }).catch((e) => e);
    expect([error.code, error.message, error.hint]).toEqual([
      'AWS_CREDENTIALS',
      'No AWS region is set.',
      'Set one: export AWS_REGION=eu-west-1, or `aws configure set region eu-west-1 --profile nowhere`.',
    ]);
  });

  it('tells an expired SSO session to sign in again, naming the profile', async () => {
    const startUrl = 'https://example.awsapps.com/start';
    mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
    // A file of its own: the SDK caches the config files it has read (an earlier test's none).
    process.env.AWS_CONFIG_FILE = path.join(home, '.aws', 'sso-config');
    writeFileSync(
      process.env.AWS_CONFIG_FILE,
      [
        '[profile dev]',
        `sso_start_url = ${startUrl}`,
        'sso_region = eu-west-1',
        'sso_account_id = 123456789012',
        'sso_role_name = Developer',
        'region = eu-west-1',
        '',
      ].join('\n'),
    );
    const { createHash } = await import('node:crypto');
    const cacheName = createHash('sha1').update(startUrl).digest('hex');
    writeFileSync(
      path.join(home, '.aws', 'sso', 'cache', `${cacheName}.json`),
      JSON.stringify({
        startUrl,
        region: 'eu-west-1',
        accessToken: 'expired-token',
        expiresAt: '2020-01-01T00:00:00Z',
      }),
    );
    const error = await connectTarget({ profile: 'dev' }).catch((e) => e);
    expect(error.code).toBe('AWS_CREDENTIALS');
    expect(error.hint).toBe('Sign in again: aws sso login --profile dev');
  });
});

describe('getDefaultTarget', () => {
  beforeEach(() => {
    // An earlier test's config file would make this machine one set up for AWS.
    delete process.env.AWS_CONFIG_FILE;
    setDefaultTarget(undefined);
    cleanups.push(async () => setDefaultTarget(undefined));
  });

  /** Whether anything answers HTTP on the port. */
  const serving = (port: number) =>
    fetch(`http://127.0.0.1:${port}`, { method: 'POST' }).then(
      () => true,
      () => false,
    );

  /** The default target, checked to be the local cloud at `endpoint`, found and not started. */
  async function defaultLocalTarget(endpoint: string) {
    const target = await getDefaultTarget();
    cleanups.push(() => target.close());
    expect([target.kind, target.endpoint, target.started]).toEqual(['local', endpoint, false]);
    return target;
  }

  it('starts no server when nothing was chosen, and says how to choose', async () => {
    const port = await freePort();
    process.env.LAMBDASH_CLOUD_PORT = String(port);
    const error = await getDefaultTarget().catch((e) => e);
    expect([error.code, error.message]).toEqual([
      'AWS_CREDENTIALS',
      `No target was chosen for AWS calls: AWS is not configured on this machine, AWS_ENDPOINT_URL is not set, and no local cloud serves 127.0.0.1:${port}. A library call given no \`target\` never starts a local cloud itself.`,
    ]);
    expect(error.hint).toContain(
      "`setDefaultTarget(await connectTarget({ kind: 'local' }))` starts the local cloud in this process",
    );
    expect(error.hint).toContain('run `lambdash cloud`');
    expect(error.hint).toContain('configure AWS');
    expect(await serving(port)).toBe(false);
    // A library call given no target fails the same way, and starts nothing either.
    const listing = await getAllEcrRepos().catch((e) => e);
    expect([listing.code, listing.message]).toEqual([error.code, error.message]);
    expect(await serving(port)).toBe(false);
  });

  it('says none is shared when LAMBDASH_CLOUD_PORT is 0', async () => {
    process.env.LAMBDASH_CLOUD_PORT = '0';
    const error = await getDefaultTarget().catch((e) => e);
    expect(error.message).toContain('no local cloud is shared (LAMBDASH_CLOUD_PORT=0)');
  });

  it('finds a local cloud already serving on the port, without starting one', async () => {
    const port = await freePort();
    process.env.LAMBDASH_CLOUD_PORT = String(port);
    const cloud = await privateCloud(port);
    const target = await defaultLocalTarget(cloud.endpoint);
    expect(await getDefaultTarget()).toBe(target);
  });

  it('uses AWS_ENDPOINT_URL when it is set', async () => {
    const cloud = await privateCloud();
    process.env.AWS_ENDPOINT_URL = cloud.endpoint;
    cleanups.push(async () => {
      delete process.env.AWS_ENDPOINT_URL;
    });
    await defaultLocalTarget(cloud.endpoint);
  });

  it('is the target set with setDefaultTarget, which an explicit local cloud may be', async () => {
    const port = await freePort();
    process.env.LAMBDASH_CLOUD_PORT = String(port);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-default-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // Choosing the local cloud by name still starts one.
    const target = await connectTarget({ kind: 'local', localCloud: { dataDir } });
    cleanups.push(() => target.close());
    expect([target.kind, target.endpoint, target.started]).toEqual([
      'local',
      `http://127.0.0.1:${port}`,
      true,
    ]);
    setDefaultTarget(target);
    expect(await getDefaultTarget()).toBe(target);
    expect(await getAllEcrRepos()).toEqual([]);
  });
});
