// The local cloud's one HTTP server, on 127.0.0.1 only. It tells services apart the way AWS
// endpoints do not need to (they have one host each): by the SigV4 credential scope the SDK
// signs with, then by protocol hints. It decodes each protocol into (operation, input), and
// encodes results and errors in that service's wire shape so the SDK raises its typed errors.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JsonService, type QueryService, ServiceError } from './service.js';

/** AWS refuses request bodies over 6 MB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId: string;
}

export interface RestResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Serialised as JSON unless it is a Buffer. */
  readonly body?: unknown;
}

/** A REST-JSON route (Lambda): matches a path prefix; errors are ServiceErrors. */
export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export class LocalCloudServer {
  readonly #server = http.createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJsonError(res, new ServiceError('ServiceException', String(error), 500), randomUUID());
      else res.destroy();
    });
  });
  readonly #json = new Map<string, JsonService>();
  readonly #jsonBySigningName = new Map<string, JsonService>();
  readonly #query = new Map<string, QueryService>();
  readonly #rest: { signingName: string; prefix: string; handler: RestHandler }[] = [];

  /** A JSON 1.1 service, found by its X-Amz-Target prefix or its SigV4 signing name. */
  registerJson(signingName: string, service: JsonService): void {
    this.#json.set(service.targetPrefix, service);
    this.#jsonBySigningName.set(signingName, service);
  }

  registerQuery(service: QueryService): void {
    this.#query.set(service.signingName, service);
  }

  registerRest(signingName: string, prefix: string, handler: RestHandler): void {
    this.#rest.push({ signingName, prefix, handler });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      // Loopback only: the local cloud has no authentication.
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(req);
    const signingName = signingNameOf(req.headers.authorization);
    const target = header(req, 'x-amz-target');
    const url = new URL(req.url ?? '/', 'http://local');

    // REST-JSON first: its paths are specific, and its services sign as themselves.
    const rest = this.#rest.find(
      (route) =>
        url.pathname.startsWith(route.prefix) &&
        (!signingName || signingName === route.signingName),
    );
    if (rest) {
      if (body === undefined) return sendRestError(res, tooLarge(), requestId);
      try {
        const response = await rest.handler({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          requestId,
        });
        return sendRest(res, response, requestId);
      } catch (error) {
        return sendRestError(res, asServiceError(error), requestId);
      }
    }

    if (target || (signingName && this.#jsonBySigningName.has(signingName))) {
      const [prefix = '', operation = ''] = (target ?? '').split('.');
      // A target names its service; only without one does the signing name decide.
      const service = target
        ? this.#json.get(prefix)
        : signingName
          ? this.#jsonBySigningName.get(signingName)
          : undefined;
      if (body === undefined) return sendJsonError(res, tooLarge(), requestId);
      if (!service) {
        return sendJsonError(
          res,
          new ServiceError(
            'UnknownOperationException',
            `No local service answers ${target ?? signingName}.`,
          ),
          requestId,
        );
      }
      let input: Record<string, unknown>;
      try {
        input =
          body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        if (typeof input !== 'object' || input === null || Array.isArray(input))
          throw new Error('the body is not a JSON object');
      } catch (error) {
        return sendJsonError(
          res,
          new ServiceError(
            'SerializationException',
            `Malformed request body: ${(error as Error).message}`,
          ),
          requestId,
        );
      }
      try {
        const output = await service.call(operation, input);
        res.writeHead(200, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
        });
        return void res.end(JSON.stringify(output ?? {}));
      } catch (error) {
        return sendJsonError(res, asServiceError(error), requestId);
      }
    }

    const params = new URLSearchParams(
      req.method === 'GET' ? url.search : (body ?? Buffer.alloc(0)).toString('utf8'),
    );
    const service =
      (signingName && this.#query.get(signingName)) || this.#queryByVersion(params.get('Version'));
    if (service) {
      const action = params.get('Action') ?? '';
      if (body === undefined) return sendQueryError(res, service.xmlns, tooLarge(), requestId);
      try {
        const inner = await service.call(action, params);
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        return void res.end(
          `<${action}Response xmlns="${service.xmlns}"><${action}Result>${inner}</${action}Result>` +
            `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
        );
      } catch (error) {
        return sendQueryError(res, service.xmlns, asServiceError(error), requestId);
      }
    }
    if (body === undefined) return sendJsonError(res, tooLarge(), requestId);
    const what = `${req.method} ${url.pathname}${signingName ? ` for ${signingName}` : ''}`;
    // A query client cannot parse a JSON error: answer it in XML, as the service would.
    const action = params.get('Action');
    if (
      action !== null ||
      header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded')
    ) {
      return sendQueryError(
        res,
        '',
        new ServiceError(
          'InvalidAction',
          `The local cloud does not serve ${action ? `the action ${action} (${what})` : what}.`,
        ),
        requestId,
      );
    }
    sendJsonError(
      res,
      new ServiceError('UnknownOperationException', `The local cloud does not serve ${what}.`, 404),
      requestId,
    );
  }

  #queryByVersion(version: string | null): QueryService | undefined {
    if (!version) return undefined;
    for (const service of this.#query.values()) if (service.xmlns.includes(version)) return service;
    return undefined;
  }
}

/** `Credential=AKID/20260101/us-east-1/<service>/aws4_request` → `<service>`. */
export function signingNameOf(authorization: string | undefined): string | undefined {
  const match = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    authorization ?? '',
  );
  return match?.[1];
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function tooLarge(): ServiceError {
  return new ServiceError(
    'RequestTooLargeException',
    `Request must be smaller than ${MAX_BODY_BYTES} bytes.`,
    413,
  );
}

function asServiceError(error: unknown): ServiceError {
  return error instanceof ServiceError
    ? error
    : new ServiceError('ServiceException', (error as Error)?.message ?? String(error), 500);
}

function sendJsonError(res: http.ServerResponse, error: ServiceError, requestId: string): void {
  res.writeHead(error.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': requestId,
  });
  res.end(JSON.stringify({ __type: error.code, message: error.message }));
}

function sendRest(res: http.ServerResponse, response: RestResponse, requestId: string): void {
  const isBuffer = Buffer.isBuffer(response.body);
  res.writeHead(response.status, {
    ...(response.body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}),
    'x-amzn-requestid': requestId,
    ...response.headers,
  });
  if (response.body === undefined) return void res.end();
  res.end(isBuffer ? (response.body as Buffer) : JSON.stringify(response.body));
}

function sendRestError(res: http.ServerResponse, error: ServiceError, requestId: string): void {
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': requestId,
  });
  res.end(
    JSON.stringify({ Type: error.fault === 'Sender' ? 'User' : 'Service', message: error.message }),
  );
}

function sendQueryError(
  res: http.ServerResponse,
  xmlns: string,
  error: ServiceError,
  requestId: string,
): void {
  res.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(
    `<ErrorResponse${xmlns ? ` xmlns="${xmlns}"` : ''}><Error><Type>${error.fault}</Type><Code>${xmlEscape(error.code)}</Code>` +
      `<Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The body, or undefined when it is over the limit (the rest is drained). */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
