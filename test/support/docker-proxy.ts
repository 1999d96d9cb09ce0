// A stand-in Docker socket for tests: a unix socket that forwards every connection to the real
// engine's socket, and that a test can kill at any moment to make "the engine went away" happen
// in the middle of an operation (and restart, for "the engine is back" at the same address).
// Point DOCKER_HOST at `host` to send lambdash through it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DockerProxy {
  /** `unix://<socket>`, for DOCKER_HOST. */
  readonly host: string;
  /** The first line of each HTTP request seen so far (`POST /v1.41/build?... HTTP/1.1`). */
  readonly requests: readonly string[];
  /** Stops accepting connections and cuts every open one, both ways. */
  kill(): Promise<void>;
  /** After kill(): serves again at the same `host`. */
  restart(): Promise<void>;
}

export interface ProxyAnswer {
  readonly status?: number;
  readonly body: string;
}

const REQUEST_LINE = /^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.[01]\r\n/;

export interface DockerProxyOptions {
  /** The engine's socket. */
  readonly target?: string;
  /** Called with each request line as it passes (before it is forwarded). */
  readonly onRequest?: (line: string) => void;
  /**
   * Answers a request in the engine's stead when this returns an answer: the request (read to
   * the end of its body) never reaches the engine, and the client gets that status (200 by
   * default) and body, as JSON, then the connection closes. For faults the engine rarely makes.
   */
  readonly answer?: (line: string) => ProxyAnswer | undefined;
  /**
   * Holds a request back for the ms this returns before it reaches the engine (what follows it
   * on the connection waits too): an engine slow to answer, for steps that race with others.
   */
  readonly hold?: (line: string) => number | undefined;
}

export async function startDockerProxy(options: DockerProxyOptions = {}): Promise<DockerProxy> {
  const target = options.target ?? '/var/run/docker.sock';
  const dir = mkdtempSync(path.join(tmpdir(), 'lambdash-docker-proxy-'));
  const socketPath = path.join(dir, 'docker.sock');
  const open = new Set<net.Socket>();
  const requests: string[] = [];
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const serve = (client: net.Socket) => {
    const engine = net.connect(target);
    track(client);
    track(engine);
    let answering: ProxyAnswer | undefined;
    let held = Buffer.alloc(0);
    /** Chunks waiting for a hold to end, in order. */
    let delayed: Buffer[] | undefined;
    // Forwarded by hand rather than piped, so that a request can be held back whole.
    client.on('data', (chunk: Buffer) => {
      if (answering === undefined && delayed === undefined) {
        // Requests start at a chunk's beginning on a keep-alive connection; bodies rarely do.
        const line = REQUEST_LINE.exec(chunk.subarray(0, 2048).toString('latin1'));
        if (line) {
          requests.push(line[0].trimEnd());
          options.onRequest?.(line[0].trimEnd());
          answering = options.answer?.(line[0].trimEnd());
          const holdMs = answering === undefined ? options.hold?.(line[0].trimEnd()) : undefined;
          if (holdMs !== undefined) {
            const waiting: Buffer[] = [];
            delayed = waiting;
            setTimeout(() => {
              delayed = undefined;
              for (const part of waiting) engine.write(part);
            }, holdMs);
          }
        }
      }
      if (delayed !== undefined) {
        delayed.push(chunk);
        return;
      }
      if (answering === undefined) {
        if (!engine.write(chunk)) {
          client.pause();
          engine.once('drain', () => client.resume());
        }
        return;
      }
      held = Buffer.concat([held, chunk]);
      if (requestComplete(held)) {
        const body = Buffer.from(answering.body);
        const status = answering.status ?? 200;
        client.end(
          `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${answering.body}`,
        );
        // The engine's connection goes when the client's closes.
      }
    });
    engine.pipe(client);
    client.once('close', () => engine.destroy());
    engine.once('close', () => client.destroy());
  };
  const listen = async () => {
    const server = net.createServer(serve);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, resolve);
    });
    return server;
  };
  let server = await listen();
  let killed: Promise<void> | undefined;
  return {
    host: `unix://${socketPath}`,
    requests,
    kill() {
      killed ??= new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        for (const socket of open) socket.destroy();
      });
      return killed;
    },
    async restart() {
      await killed;
      mkdirSync(dir, { recursive: true });
      server = await listen();
      killed = undefined;
    },
  };
}

/** Whether a held request has arrived whole: headers, then its body by length or chunks. */
function requestComplete(request: Buffer): boolean {
  const end = request.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const headers = request.subarray(0, end).toString('latin1');
  const body = request.subarray(end + 4);
  if (/^transfer-encoding:\s*chunked/im.test(headers)) {
    return body.subarray(-5).toString('latin1') === '0\r\n\r\n';
  }
  const length = /^content-length:\s*(\d+)/im.exec(headers);
  return body.length >= (length ? Number(length[1]) : 0);
}
