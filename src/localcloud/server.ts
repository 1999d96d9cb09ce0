// The local cloud's one HTTP server, on 127.0.0.1 only. It tells services apart the way AWS
// endpoints do not need to (they have one host each): by the SigV4 credential scope the SDK
// signs with, then by protocol hints. It decodes each protocol into (operation, input), and
// encodes results and errors in that service's wire shape so the SDK raises its typed errors.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Caller, CredentialAuthority } from './credentials.js';
import { browserRefusal } from './request-guard.js';
import {
  type JsonService,
  type QueryService,
  type RequestContext,
  ServiceError,
} from './service.js';
import { type SignatureProblem, verifySignature } from './sigv4.js';

/** AWS refuses request bodies over 6 MB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId: string;
  /** Who signed the request. */
  readonly caller: Caller;
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
  readonly #credentials: CredentialAuthority;
  readonly #json = new Map<string, { signingName: string; service: JsonService }>();
  readonly #jsonBySigningName = new Map<string, JsonService>();
  readonly #query = new Map<string, QueryService>();
  readonly #rest: { signingName: string; prefix: string; handler: RestHandler }[] = [];
  #port = 0;

  /** Every request must be signed with a key `credentials` knows. */
  constructor(credentials: CredentialAuthority) {
    this.#credentials = credentials;
  }

  /** A JSON 1.1 service, found by its X-Amz-Target prefix or its SigV4 signing name. */
  registerJson(signingName: string, service: JsonService): void {
    this.#json.set(service.targetPrefix, { signingName, service });
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
      // Loopback only, and even there every request must be signed (request-guard.ts says why).
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.#port;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const target = header(req, 'x-amz-target');
    const rest = this.#rest.find((route) => url.pathname.startsWith(route.prefix));
    // The wire shape errors must take, known before anything is trusted.
    const protocol: Protocol = rest ? 'rest' : target || !isForm(req) ? 'json' : 'query';
    const fail = (error: ServiceError): void => sendError(res, protocol, error, requestId);

    const refusal = browserRefusal(req.method, req.headers, this.#port);
    if (refusal) {
      // Drained, not read: a refused request's body is never looked at.
      req.resume();
      return fail(new ServiceError('AccessDeniedException', refusal, 403));
    }
    const body = await readBody(req);
    if (body === undefined) return fail(tooLarge());

    const check = verifySignature(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      (accessKeyId, sessionToken) => this.#credentials.lookup(accessKeyId, sessionToken),
    );
    if (!check.ok) return fail(signatureError(check.problem, protocol));
    const { caller, signingName } = check;
    const context: RequestContext = { caller, requestId };

    if (rest) {
      if (signingName !== rest.signingName) return fail(wrongScope(rest.signingName, protocol));
      try {
        const response = await rest.handler({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          requestId,
          caller,
        });
        return sendRest(res, response, requestId);
      } catch (error) {
        return fail(asServiceError(error));
      }
    }

    if (target || this.#jsonBySigningName.has(signingName)) {
      const [prefix = '', operation = ''] = (target ?? '').split('.');
      // A target names its service; only without one does the signing name decide.
      const route = target
        ? this.#json.get(prefix)
        : { signingName, service: this.#jsonBySigningName.get(signingName) };
      if (!route?.service) {
        return fail(
          new ServiceError(
            'UnknownOperationException',
            `No local service answers ${target ?? signingName}.`,
          ),
        );
      }
      if (route.signingName !== signingName) return fail(wrongScope(route.signingName, 'json'));
      let input: Record<string, unknown>;
      try {
        input =
          body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        if (typeof input !== 'object' || input === null || Array.isArray(input))
          throw new Error('the body is not a JSON object');
      } catch (error) {
        return fail(
          new ServiceError(
            'SerializationException',
            `Malformed request body: ${(error as Error).message}`,
          ),
        );
      }
      try {
        const output = await route.service.call(operation, input, context);
        res.writeHead(200, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
        });
        return void res.end(JSON.stringify(output ?? {}));
      } catch (error) {
        return fail(asServiceError(error));
      }
    }

    const params = new URLSearchParams(req.method === 'GET' ? url.search : body.toString('utf8'));
    const service = this.#query.get(signingName);
    if (service) {
      const action = params.get('Action') ?? '';
      try {
        const inner = await service.call(action, params, context);
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        return void res.end(
          `<${action}Response xmlns="${service.xmlns}"><${action}Result>${inner}</${action}Result>` +
            `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
        );
      } catch (error) {
        return sendQueryError(res, service.xmlns, asServiceError(error), requestId);
      }
    }
    const what = `${req.method} ${url.pathname} for ${signingName}`;
    const action = params.get('Action');
    if (protocol === 'query' || action !== null) {
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
    fail(
      new ServiceError('UnknownOperationException', `The local cloud does not serve ${what}.`, 404),
    );
  }
}

/** The three wire shapes AWS answers in: Lambda's REST-JSON, JSON 1.1 (ECR, Logs), query (XML). */
type Protocol = 'rest' | 'json' | 'query';

function isForm(req: http.IncomingMessage): boolean {
  return header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded') ?? false;
}

function sendError(
  res: http.ServerResponse,
  protocol: Protocol,
  error: ServiceError,
  requestId: string,
): void {
  if (protocol === 'rest') sendRestError(res, error, requestId);
  else if (protocol === 'json') sendJsonError(res, error, requestId);
  else sendQueryError(res, '', error, requestId);
}

/** AWS's own codes and words for each way a signature fails, per protocol family. */
function signatureError(problem: SignatureProblem, protocol: Protocol): ServiceError {
  const query = protocol === 'query';
  // Lambda answers 403; ECR and CloudWatch Logs 400; IAM and STS 403 (and 400 for a malformed header).
  const status = protocol === 'json' ? 400 : 403;
  switch (problem.kind) {
    case 'missing':
      return new ServiceError(
        query ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
        query ? 'Request is missing Authentication Token' : 'Missing Authentication Token',
        status,
      );
    case 'incomplete':
      return new ServiceError(
        query ? 'IncompleteSignature' : 'IncompleteSignatureException',
        problem.detail,
        query ? 400 : status,
      );
    case 'unknown-key':
      return new ServiceError(
        query ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        status,
      );
    case 'expired-token':
      return new ServiceError(
        query ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        status,
      );
    case 'mismatch':
      return new ServiceError(
        query ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        problem.detail ??
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        status,
      );
  }
}

function wrongScope(signingName: string, protocol: Protocol): ServiceError {
  return new ServiceError(
    protocol === 'query' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
    `Credential should be scoped to correct service: '${signingName}'. `,
    protocol === 'json' ? 400 : 403,
  );
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
