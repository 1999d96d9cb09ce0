// The writable stream a streaming handler writes its response to. It opens the chunked POST
// to the Runtime API on the first byte, so the content type and HTTP prelude can still be
// set before it, and reports a late error in the trailers.
// It is loaded only for streaming handlers, so the node:http and node:stream it needs (for
// chunked encoding and trailers) cost nothing to the cold start of every other function.
import http from 'node:http';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RuntimeError } from './errors.js';
import type { PostOutcome, RuntimeClient } from './runtime-client.js';
import type { PreludeTarget } from './streaming.js';

/** Opens the streamed POST once the body's first byte (or its end) is ready. */
export type StreamOpener = (contentType: string) => http.ClientRequest;

let agent: http.Agent | undefined;

/**
 * Opens a streamed (chunked) response to the Runtime API; `outcome` settles with the
 * Runtime API's answer once the request ends.
 */
export function openStreamedResponse(
  client: RuntimeClient,
  requestId: string,
  contentType: string,
): { request: http.ClientRequest; outcome: Promise<PostOutcome> } {
  agent ??= new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { host, port } = client.endpoint;
  const request = http.request({
    host,
    port,
    agent,
    method: 'POST',
    path: `/2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/response`,
    headers: {
      'content-type': contentType,
      'lambda-runtime-function-response-mode': 'streaming',
      'transfer-encoding': 'chunked',
      trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    },
  });
  const outcome = new Promise<PostOutcome>((resolve, reject) => {
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          const body = Buffer.concat(chunks);
          resolve(
            client.outcome({ status: res.statusCode ?? 0, headers: {}, body }, 'streamed response'),
          );
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    request.on('error', reject);
  });
  // The connection may break while the handler is still writing, long before the caller
  // awaits the outcome: that is not an unhandled rejection. The caller still gets the error.
  outcome.catch(() => undefined);
  return { request, outcome };
}

/**
 * Settles when the stream is done: resolves once it finished, rejects on an error and also
 * on a destroy() without one (premature close), which a 'finish' listener would wait out
 * forever. An 'error' listener stays: a write after the invocation must not crash the process.
 */
export function streamDone(stream: Writable): Promise<void> {
  stream.on('error', () => undefined);
  const done = finished(stream);
  done.catch(() => undefined);
  return done;
}

export class ResponseStream extends Writable implements PreludeTarget {
  #contentType = 'application/octet-stream';
  #request: http.ClientRequest | undefined;
  /** The HTTP prelude, sent just before the first byte of the body (or at its end). */
  #prelude: Buffer | undefined;
  #trailers: Record<string, string> | undefined;
  readonly #open: StreamOpener;

  constructor(open: StreamOpener) {
    super();
    this.#open = open;
  }

  /** True once bytes went to the Runtime API: errors must then travel in trailers. */
  get started(): boolean {
    return this.#request !== undefined;
  }

  setContentType(contentType: string): void {
    if (this.#request) {
      throw new RuntimeError(
        'Runtime.InvalidStreamingOperation',
        'Cannot set content-type, too late.',
      );
    }
    this.#contentType = contentType;
  }

  /** Sets what HttpResponseStream.from sends ahead of the body. */
  setPrelude(prelude: Buffer): void {
    if (this.#request) {
      throw new RuntimeError(
        'Runtime.InvalidStreamingOperation',
        'Cannot set the HTTP prelude, too late.',
      );
    }
    this.#prelude = prelude;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.#ensureRequest().write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    const request = this.#ensureRequest();
    if (this.#trailers) request.addTrailers(this.#trailers);
    request.end(done);
  }

  /**
   * Ends the stream with the error in the trailers the Runtime API reads. Bytes already
   * written are sent first: ending the request directly would cut them off.
   */
  fail(errorType: string, errorJson: string): void {
    this.#trailers = {
      'Lambda-Runtime-Function-Error-Type': errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(errorJson).toString('base64'),
    };
    if (!this.destroyed) {
      // No-op if end() was called already: _final, still to come, sends the trailers.
      if (!this.writableEnded) this.end();
      return;
    }
    // The stream broke (a failed write): end the request itself if it is still open.
    const request = this.#request;
    if (request && !request.writableEnded && !request.destroyed) {
      request.addTrailers(this.#trailers);
      request.end();
    }
  }

  #ensureRequest(): http.ClientRequest {
    if (!this.#request) {
      this.#request = this.#open(this.#contentType);
      if (this.#prelude) this.#request.write(this.#prelude);
      this.#prelude = undefined;
    }
    return this.#request;
  }
}
