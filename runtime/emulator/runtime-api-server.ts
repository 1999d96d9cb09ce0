// A Lambda Runtime API server for one runtime process: it hands that process one invocation
// at a time and collects the answer. The emulator in the image and the local cloud both
// drive runtimes through it; queueing, timeouts and process supervision live with them.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { readBody } from './read-body.js';
import { isTrustedHost } from './trusted-host.js';

const API = '/2018-06-01/runtime';
/** The Lambda service's response limit: 6 MiB plus 100 bytes of headroom. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export interface RuntimeInvokeRequest {
  readonly requestId: string;
  readonly payload: Buffer;
  /** Epoch milliseconds. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId?: string;
  /** JSON text, sent as Lambda-Runtime-Client-Context. */
  readonly clientContext?: string;
  /** JSON text, sent as Lambda-Runtime-Cognito-Identity. */
  readonly cognitoIdentity?: string;
}

export interface Timings {
  /** performance.now() when the event went to the runtime. */
  readonly deliveredAt: number;
  /** performance.now() when the answer (or, for streams, its first byte) arrived. */
  readonly answeredAt: number;
  /**
   * performance.now() when the runtime asked for its next event, which is when Lambda ends
   * an invocation; resolves at once if the invocation was aborted.
   */
  readonly idle: Promise<number>;
}

export type RuntimeInvokeResult =
  | ({ readonly kind: 'response'; readonly body: Buffer; readonly contentType: string } & Timings)
  | ({ readonly kind: 'error'; readonly errorType: string; readonly body: Buffer } & Timings)
  | ({
      readonly kind: 'stream';
      readonly contentType: string;
      readonly body: Readable;
      /** Resolves at the stream's end: the error, when the runtime sent one in the trailers. */
      readonly ended: Promise<{ errorType: string; body: Buffer } | undefined>;
      /** Resolves true at the first byte of the body, false if it ended with none. */
      readonly started: Promise<boolean>;
    } & Timings);

interface InFlight {
  readonly request: RuntimeInvokeRequest;
  /** The event's headers, built and checked before the invocation was accepted. */
  readonly headers: http.OutgoingHttpHeaders;
  readonly resolve: (result: RuntimeInvokeResult) => void;
  readonly idle: Promise<number>;
  readonly becameIdle: (at: number) => void;
  deliveredAt: number;
  answered: boolean;
}

export interface RuntimeApiServerEvents {
  /** The runtime asked for work: init is over (the first time) or the last invocation is done. */
  next: [at: number];
  /** The runtime reported a failed init. */
  'init-error': [errorType: string, body: Buffer];
}

export class RuntimeApiServer extends EventEmitter<RuntimeApiServerEvents> {
  readonly #server: http.Server;
  #waiting: http.ServerResponse | undefined;
  #current: InFlight | undefined;

  private constructor(server: http.Server) {
    super();
    this.#server = server;
  }

  static async start(options: { host?: string; port?: number } = {}): Promise<RuntimeApiServer> {
    const server = http.createServer();
    // The runtime keeps one connection for its whole life and may hold `next` for hours.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    const api = new RuntimeApiServer(server);
    server.on('request', (req, res) => {
      api.#route(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    return api;
  }

  /** The value for AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Whether a runtime is waiting for an event right now. */
  get runtimeWaiting(): boolean {
    return this.#waiting !== undefined && !this.#waiting.writableEnded;
  }

  /**
   * Hands an event to the runtime (now, or when it next asks) and resolves with its answer.
   * An event whose headers HTTP cannot carry (a client context with a newline) is answered
   * at once with an InvalidRequestContentException error, and never reaches the runtime.
   */
  invoke(request: RuntimeInvokeRequest): Promise<RuntimeInvokeResult> {
    if (this.#current && !this.#current.answered) {
      return Promise.reject(new Error('RuntimeApiServer: an invocation is already in flight'));
    }
    let headers: http.OutgoingHttpHeaders;
    try {
      headers = eventHeaders(request);
    } catch (error) {
      return Promise.resolve(refused((error as Error).message));
    }
    let becameIdle: (at: number) => void = () => {};
    const idle = new Promise<number>((resolve) => {
      becameIdle = resolve;
    });
    return new Promise((resolve) => {
      this.#current = {
        request,
        headers,
        resolve,
        idle,
        becameIdle,
        deliveredAt: 0,
        answered: false,
      };
      this.#deliver();
    });
  }

  /**
   * Ends the in-flight invocation with an error the runtime did not post itself (a timeout,
   * the process dying), and forgets the runtime's pending `next`: a new process will ask again.
   */
  abort(errorType: string, body: Buffer): void {
    this.#answer({ kind: 'error', errorType, body });
    this.#current?.becameIdle(performance.now());
    this.#waiting?.destroy();
    this.#waiting = undefined;
  }

  close(): Promise<void> {
    this.#waiting?.destroy();
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #deliver(): void {
    const current = this.#current;
    const res = this.#waiting;
    if (!current || current.answered || current.deliveredAt || !res || res.writableEnded) return;
    const deliveredAt = performance.now();
    try {
      res.writeHead(200, current.headers);
    } catch (error) {
      // The headers were checked in invoke(); should writing them fail anyway, the
      // invocation is answered, and the runtime's `next` stays waiting for the one after it.
      const { body } = refused((error as Error).message);
      this.#answer({ kind: 'error', errorType: INVALID_REQUEST, body });
      current.becameIdle(performance.now());
      return;
    }
    // Only now is the event on its way: a failure above must leave nothing half-delivered.
    this.#waiting = undefined;
    current.deliveredAt = deliveredAt;
    res.end(current.request.payload);
  }

  #answer(result: DistributiveOmit<RuntimeInvokeResult, keyof Timings>): void {
    const current = this.#current;
    if (!current || current.answered) return;
    current.answered = true;
    const answeredAt = performance.now();
    current.resolve({
      ...result,
      deliveredAt: current.deliveredAt || answeredAt,
      answeredAt,
      idle: current.idle,
    } as RuntimeInvokeResult);
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '';
    // Only the runtime may take events and answer them: not a web page that found the port. A
    // page's no-cors GET of `next` carries no Origin, but browsers mark every request they
    // send with Sec-Fetch-Site; no runtime client sends it.
    if (
      req.headers.origin !== undefined ||
      req.headers['sec-fetch-site'] !== undefined ||
      !isTrustedHost(req.headers.host)
    ) {
      drain(req);
      return reply(res, 403, 'AccessDenied', 'Only the runtime may call the Runtime API');
    }
    if (req.method === 'GET' && url === `${API}/invocation/next`) return this.#next(res);
    if (req.method === 'POST' && url === `${API}/init/error`) return this.#initError(req, res);
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && match) {
      return this.#invocationPost(
        req,
        res,
        decodeURIComponent(match[1]!),
        match[2] as 'response' | 'error',
      );
    }
    drain(req);
    reply(res, 404, 'UnknownPath', `No Runtime API operation at ${req.method} ${url}`);
  }

  #next(res: http.ServerResponse): void {
    if (this.#waiting && !this.#waiting.writableEnded) this.#waiting.destroy();
    this.#waiting = res;
    if (this.#current?.answered) this.#current.becameIdle(performance.now());
    res.on('close', () => {
      if (this.#waiting === res) this.#waiting = undefined;
    });
    this.emit('next', performance.now());
    this.#deliver();
  }

  async #initError(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    const errorType = postedErrorType(req, body);
    reply(res, 202);
    this.emit('init-error', errorType, body ?? Buffer.alloc(0));
    this.#answer({ kind: 'error', errorType, body: body ?? Buffer.alloc(0) });
  }

  async #invocationPost(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
    kind: 'response' | 'error',
  ): Promise<void> {
    const current = this.#current;
    if (!current || current.request.requestId !== requestId || !current.deliveredAt) {
      drain(req);
      return reply(res, 400, 'InvalidRequestID', 'Invalid request ID');
    }
    if (current.answered) {
      drain(req);
      return reply(res, 403, 'InvalidStateTransition', 'The invocation was already answered');
    }
    if (
      kind === 'response' &&
      headerValue(req, 'lambda-runtime-function-response-mode') === 'streaming'
    ) {
      return this.#stream(req, res);
    }
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    if (body === undefined) {
      this.#answer({
        kind: 'error',
        errorType: 'Function.ResponseSizeTooLarge',
        body: Buffer.from(
          JSON.stringify({
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
            errorType: 'Function.ResponseSizeTooLarge',
          }),
        ),
      });
      return reply(
        res,
        413,
        'RequestEntityTooLarge',
        `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      );
    }
    reply(res, 202);
    if (kind === 'response') {
      this.#answer({
        kind,
        body,
        contentType: headerValue(req, 'content-type') ?? 'application/json',
      });
    } else {
      this.#answer({ kind: 'error', errorType: postedErrorType(req, body), body });
    }
  }

  #stream(req: http.IncomingMessage, res: http.ServerResponse): void {
    const body = new PassThrough();
    const ended = new Promise<{ errorType: string; body: Buffer } | undefined>((resolve) => {
      req.on('end', () => {
        reply(res, 202);
        const errorType = req.trailers['lambda-runtime-function-error-type'];
        const encoded = req.trailers['lambda-runtime-function-error-body'];
        resolve(errorType ? { errorType, body: Buffer.from(encoded ?? '', 'base64') } : undefined);
      });
      req.on('error', () => resolve({ errorType: 'Runtime.StreamError', body: Buffer.from('{}') }));
    });
    const started = new Promise<boolean>((resolve) => {
      req.once('data', () => resolve(true));
      ended.then(() => resolve(false));
    });
    req.pipe(body);
    this.#answer({
      kind: 'stream',
      contentType: headerValue(req, 'content-type') ?? 'application/octet-stream',
      body,
      ended,
      started,
    });
  }
}

/**
 * The type of a posted error: its header if sent, else the payload's `errorType`. AWS's own
 * Node.js runtime sends no header with an invocation error (only an X-Ray cause), so the
 * payload is where its type is; callers see X-Amz-Function-Error: Unhandled either way.
 */
function postedErrorType(req: http.IncomingMessage, body: Buffer | undefined): string {
  const header = headerValue(req, 'lambda-runtime-function-error-type');
  if (header) return header;
  try {
    const { errorType } = JSON.parse(body?.toString('utf8') ?? '') as { errorType?: unknown };
    if (typeof errorType === 'string' && errorType !== '') return errorType;
  } catch {
    // Not JSON: nothing to read the type from.
  }
  return 'Runtime.Unknown';
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const INVALID_REQUEST = 'InvalidRequestContentException';

/** The headers that carry an event to the runtime; throws if HTTP cannot carry one of them. */
function eventHeaders(request: RuntimeInvokeRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'lambda-runtime-aws-request-id': request.requestId,
    'lambda-runtime-deadline-ms': String(request.deadlineMs),
    'lambda-runtime-invoked-function-arn': request.invokedFunctionArn,
  };
  if (request.traceId) headers['lambda-runtime-trace-id'] = request.traceId;
  if (request.clientContext) headers['lambda-runtime-client-context'] = request.clientContext;
  if (request.cognitoIdentity) headers['lambda-runtime-cognito-identity'] = request.cognitoIdentity;
  for (const [name, value] of Object.entries(headers)) {
    try {
      http.validateHeaderValue(name, value);
    } catch (error) {
      throw new Error(`${name} cannot be sent as an HTTP header: ${(error as Error).message}`);
    }
  }
  return headers;
}

/** The answer to an invocation that could not be handed to the runtime at all. */
function refused(message: string): RuntimeInvokeResult & { kind: 'error' } {
  const now = performance.now();
  return {
    kind: 'error',
    errorType: INVALID_REQUEST,
    body: Buffer.from(JSON.stringify({ errorType: INVALID_REQUEST, errorMessage: message })),
    deliveredAt: now,
    answeredAt: now,
    idle: Promise.resolve(now),
  };
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function drain(req: http.IncomingMessage): void {
  req.resume();
}

function reply(
  res: http.ServerResponse,
  status: number,
  errorType?: string,
  errorMessage?: string,
): void {
  const body = errorType ? JSON.stringify({ errorMessage, errorType }) : '{"status":"OK"}';
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}
