// A Runtime API server whose every answer the test writes: it records each request and hands
// it to the test's route, so tests can answer with statuses the real RuntimeApiServer never
// sends (413, 500, a held 202) and check exactly what the runtime asked for, in order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const API = '/2018-06-01/runtime';
export const NEXT_PATH = `${API}/invocation/next`;

export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly res: http.ServerResponse;
  /** The runtime's end of the connection: tells its connections apart. */
  readonly remotePort: number | undefined;
  /** Position in the order of arrival, from 0. */
  readonly index: number;
}

export type Route = (call: ApiCall) => void;

export class ScriptedRuntimeApi {
  readonly calls: ApiCall[] = [];
  readonly #server: http.Server;
  readonly #listeners = new Set<() => void>();

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(route: Route): Promise<ScriptedRuntimeApi> {
    const server = http.createServer();
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    const api = new ScriptedRuntimeApi(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const call: ApiCall = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          res,
          remotePort: req.socket.remotePort,
          index: api.calls.length,
        };
        api.calls.push(call);
        route(call);
        for (const listener of api.#listeners) listener();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get address(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `${address}:${port}`;
  }

  /** A summary of the calls so far, such as `GET next`, `POST id-1/response`. */
  get trail(): string[] {
    return this.calls.map(
      (call) => `${call.method} ${call.path.slice(`${API}/`.length).replace(/^invocation\//, '')}`,
    );
  }

  /** Resolves with the `count`-th call (1-based) that matches, whether it came already or later. */
  waitForCall(matches: (call: ApiCall) => boolean, count = 1): Promise<ApiCall> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.calls.filter(matches);
        if (found.length < count) return false;
        this.#listeners.delete(check);
        resolve(found[count - 1]!);
        return true;
      };
      if (!check()) this.#listeners.add(check);
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

export const isNext = (call: ApiCall) => call.method === 'GET' && call.path === NEXT_PATH;
export const isPost = (suffix: string) => (call: ApiCall) =>
  call.method === 'POST' && call.path.endsWith(suffix);

/** Hands the runtime an event, with the headers the Lambda service sends. */
export function sendEvent(
  res: http.ServerResponse,
  requestId: string,
  event: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res
    .writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + 60_000),
      'lambda-runtime-invoked-function-arn':
        'arn:aws:lambda:us-east-1:000000000000:function:test-function',
      ...headers,
    })
    .end(JSON.stringify(event));
}

export function reply(res: http.ServerResponse, status: number, body: unknown = { status: 'OK' }) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
