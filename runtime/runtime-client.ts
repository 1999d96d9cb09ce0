// The HTTP client for the Lambda Runtime API. One keep-alive socket, no timeouts on
// `next` (the service holds it open until an event arrives), bounded retries with
// backoff on connection failures so a missing API never becomes a hot loop.
import http from 'node:http';

const API = '/2018-06-01/runtime';
const RETRIES = 6;
const FIRST_BACKOFF_MS = 20;

export interface Invocation {
  readonly requestId: string;
  readonly body: Buffer;
  readonly headers: http.IncomingHttpHeaders;
}

/** What the Runtime API answered to a post: `accepted`, or why not. */
export type PostOutcome = 'accepted' | 'too-large' | 'rejected';

/** The Runtime API answered in a way that means this process must stop. */
export class RuntimeApiFatal extends Error {
  override readonly name = 'RuntimeApiFatal';
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export class RuntimeClient {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  readonly #host: string;
  readonly #port: number;

  constructor(address: string) {
    const colon = address.lastIndexOf(':');
    if (colon <= 0)
      throw new RuntimeApiFatal(`AWS_LAMBDA_RUNTIME_API is not host:port: ${address}`);
    this.#host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.#port = Number(address.slice(colon + 1));
  }

  async next(): Promise<Invocation> {
    for (;;) {
      const res = await this.#send('GET', `${API}/invocation/next`);
      if (res.status === 200) {
        const requestId = header(res.headers, 'lambda-runtime-aws-request-id');
        if (requestId) return { requestId, body: res.body, headers: res.headers };
        process.stderr.write('lambdash runtime: event without a request id, skipped\n');
        continue;
      }
      if (res.status >= 500) {
        throw new RuntimeApiFatal(`Runtime API answered ${res.status} to next: ${res.body}`);
      }
      process.stderr.write(`lambdash runtime: next answered ${res.status}: ${res.body}\n`);
      await sleep(FIRST_BACKOFF_MS);
    }
  }

  postResponse(
    requestId: string,
    body: string | Buffer,
    contentType?: string,
  ): Promise<PostOutcome> {
    const headers = contentType ? { 'content-type': contentType } : undefined;
    return this.#post(`${API}/invocation/${requestId}/response`, body, headers);
  }

  postError(requestId: string, errorJson: string, errorType: string): Promise<PostOutcome> {
    return this.#post(`${API}/invocation/${requestId}/error`, errorJson, {
      'content-type': 'application/json',
      'lambda-runtime-function-error-type': errorType,
    });
  }

  postInitError(errorJson: string, errorType: string): Promise<PostOutcome> {
    return this.#post(`${API}/init/error`, errorJson, {
      'content-type': 'application/json',
      'lambda-runtime-function-error-type': errorType,
    });
  }

  /**
   * Opens a streamed (chunked) response. The caller writes the body and ends the
   * request, with trailers for an error after the first byte.
   */
  openStream(
    requestId: string,
    contentType: string,
  ): { request: http.ClientRequest; outcome: Promise<PostOutcome> } {
    const request = http.request({
      host: this.#host,
      port: this.#port,
      agent: this.#agent,
      method: 'POST',
      path: `${API}/invocation/${requestId}/response`,
      headers: {
        'content-type': contentType,
        'lambda-runtime-function-response-mode': 'streaming',
        'transfer-encoding': 'chunked',
        trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    });
    const outcome = new Promise<RawResponse>((resolve, reject) => {
      request.on('response', (res) => collect(res).then(resolve, reject));
      request.on('error', reject);
    }).then((res) => this.#outcome(res, 'streamed response'));
    return { request, outcome };
  }

  async #post(
    path: string,
    body: string | Buffer,
    headers?: http.OutgoingHttpHeaders,
  ): Promise<PostOutcome> {
    return this.#outcome(await this.#send('POST', path, body, headers), path);
  }

  #outcome(res: RawResponse, what: string): PostOutcome {
    if (res.status < 300) return 'accepted';
    if (res.status === 413) return 'too-large';
    if (res.status >= 500) {
      throw new RuntimeApiFatal(`Runtime API answered ${res.status} to ${what}: ${res.body}`);
    }
    process.stderr.write(`lambdash runtime: ${what} answered ${res.status}: ${res.body}\n`);
    return 'rejected';
  }

  async #send(
    method: string,
    path: string,
    body?: string | Buffer,
    headers?: http.OutgoingHttpHeaders,
  ): Promise<RawResponse> {
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(method, path, body, headers);
      } catch (error) {
        if (attempt >= RETRIES) {
          throw new RuntimeApiFatal(
            `Runtime API at ${this.#host}:${this.#port} unreachable after ${attempt} attempts: ${(error as Error).message}`,
          );
        }
        await sleep(backoff);
        backoff *= 3;
      }
    }
  }

  #once(
    method: string,
    path: string,
    body?: string | Buffer,
    headers?: http.OutgoingHttpHeaders,
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: this.#host, port: this.#port, agent: this.#agent, method, path, headers },
        (res) => collect(res).then(resolve, reject),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

function collect(res: http.IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      }),
    );
    res.on('error', reject);
  });
}

export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
