// The Lambda Invoke API over HTTP, as AWS's base images serve it on port 8080:
// POST /2015-03-31/functions/function/invocations. Answers like the Lambda service:
// function errors are 200 with X-Amz-Function-Error, Event is 202, DryRun is 204.
// Requests from web pages are refused: browsers send an Origin header with every
// cross-origin POST, and no legitimate caller of this API (curl, SDKs, tests) does. Without
// the check any page the developer visits could run the function with the developer's
// environment. Requests for a Host name an attacker could own are refused too (DNS
// rebinding: see trusted-host.ts).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import type { Emulator } from './emulator.js';
import { readBody } from './read-body.js';
import { isTrustedHost } from './trusted-host.js';

/** The Lambda service's request limit for synchronous invocations. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TAIL_BYTES = 4096;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

export interface InvokeServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startInvokeServer(
  emulator: Emulator,
  options: { host: string; port: number },
): Promise<InvokeServer> {
  const server = http.createServer((req, res) => {
    handle(emulator, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'ServiceException', (error as Error).message);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  emulator: Emulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  if (req.headers.origin !== undefined) {
    req.resume();
    return sendError(
      res,
      403,
      'AccessDeniedException',
      'Requests from web pages (with an Origin header) are refused: invoke from curl, an SDK or a test instead',
    );
  }
  if (!isTrustedHost(req.headers.host)) {
    req.resume();
    return sendError(
      res,
      403,
      'AccessDeniedException',
      `Requests for Host "${req.headers.host ?? ''}" are refused (DNS rebinding): invoke through 127.0.0.1 or localhost, or allow the name with LAMBDASH_ALLOWED_HOSTS`,
    );
  }
  const match = INVOKE_PATH.exec(req.url ?? '');
  if (!match) {
    req.resume();
    return sendError(
      res,
      404,
      'ResourceNotFoundException',
      `No such path: ${req.method} ${req.url}. Invoke with POST /2015-03-31/functions/function/invocations`,
    );
  }
  if (req.method !== 'POST') {
    req.resume();
    return sendError(res, 405, 'MethodNotAllowedException', 'Invoke with POST');
  }
  const payload = await readBody(req, MAX_REQUEST_BYTES);
  if (!payload) {
    return sendError(
      res,
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
    );
  }
  const event = payload.length === 0 ? Buffer.from('{}') : payload;
  try {
    JSON.parse(event.toString('utf8'));
  } catch (error) {
    return sendError(
      res,
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
  let clientContext: string | undefined;
  const encodedContext = req.headers['x-amz-client-context'];
  if (typeof encodedContext === 'string' && encodedContext) {
    clientContext = clientContextHeader(encodedContext);
    if (clientContext === undefined) {
      return sendError(
        res,
        400,
        'InvalidRequestContentException',
        'Client context must be a valid Base64-encoded JSON object.',
      );
    }
  }
  const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  // The id the caller gets back is the one the function runs with (context.awsRequestId),
  // also for Event invocations, so their log can be found.
  const requestId = randomUUID();
  if (invocationType === 'DryRun') {
    res.writeHead(204, { 'x-amzn-requestid': requestId }).end();
    return;
  }
  const traceId =
    typeof req.headers['x-amzn-trace-id'] === 'string' ? req.headers['x-amzn-trace-id'] : undefined;
  const outcomePromise = emulator.invoke(event, { clientContext, traceId, requestId });
  if (invocationType === 'Event') {
    outcomePromise.then((outcome) => outcome.done).catch(() => undefined);
    res.writeHead(202, { 'x-amzn-requestid': requestId }).end();
    return;
  }
  const outcome = await outcomePromise;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': outcome.contentType,
    'x-amzn-requestid': outcome.requestId,
    'x-amz-executed-version': '$LATEST',
  };
  if (outcome.functionError) headers['x-amz-function-error'] = outcome.functionError;
  const wantsTail = String(req.headers['x-amz-log-type'] ?? '') === 'Tail';

  if (Buffer.isBuffer(outcome.body)) {
    if (wantsTail) headers['x-amz-log-result'] = tail((await outcome.done).log);
    res.writeHead(200, headers).end(outcome.body);
    return;
  }
  // A streamed answer goes out as it comes; the log tail cannot precede it. An error after
  // the first byte cannot change the status any more: the response is cut short instead of
  // ending cleanly, so the caller cannot mistake it for a whole answer.
  res.writeHead(200, headers);
  const body = outcome.body;
  body.pipe(res, { end: false });
  // A caller that goes away mid-stream must not stall the runtime until its timeout: the
  // rest of the answer is read and dropped, so the handler can finish.
  res.once('close', () => {
    if (res.writableFinished) return;
    body.unpipe(res);
    body.resume();
  });
  // The runtime's error (or its death, or a timeout) settles streamError even when the body
  // itself never ends.
  if (await outcome.streamError) {
    res.destroy();
  } else {
    await finished(body).catch(() => undefined);
    res.end();
  }
  await outcome.done;
}

/**
 * The Lambda-Runtime-Client-Context value for a base64 X-Amz-Client-Context: its JSON object
 * re-encoded on one line of ASCII (anything else escaped as \uXXXX), which an HTTP header can
 * always carry; undefined when it is not a JSON object.
 */
export function clientContextHeader(encoded: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString('base64');
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ Type: 'User', message }));
}
