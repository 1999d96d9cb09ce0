// Two stand-ins that let local cloud tests decide when the world answers:
// - a gated TCP proxy: a registry address whose connections are held until the test opens the
//   gate (a function created from it stays Pending for as long as the test needs);
// - a restartable Docker socket proxy: a fixed unix socket path for DOCKER_HOST that forwards
//   to the real engine, can be taken down (the engine "went away") and brought back at the
//   same path (dockerode reads the path once, when the client is made).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Pipes `client` to a new connection made by `connect`, both ways; each end closes the other. */
function pipeBoth(client: net.Socket, engine: net.Socket, open: Set<net.Socket>): void {
  for (const socket of [client, engine]) {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  }
  client.pipe(engine);
  engine.pipe(client);
  client.once('close', () => engine.destroy());
  engine.once('close', () => client.destroy());
}

export interface GatedProxy {
  /** `127.0.0.1:<port>`, to use as a registry host in image URIs. */
  readonly host: string;
  /** Connections accepted so far (held ones included). */
  readonly connections: number;
  /** Forwards held and future connections to the target. */
  open(): void;
  close(): Promise<void>;
}

export async function startGatedProxy(target: { host: string; port: number }): Promise<GatedProxy> {
  const open = new Set<net.Socket>();
  const held: net.Socket[] = [];
  let gateOpen = false;
  let connections = 0;
  const forward = (client: net.Socket) => pipeBoth(client, net.connect(target), open);
  const server = net.createServer((client) => {
    connections++;
    if (gateOpen) return forward(client);
    // Not read until the gate opens: the request waits in the socket's buffers.
    client.pause();
    client.on('error', () => client.destroy());
    open.add(client);
    held.push(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    open() {
      gateOpen = true;
      for (const client of held.splice(0)) {
        open.delete(client);
        forward(client);
        client.resume();
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      });
    },
  };
}

export interface RestartableDockerProxy {
  /** `unix://<socket>`, the same for the proxy's whole life. */
  readonly host: string;
  /** Connections accepted and held since `hang()`. */
  readonly held: number;
  /** An engine that stopped answering: cuts open connections, then holds new ones unanswered. */
  hang(): void;
  /** Stops accepting connections, cuts every open one and removes the socket. */
  stop(): Promise<void>;
  /** Serves the same socket path again, forwarding. */
  start(): Promise<void>;
  /** Stops and removes the socket's folder. */
  close(): Promise<void>;
}

export async function startRestartableDockerProxy(
  target = '/var/run/docker.sock',
): Promise<RestartableDockerProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lambdash-docker-socket-'));
  const socketPath = path.join(dir, 'docker.sock');
  const open = new Set<net.Socket>();
  let server: net.Server | undefined;
  let hanging = false;
  let held = 0;
  const cutAll = () => {
    for (const socket of open) socket.destroy();
  };
  const start = async () => {
    if (server) return;
    hanging = false;
    const next = net.createServer((client) => {
      if (!hanging) return pipeBoth(client, net.connect(target), open);
      held++;
      open.add(client);
      client.once('close', () => open.delete(client));
      client.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(socketPath, resolve);
    });
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    await new Promise<void>((resolve) => {
      current.close(() => resolve());
      cutAll();
    });
    rmSync(socketPath, { force: true });
  };
  await start();
  return {
    host: `unix://${socketPath}`,
    get held() {
      return held;
    },
    hang() {
      hanging = true;
      held = 0;
      // Kept-alive connections would otherwise still reach the engine.
      cutAll();
    },
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
