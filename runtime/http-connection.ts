// A minimal HTTP/1.1 client over one persistent TCP connection, for the Runtime API only.
// Node's http client allocates a request, a response, a parser and agent bookkeeping for
// every call; the runtime makes two calls per invocation, so doing without them is most of
// what makes this runtime faster than AWS's. It handles what the Runtime API sends:
// Content-Length and chunked bodies (trailers skipped), bodies ended by the connection's
// close, keep-alive and `Connection: close`; a malformed answer fails the request.
import net from 'node:net';

export interface HttpResult {
  readonly status: number;
  /** Lower-case names; a repeated header keeps its first value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

interface Pending {
  readonly resolve: (result: HttpResult) => void;
  readonly reject: (error: Error) => void;
  status: number;
  headers: Record<string, string> | undefined;
  /** Body bytes still expected; -1 while unknown (chunked), -2 until the connection closes. */
  remaining: number;
  chunked: boolean;
  close: boolean;
  body: Buffer[];
}

export class HttpConnection {
  readonly #host: string;
  readonly #port: number;
  readonly #hostHeader: string;
  #socket: net.Socket | undefined;
  #buffer: Buffer = EMPTY;
  #pending: Pending | undefined;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
    this.#hostHeader = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** One request at a time: the Runtime API is strictly request, answer, request. */
  request(method: string, path: string, headers = '', body?: string | Buffer): Promise<HttpResult> {
    if (this.#pending)
      return Promise.reject(new Error('HttpConnection: a request is already in flight'));
    return new Promise<HttpResult>((resolve, reject) => {
      this.#pending = {
        resolve,
        reject,
        status: 0,
        headers: undefined,
        remaining: 0,
        chunked: false,
        close: false,
        body: [],
      };
      const socket = this.#connect();
      // While a request is out the socket keeps the process alive; between requests it must
      // not, or `beforeExit` (how the runtime sees a drained event loop) would never fire.
      socket.ref();
      const length = body === undefined ? 0 : Buffer.byteLength(body);
      const head =
        `${method} ${path} HTTP/1.1\r\nHost: ${this.#hostHeader}\r\n${headers}` +
        (method === 'GET' ? '\r\n' : `Content-Length: ${length}\r\n\r\n`);
      if (body === undefined || length === 0) socket.write(head, 'latin1');
      else if (typeof body === 'string') socket.write(head + body, 'utf8');
      else {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    });
  }

  /** Opens the connection ahead of the first request, so connecting overlaps other work. */
  preconnect(): void {
    this.#connect().unref();
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #connect(): net.Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const socket = net.connect({ host: this.#host, port: this.#port, noDelay: true });
    this.#socket = socket;
    this.#buffer = EMPTY;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(socket, error));
    socket.on('close', () => this.#fail(socket, new Error('connection closed by the Runtime API')));
    return socket;
  }

  #fail(socket: net.Socket, error: Error): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    // A server that answers with neither length nor chunking ends its body by closing.
    if (pending.headers && pending.remaining === -2) {
      pending.resolve({
        status: pending.status,
        headers: pending.headers,
        body: Buffer.concat(pending.body),
      });
    } else {
      pending.reject(error);
    }
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const pending = this.#pending;
    if (!pending) return;
    if (!pending.headers && !this.#parseHead(pending)) return;
    if (pending.chunked ? this.#readChunks(pending) : this.#readLength(pending))
      this.#complete(pending);
  }

  #parseHead(pending: Pending): boolean {
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return false;
    const lines = this.#buffer.toString('latin1', 0, end).split('\r\n');
    this.#buffer = this.#buffer.subarray(end + 4);
    const status = Number(lines[0]!.split(' ', 3)[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] ??= line.slice(colon + 1).trim();
    }
    pending.status = status;
    pending.headers = headers;
    pending.close = headers.connection?.toLowerCase() === 'close';
    pending.chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
    const length = headers['content-length'];
    if (!pending.chunked && length !== undefined && !/^\d+$/.test(length)) {
      // NaN or a negative count would never reach zero: the request would wait forever.
      this.#malformed(`Content-Length ${JSON.stringify(length)}`);
      return false;
    }
    pending.remaining = pending.chunked
      ? -1
      : length !== undefined
        ? Number(length)
        : status === 204 || status === 304
          ? 0
          : -2;
    return true;
  }

  #readLength(pending: Pending): boolean {
    if (pending.remaining === -2) {
      pending.body.push(this.#buffer);
      this.#buffer = EMPTY;
      return false;
    }
    const take = Math.min(pending.remaining, this.#buffer.length);
    if (take > 0) {
      pending.body.push(this.#buffer.subarray(0, take));
      this.#buffer = this.#buffer.subarray(take);
      pending.remaining -= take;
    }
    return pending.remaining === 0;
  }

  /** Reads `size\r\ndata\r\n` chunks up to the zero-size one and its (ignored) trailers. */
  #readChunks(pending: Pending): boolean {
    for (;;) {
      if (pending.remaining > 0) {
        if (this.#buffer.length < pending.remaining + 2) return false;
        pending.body.push(this.#buffer.subarray(0, pending.remaining));
        this.#buffer = this.#buffer.subarray(pending.remaining + 2);
        pending.remaining = -1;
      }
      const lineEnd = this.#buffer.indexOf('\r\n');
      if (lineEnd < 0) return false;
      const size = Number.parseInt(this.#buffer.toString('latin1', 0, lineEnd), 16);
      if (size === 0) {
        // The body ends at the first empty line after the size line: at once ("0\r\n\r\n")
        // or after the trailers ("0\r\nX-T: 1\r\n\r\n"). Searching from the size line's own
        // CRLF finds either.
        const end = this.#buffer.indexOf(HEADER_END, lineEnd);
        if (end < 0) return false;
        this.#buffer = this.#buffer.subarray(end + 4);
        return true;
      }
      if (!Number.isFinite(size) || size < 0) {
        this.#malformed('chunk size');
        return false;
      }
      this.#buffer = this.#buffer.subarray(lineEnd + 2);
      pending.remaining = size;
    }
  }

  /** Fails the request in flight (through the socket's 'error') and drops the connection. */
  #malformed(what: string): void {
    this.#socket?.destroy(new Error(`malformed answer from the Runtime API: ${what}`));
  }

  #complete(pending: Pending): void {
    this.#pending = undefined;
    const body = pending.body.length === 1 ? pending.body[0]! : Buffer.concat(pending.body);
    if (pending.close) this.close();
    else this.#socket?.unref();
    pending.resolve({ status: pending.status, headers: pending.headers!, body });
  }
}
