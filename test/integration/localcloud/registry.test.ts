// The supervised registry: Debian's real docker-registry started on a free loopback port with
// storage under the data dir, restarted when it dies, stopped for good on stop(); clear errors
// when the binary is missing, dies at start or never answers; a user's registry used as is.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Registry, RegistryError, startRegistry } from '../../../src/localcloud/registry.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const started: Registry[] = [];
afterAll(async () => {
  for (const registry of started) await registry.stop();
  removeTempDirs();
});

async function start(options: Parameters<typeof startRegistry>[0]): Promise<Registry> {
  const registry = await startRegistry(options);
  started.push(registry);
  return registry;
}

async function status(url: string): Promise<number | string> {
  try {
    const response = await fetch(`${url}/v2/`);
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
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
    expect(await status(registry.url)).toBe(200);

    const config = readFileSync(path.join(dataDir, 'registry.yml'), 'utf8');
    expect(config).toContain('version: 0.1');
    expect(config).toContain(`rootdirectory: ${JSON.stringify(path.join(dataDir, 'registry'))}`);
    expect(config).toContain(`addr: "${registry.host}"`);
    expect(config).toMatch(/delete:\n {4}enabled: true/);
    expect(config).toMatch(/level: warn/);
    expect(config).not.toContain('auth:');

    // Something written through the API lands in that storage.
    const upload = await fetch(`${registry.url}/v2/probe/blobs/uploads/`, { method: 'POST' });
    expect(upload.status).toBe(202);
    expect(existsSync(path.join(dataDir, 'registry', 'docker', 'registry', 'v2'))).toBe(true);
  });

  it('uses the port it is given', async () => {
    const port = await freePort();
    const registry = await start({ dataDir: makeTempDir('lambdash-registry-'), port });
    expect(registry.url).toBe(`http://127.0.0.1:${port}`);
    expect(await status(registry.url)).toBe(200);
  });

  it('restarts the registry when it dies, on the same address, until stopped', async () => {
    const events: string[] = [];
    const registry = await start({
      dataDir: makeTempDir('lambdash-registry-'),
      onEvent: (event) => events.push(event.type),
    });
    const first = registry.pid!;
    expect(alive(first)).toBe(true);

    process.kill(first, 'SIGKILL');
    await eventually(() => registry.restarts === 1, 'the supervisor restarted it');
    expect(registry.pid).not.toBe(first);
    expect(alive(registry.pid!)).toBe(true);
    expect(await status(registry.url)).toBe(200);
    expect(events).toEqual(['exited', 'restarted']);

    // Killed again: restarted again.
    process.kill(registry.pid!, 'SIGKILL');
    await eventually(() => registry.restarts === 2, 'the second restart');
    expect(await status(registry.url)).toBe(200);

    const last = registry.pid!;
    await registry.stop();
    expect(alive(last)).toBe(false);
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
    const upload = await fetch(`${first.url}/v2/keep/blobs/uploads/`, { method: 'POST' });
    const location = new URL(upload.headers.get('location')!, first.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: content });
    expect(put.status).toBe(201);
    await first.stop();

    const second = await start({ dataDir, port });
    const blob = await fetch(`${second.url}/v2/keep/blobs/${digest}`);
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
    const running = await start({ dataDir: makeTempDir('lambdash-registry-') });
    const given = await startRegistry({ url: `${running.url}/` });
    expect(given).toMatchObject({ url: running.url, host: running.host, pid: undefined });
    expect(given.rootDirectory).toBeUndefined();
    await given.stop();
    expect(await status(running.url)).toBe(200);

    const port = await freePort();
    const error = await startRegistry({ url: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(`No registry answers at http://127.0.0.1:${port}.`);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
