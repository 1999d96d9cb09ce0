// Response streaming, compatible with the Lambda Node.js runtime's `awslambda` global:
// `awslambda.streamifyResponse(fn)` marks a handler that takes (event, responseStream,
// context); `awslambda.HttpResponseStream.from(stream, {statusCode, headers})` sends the
// HTTP status and headers first, for function URLs.
import type http from 'node:http';
import { Writable } from 'node:stream';

export const STREAMING_MARK = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
/** Eight zero bytes separate the JSON prelude from the body. */
const PRELUDE_DELIMITER = new Uint8Array(8);

export function streamifyResponse<T extends (...args: never[]) => unknown>(handler: T): T {
  Object.defineProperty(handler, STREAMING_MARK, { value: 'response', enumerable: false });
  return handler;
}

/** Opens the streamed POST once the body's first byte (or its end) is ready. */
export type StreamOpener = (contentType: string) => http.ClientRequest;

export class ResponseStream extends Writable {
  #contentType = 'application/octet-stream';
  #request: http.ClientRequest | undefined;
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
    if (this.#request) throw new Error('setContentType must be called before the first write');
    this.#contentType = contentType;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.#ensureRequest().write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#ensureRequest().end(done);
  }

  /** Ends a started stream with the error in the trailers the Runtime API reads. */
  failWith(errorType: string, errorJson: string): void {
    const request = this.#ensureRequest();
    request.addTrailers({
      'Lambda-Runtime-Function-Error-Type': errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(errorJson).toString('base64'),
    });
    request.end();
  }

  #ensureRequest(): http.ClientRequest {
    this.#request ??= this.#open(this.#contentType);
    return this.#request;
  }
}

export interface HttpResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

// biome-ignore lint/complexity/noStaticOnlyClass: the Lambda runtime exposes it as a class.
export class HttpResponseStream {
  static from(stream: ResponseStream, metadata: HttpResponseMetadata): ResponseStream {
    stream.setContentType(HTTP_INTEGRATION_TYPE);
    stream.write(JSON.stringify(metadata));
    stream.write(PRELUDE_DELIMITER);
    return stream;
  }
}
