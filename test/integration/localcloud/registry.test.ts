// The supervised registry: Debian's real docker-registry started on a free loopback port with
// storage under the data dir, asking for basic auth with the password made for this start,
// restarted when it dies, stopped for good on stop(); clear errors when the binary is missing,
// dies at start or never answers; a user's registry (without auth) used as is.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Registry, RegistryError, startRegistry } from '../../../src/localcloud/registry.js';
import { basicAuthorization } from '../../../src/localcloud/registry-auth.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const started: Registry[] = [];
const plain: ChildProcess[] = [];
afterAll(async () => {
  for (const registry of started) await registry.stop();
  for (const child of plain) child.kill('SIGKILL');
  removeTempDirs();
});

async function start(options: Parameters<typeof startRegistry>[0]): Promise<Registry> {
  const registry = await startRegistry(options);
  started.push(registry);
  return registry;
}

/** The Authorization header of the registry's own credentials. */
function auth(registry: Registry): { authorization: string } {
  return { authorization: basicAuthorization(registry.credentials!) };
}

async function status(url: string, headers: Record<string, string> = {}): Promise<number | string> {
  try {
    const response = await fetch(`${url}/v2/`, { headers });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return ((error as Error).cause as { code?: string } | undefined)?.code ?? 'failed';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds (bounded), for things that happen in the background. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting until ${what}`);
    },
    { timeout: 15_000, interval: 20 },
  );
}

/** A stand-in registry binary: a shell script run as `<script> serve <config>`. */
function fakeBinary(dir: string, body: string): string {
  const file = path.join(dir, 'fake-registry.sh');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('startRegistry', () => {
  it('runs docker-registry on a free loopback port with storage under the data dir', async () => {
    const dataDir = makeTempDir('lambdash-registry-');
    const before = Date.now();
    const registry = await start({ dataDir });
    console.log(`registry ready in ${Date.now() - before} ms`);

    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`http://${registry.host}`);
    expect(registry.rootDirectory).toBe(path.join(dataDir, 'registry'));
    expect(registry.restarts).toBe(0);
    expect(await status(registry.url, auth(registry))).toBe(200);

    const config = readFileSync(path.join(dataDir, 'registry.yml'), 'utf8');
    expect(config).toContain('version: 0.1');
    expect(config).toContain(`rootdirectory: ${JSON.stringify(path.join(dataDir, 'registry'))}`);
    expect(config).toContain(`addr: "${registry.host}"`);
    expect(config).toMatch(/delete:\n {4}enabled: true/);
    expect(config).toMatch(/level: warn/);
    const htpasswd = path.join(dataDir, 'registry.htpasswd');
    expect(config).toContain(
      `auth:\n  htpasswd:\n    realm: "lambdash local ECR"\n    path: ${JSON.stringify(htpasswd)}\n`,
    );

    // Basic auth, user AWS, a password only the handle knows: on disk, its bcrypt hash alone.
    const { username, password } = registry.credentials!;
    expect(username).toBe('AWS');
    expect(password).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(readFileSync(htpasswd, 'utf8')).toMatch(/^AWS:\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}\n$/);
    for (const file of ['registry.yml', 'registry.htpasswd']) {
      expect(readFileSync(path.join(dataDir, file), 'utf8')).not.toContain(password);
      expect(statSync(path.join(dataDir, file)).mode & 0o777).toBe(0o600);
    }
    expect(JSON.stringify(registry)).not.toContain(password);
    expect(await status(registry.url)).toBe(401);
    const wrong = { ...registry.credentials!, password: `${password.slice(0, -1)}x` };
    expect(await status(registry.url, { authorization: basicAuthorization(wrong) })).toBe(401);

    // Something written through the API lands in that storage.
    const refused = await fetch(`${registry.url}/v2/probe/blobs/uploads/`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const upload = await fetch(`${registry.url}/v2/probe/blobs/uploads/`, {
      method: 'POST',
      headers: auth(registry),
    });
    expect(upload.status).toBe(202);
    expect(existsSync(path.join(dataDir, 'registry', 'docker', 'registry', 'v2'))).toBe(true);
  });

  it('uses the port it is given', async () => {
    const port = await freePort();
    const registry = await start({ dataDir: makeTempDir('lambdash-registry-'), port });
    expect(registry.url).toBe(`http://127.0.0.1:${port}`);
    expect(await status(registry.url, auth(registry))).toBe(200);
  });

  it('restarts the registry when it dies, on the same address, until stopped', async () => {
    const events: string[] = [];
    const dataDir = makeTempDir('lambdash-registry-');
    const registry = await start({ dataDir, onEvent: (event) => events.push(event.type) });
    // The data folder names the process serving it, for a start after a crash to find it.
    const recorded = () =>
      existsSync(path.join(dataDir, 'registry.pid'))
        ? (JSON.parse(readFileSync(path.join(dataDir, 'registry.pid'), 'utf8')) as { pid: number })
            .pid
        : undefined;
    expect(recorded()).toBe(registry.pid);
    const first = registry.pid!;
    expect(alive(first)).toBe(true);

    process.kill(first, 'SIGKILL');
    await eventually(() => registry.restarts === 1, 'the supervisor restarted it');
    expect(registry.pid).not.toBe(first);
    expect(alive(registry.pid!)).toBe(true);
    // The same password: tokens handed out before the restart keep working.
    expect(await status(registry.url, auth(registry))).toBe(200);
    expect(events).toEqual(['exited', 'restarted']);

    // Killed again: restarted again.
    process.kill(registry.pid!, 'SIGKILL');
    await eventually(() => registry.restarts === 2, 'the second restart');
    expect(await status(registry.url, auth(registry))).toBe(200);
    expect(recorded()).toBe(registry.pid);

    const last = registry.pid!;
    await registry.stop();
    expect(alive(last)).toBe(false);
    expect(recorded()).toBeUndefined();
    expect(await status(registry.url)).toBe('ECONNREFUSED');
    // Stopping is final: nothing comes back.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(registry.restarts).toBe(2);
    expect(await status(registry.url)).toBe('ECONNREFUSED');
  });

  it('keeps the images it stored across a stop and a start on the same data dir', async () => {
    const dataDir = makeTempDir('lambdash-registry-');
    const port = await freePort();
    const first = await start({ dataDir, port });
    const content = Buffer.from('layer bytes');
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const upload = await fetch(`${first.url}/v2/keep/blobs/uploads/`, {
      method: 'POST',
      headers: auth(first),
    });
    const location = new URL(upload.headers.get('location')!, first.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: content, headers: auth(first) });
    expect(put.status).toBe(201);
    await first.stop();

    // A new start, a new password: the old one no longer opens the same storage.
    const second = await start({ dataDir, port });
    expect(second.credentials!.password).not.toBe(first.credentials!.password);
    expect(await status(second.url, auth(first))).toBe(401);
    const blob = await fetch(`${second.url}/v2/keep/blobs/${digest}`, { headers: auth(second) });
    expect(blob.status).toBe(200);
    expect(await blob.text()).toBe('layer bytes');
  });

  it('says to install the binary when it is missing', async () => {
    const error = await startRegistry({
      dataDir: makeTempDir('lambdash-registry-'),
      command: '/nonexistent/docker-registry',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toBe(
      'The registry binary `/nonexistent/docker-registry` is not installed.',
    );
    expect((error as RegistryError).hint).toContain('scripts/provision.sh');
  });

  it("reports the registry's stderr when it exits at start", async () => {
    const dir = makeTempDir('lambdash-registry-');
    const command = fakeBinary(dir, 'echo "configuration error: $2 is bad" >&2; exit 3');
    const error = await startRegistry({ dataDir: dir, command }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    const message = (error as Error).message;
    expect(message).toMatch(/^The registry exited \(code 3\) before it answered on http:\/\/127/);
    expect(message).toContain(`configuration error: ${path.join(dir, 'registry.yml')} is bad`);
  });

  it('gives up on a registry that never answers, and kills it', async () => {
    const dir = makeTempDir('lambdash-registry-');
    const pidFile = path.join(dir, 'pid');
    const command = fakeBinary(
      dir,
      `echo $$ > ${pidFile}; echo "still starting" >&2; exec sleep 60`,
    );
    const error = await startRegistry({ dataDir: dir, command, readyTimeoutMs: 3000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(
      /^The registry did not answer on http:\/\/127\.0\.0\.1:\d+ within 3000 ms\.\nstill starting$/,
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await eventually(() => !alive(pid), 'the hung registry is killed');
  });

  it('fails clearly when the port it is given is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const error = await startRegistry({
        dataDir: makeTempDir('lambdash-registry-'),
        port,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toMatch(/^The registry exited \(code 1\)/);
      expect((error as Error).message).toContain('address already in use');
    } finally {
      blocker.close();
    }
  });

  it("uses a user's registry as it is, and refuses one that does not answer", async () => {
    const running = await plainRegistry(makeTempDir('lambdash-registry-'));
    const given = await startRegistry({ url: `${running}/` });
    expect(given).toMatchObject({ url: running, host: new URL(running).host, pid: undefined });
    expect(given.rootDirectory).toBeUndefined();
    expect(given.credentials).toBeUndefined();
    await given.stop();
    expect(await status(running)).toBe(200);

    // One that asks for credentials the local cloud does not have.
    const guarded = await start({ dataDir: makeTempDir('lambdash-registry-') });
    const refused = await startRegistry({ url: guarded.url }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryError);
    expect((refused as Error).message).toBe(
      `The registry at ${guarded.url} answered GET /v2/ with 401, not 200.`,
    );
    expect((refused as RegistryError).hint).toMatch(/^The local cloud needs a registry without/);

    const port = await freePort();
    const error = await startRegistry({ url: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(`No registry answers at http://127.0.0.1:${port}.`);
  });
});

/** A docker-registry without auth, as a user might run one; resolves with its URL. */
async function plainRegistry(dir: string): Promise<string> {
  const port = await freePort();
  const config = path.join(dir, 'plain.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(path.join(dir, 'plain'))}`,
      'http:',
      `  addr: "127.0.0.1:${port}"`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  plain.push(child);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await status(url)) === 200, 'the plain registry answers');
  return url;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
