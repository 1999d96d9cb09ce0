// The engine connection against the real engine, and against places where none answers.
// docker.ts caches the engine's answer per process, so each test imports a fresh copy.
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { testDocker } from '../../support/docker.js';
import { type DockerProxy, startDockerProxy } from '../../support/docker-proxy.js';

/** docker.js and errors.js loaded anew: no cached engine, and the LambdashError class docker.js throws. */
async function freshDockerModule() {
  vi.resetModules();
  const docker = await import('../../../src/core/images/docker.js');
  const { isLambdashError } = await import('../../../src/core/common/errors.js');
  const { setDefaultDocker } = await import('../../../src/core/common/default-docker.js');
  return { ...docker, isLambdashError, setDefaultDocker };
}

/** A TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('getDockerEngine', () => {
  const notASocket = join(tmpdir(), `lambdash-not-a-socket-${process.pid}`);
  writeFileSync(notASocket, '');
  afterAll(() => rmSync(notASocket, { force: true }));

  it.each([
    {
      what: 'a socket path that does not exist',
      host: () => `unix:///tmp/nonexistent-${process.pid}.sock`,
    },
    { what: 'a file that is not a socket', host: () => `unix://${notASocket}` },
    {
      what: 'a TCP port nobody listens on',
      host: async () => `tcp://127.0.0.1:${await closedPort()}`,
    },
  ])('rejects with DOCKER_UNAVAILABLE and how to start an engine for $what', async ({ host }) => {
    const dockerHost = await host();
    vi.stubEnv('DOCKER_HOST', dockerHost);
    const { getDockerEngine, isLambdashError } = await freshDockerModule();
    const error = await getDockerEngine().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isLambdashError(error, 'DOCKER_UNAVAILABLE')).toBe(true);
    if (!isLambdashError(error)) return;
    expect(error.message).toBe(
      `Could not reach the Docker engine: no Docker engine answers at ${dockerHost}.`,
    );
    expect(error.hint).toMatch(/run `dockerd`/);
    expect(error.hint).toMatch(/scripts\/provision\.sh/);
    expect(error.hint).toMatch(/DOCKER_HOST/);
  });

  it('does not keep a failure: the engine is found once DOCKER_HOST is fixed', async () => {
    const { getDockerEngine } = await freshDockerModule();
    vi.stubEnv('DOCKER_HOST', `unix:///tmp/nonexistent-${process.pid}.sock`);
    await expect(getDockerEngine()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
    vi.unstubAllEnvs();
    const version = await testDocker().version();
    await expect(getDockerEngine()).resolves.toMatchObject({
      version: version.Version,
      apiVersion: version.ApiVersion,
    });
  });

  it('reports the engine, once per process', async () => {
    const { getDockerEngine } = await freshDockerModule();
    const version = await testDocker().version();
    const engine = await getDockerEngine();
    expect(engine).toMatchObject({
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: 'linux',
      arch: version.Arch,
    });
    expect(await getDockerEngine()).toBe(engine);
  });

  it('picks host networking exactly when the engine has no bridge network', async () => {
    const { getDockerEngine } = await freshDockerModule();
    const networks = await testDocker().listNetworks();
    const hasBridge = networks.some((n) => n.Name === 'bridge');
    // The engine provision.sh starts has none (--bridge=none): 'host' on this project's machines.
    expect((await getDockerEngine()).network).toBe(hasBridge ? 'bridge' : 'host');
  });

  it.each(['host', 'bridge'] as const)('follows LAMBDASH_DOCKER_NETWORK=%s', async (network) => {
    vi.stubEnv('LAMBDASH_DOCKER_NETWORK', network);
    const { getDockerEngine } = await freshDockerModule();
    expect((await getDockerEngine()).network).toBe(network);
  });
});

describe('getDocker', () => {
  it('makes a new client when DOCKER_HOST changes, and keeps it otherwise', async () => {
    const { getDocker } = await freshDockerModule();
    vi.stubEnv('DOCKER_HOST', 'unix:///tmp/one.sock');
    const one = getDocker();
    expect(getDocker()).toBe(one);
    expect((one.modem as { socketPath?: string }).socketPath).toBe('/tmp/one.sock');
    vi.stubEnv('DOCKER_HOST', 'unix:///tmp/two.sock');
    const two = getDocker();
    expect(two).not.toBe(one);
    expect((two.modem as { socketPath?: string }).socketPath).toBe('/tmp/two.sock');
  });
});

describe('setDefaultDocker', () => {
  const proxies: DockerProxy[] = [];
  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.kill();
  });

  /** docker.js with a local-image query over it, loaded anew (no client set, none cached). */
  async function freshModules() {
    const docker = await freshDockerModule();
    const { getAllLocalImages } = await import('../../../src/core/images/local-image-queries.js');
    return { ...docker, getAllLocalImages };
  }

  it('is the client the image functions call, until it is unset', async () => {
    const { setDefaultDocker, getDefaultDocker, getDockerEngine, getAllLocalImages } =
      await freshModules();
    // A client of the caller's own, whose requests a proxy in front of the engine sees.
    const proxy = await startDockerProxy();
    proxies.push(proxy);
    const mine = new Docker({ socketPath: proxy.host.slice('unix://'.length) });
    const usual = getDefaultDocker();
    setDefaultDocker(mine);
    expect(getDefaultDocker()).toBe(mine);
    const engine = await getDockerEngine();
    await getAllLocalImages();
    expect(proxy.requests).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \S*\/version /),
        expect.stringMatching(/^GET \S*\/images\/json/),
      ]),
    );
    setDefaultDocker(undefined);
    expect(getDefaultDocker()).toBe(usual);
    // The engine is asked again through the usual client: its answer is kept per client.
    expect(await getDockerEngine()).not.toBe(engine);
  });

  it("asks a known engine nothing, and a known engine's answer starts no sweep", async () => {
    const { setDefaultDocker, getDockerEngine } = await freshModules();
    const { noteLeftover, sweepLeftovers } = await import('../../../src/core/images/leftovers.js');
    const proxy = await startDockerProxy();
    proxies.push(proxy);
    const mine = new Docker({ socketPath: proxy.host.slice('unix://'.length) });
    setDefaultDocker(mine);
    const sweeps = () => proxy.requests.filter((line) => /\/containers\/json/.test(line)).length;
    try {
      // The engine's first use, swept here rather than in the background, then asked once.
      await sweepLeftovers(mine);
      await getDockerEngine();
      const asked = proxy.requests.length;
      expect(sweeps()).toBe(1);
      // A removal this process owes the engine, due for a retry: a use of the engine now sweeps.
      noteLeftover(mine, { container: `lambdash-test-owed-${process.pid}` });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 60_000);
      await getDockerEngine();
      expect(proxy.requests.length).toBe(asked);
      // A sweep started by that call would be running now, and this one would wait for it.
      await sweepLeftovers(mine);
      expect(sweeps()).toBe(2);
    } finally {
      vi.useRealTimers();
      setDefaultDocker(undefined);
    }
  });

  it("names the set client's socket when no engine answers there", async () => {
    const { setDefaultDocker, getDockerEngine, isLambdashError } = await freshModules();
    const socketPath = `/tmp/nonexistent-default-${process.pid}.sock`;
    setDefaultDocker(new Docker({ socketPath }));
    const error = await getDockerEngine().catch((e: unknown) => e);
    setDefaultDocker(undefined);
    expect(isLambdashError(error, 'DOCKER_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe(
      `Could not reach the Docker engine: no Docker engine answers at unix://${socketPath}.`,
    );
  });
});

describe('dockerError', () => {
  it("turns the engine's refusal into DOCKER_FAILED with its message and status", async () => {
    const { getDocker, dockerError } = await freshDockerModule();
    const missing = `lambdash-test/missing-${process.pid}:1`;
    const raw = await getDocker()
      .getImage(missing)
      .inspect()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const error = dockerError(raw, 'inspect the image');
    expect(error.code).toBe('DOCKER_FAILED');
    // The engine's own words, as it said them.
    const said = (raw as { json: { message: string } }).json.message;
    expect(said).toContain(`No such image: ${missing}`);
    expect(error.message).toBe(`Could not inspect the image: ${said} (Docker answered 404)`);
    expect(error.cause).toBe(raw);
    expect(dockerError(error, 'again')).toBe(error);
  });
});
