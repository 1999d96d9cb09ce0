// Raw HTTP for the local cloud benchmark: requests signed by the AWS SDK's own SigV4 signer
// (@smithy/signature-v4, with node:crypto's SHA-256 as the SDK uses on Node) and sent with
// node:http over one keep-alive connection, so a timing holds the server's work and little of
// the client's. Signing is a separate step, so the caller can time it apart from the request.
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../test/support/signed-request.js';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Request {
  readonly method: string;
  /** Path and query, encoded as they go on the wire. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * Signs requests to `endpoint` for `service`, as an SDK client does: one signer, whose signing
 * key is derived once a day and cached, and a fresh date and signature on every request.
 */
export function requestSigner(
  endpoint: string,
  service: string,
  keys: Keys,
): (request: Request) => Promise<Request> {
  const base = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: keys,
    region: 'us-east-1',
    service,
    sha256: Sha256,
  });
  return async (request) => {
    const url = new URL(request.path, base);
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const signed = await signer.sign({
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, ...request.headers },
      body: request.body,
    });
    return { ...request, headers: signed.headers as Record<string, string> };
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** Sends `request` to `endpoint` over a kept-alive connection, with exactly its headers. */
export function send(endpoint: string, request: Request): Promise<Answer> {
  const url = new URL(request.path, endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** Closes the kept-alive connections, so the process can exit. */
export function closeConnections(): void {
  agent.destroy();
}
