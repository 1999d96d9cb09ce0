// The client for the Lambda Runtime API. One keep-alive connection, no timeout on `next`
// (the service holds it open until an event arrives), bounded retries with backoff on
// connection failures so a missing API never becomes a hot loop.
import { HttpConnection, type HttpResult } from './http-connection.js';

const API = '/2018-06-01/runtime';
const RETRIES = 6;
const FIRST_BACKOFF_MS = 20;
// As AWS's runtime (aws-lambda-ric 3.3.0): an invocation error carries no error type, only the
// X-Ray cause (RAPIDClient.postInvocationError through aws-lambda-cpp); an init error carries
// its type as is (RAPIDClient.postInitError).
const JSON_TYPE = 'Content-Type: application/json\r\n';
const XRAY_CAUSE = 'lambda-runtime-function-xray-error-cause: ';
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type: ';

export interface Invocation {
  readonly requestId: string;
  readonly body: Buffer;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** What the Runtime API answered to a post: `accepted`, or why not. */
export type PostOutcome = 'accepted' | 'too-large' | 'rejected';

/** The Runtime API answered in a way that means this process must stop. */
export class RuntimeApiFatal extends Error {
  override readonly name = 'RuntimeApiFatal';
}

export class RuntimeClient {
  readonly #connection: HttpConnection;
  readonly #host: string;
  readonly #port: number;

  constructor(address: string) {
    const colon = address.lastIndexOf(':');
    const port = Number(address.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new RuntimeApiFatal(`AWS_LAMBDA_RUNTIME_API is not host:port: ${address}`);
    }
    this.#host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.#port = port;
    this.#connection = new HttpConnection(this.#host, port);
    // Connecting takes milliseconds on a cold start; let it overlap loading the handler.
    this.#connection.preconnect();
  }

  async next(): Promise<Invocation> {
    // A malformed answer or a 4xx is retried with backoff, a few times, then fatal: the
    // Runtime API is not going to improve, and a hot loop would burn the function's CPU.
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      const res = await this.#send('GET', `${API}/invocation/next`);
      const requestId = res.headers['lambda-runtime-aws-request-id'];
      if (res.status === 200 && requestId)
        return { requestId, body: res.body, headers: res.headers };
      if (res.status >= 500) {
        throw new RuntimeApiFatal(`Runtime API answered ${res.status} to next: ${res.body}`);
      }
      const problem =
        res.status === 200
          ? 'an event without Lambda-Runtime-Aws-Request-Id'
          : `${res.status}: ${res.body}`;
      if (attempt >= RETRIES) {
        throw new RuntimeApiFatal(`next answered ${problem}, ${attempt} times in a row`);
      }
      process.stderr.write(`lambdash runtime: next answered ${problem}; retrying\n`);
      await sleep(backoff);
      backoff *= 3;
    }
  }

  postResponse(requestId: string, body: string | Buffer): Promise<PostOutcome> {
    return this.#post(`${API}/invocation/${encodeURIComponent(requestId)}/response`, body, '');
  }

  /** `xrayCause` (see xrayErrorCause) is sent only when not empty, as curl does for AWS's. */
  postError(requestId: string, errorJson: string, xrayCause = ''): Promise<PostOutcome> {
    const path = `${API}/invocation/${encodeURIComponent(requestId)}/error`;
    const xray = xrayCause ? `${XRAY_CAUSE}${xrayCause}\r\n` : '';
    return this.#post(path, errorJson, `${JSON_TYPE}${xray}`);
  }

  /** `errorType` must already be a safe header value (see errorTypeValue). */
  postInitError(errorJson: string, errorType: string): Promise<PostOutcome> {
    return this.#post(`${API}/init/error`, errorJson, `${JSON_TYPE}${ERROR_TYPE}${errorType}\r\n`);
  }

  /** Where the Runtime API is, for the streamed responses of response-stream.ts. */
  get endpoint(): { readonly host: string; readonly port: number } {
    return { host: this.#host, port: this.#port };
  }

  async #post(path: string, body: string | Buffer, headers: string): Promise<PostOutcome> {
    return this.outcome(await this.#send('POST', path, headers, body), path);
  }

  /** What a post's answer means for the loop; a 5xx is fatal. */
  outcome(res: HttpResult, what: string): PostOutcome {
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
    headers = '',
    body?: string | Buffer,
  ): Promise<HttpResult> {
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#connection.request(method, path, headers, body);
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
