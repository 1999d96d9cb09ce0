// Raw HTTP requests to the local cloud, signed by the AWS SDK's own SigV4 signer
// (@smithy/signature-v4), for tests that need a request no SDK client would send: a foreign
// Host, a tampered body, an old date. Sent with node:http so every header goes out as given.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RawRequest {
  readonly method?: string;
  /** Path and query, encoded as they go on the wire. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** A node-crypto SHA-256 in the shape the signer takes (`new Sha256(secret?)`). */
export class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Signs `request` for `service` as the SDK would; `signingDate` backdates it. */
export async function signRequest(
  endpoint: string,
  request: RawRequest,
  service: string,
  keys: Keys,
  signingDate?: Date,
): Promise<RawRequest> {
  const url = new URL(request.path, endpoint);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signer = new SignatureV4({
    credentials: keys,
    region: 'us-east-1',
    service,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, ...request.headers },
      body: request.body ?? '',
    },
    signingDate ? { signingDate } : {},
  );
  return { ...request, headers: signed.headers as Record<string, string> };
}

/** Sends `request` to `endpoint` with exactly its headers (Host included, when given). */
export function sendRaw(endpoint: string, request: RawRequest): Promise<RawAnswer> {
  const url = new URL(request.path, endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? 'POST',
        path: request.path,
        headers: request.headers ?? {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body ?? '');
  });
}
