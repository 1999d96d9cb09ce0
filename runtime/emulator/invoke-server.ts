// The Lambda Invoke API over HTTP, as AWS's base images serve it on port 8080:
// POST /2015-03-31/functions/function/invocations. Answers like the Lambda service:
// function errors are 200 with X-Amz-Function-Error, Event is 202, DryRun is 204.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import type { Emulator } from './emulator.js';
import { readBody } from './read-body.js';

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
    clientContext = Buffer.from(encodedContext, 'base64').toString('utf8');
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

function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString('base64');
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ Type: 'User', message }));
}
