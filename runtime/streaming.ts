// Response streaming, compatible with the Lambda Node.js runtime's `awslambda` global:
// `awslambda.streamifyResponse(fn)` marks a handler that takes (event, responseStream,
// context); `awslambda.HttpResponseStream.from(stream, {statusCode, headers})` sends the
// HTTP status and headers first, for function URLs. The stream itself lives in
// response-stream.ts, loaded only for streaming handlers (it needs node:stream).

export const STREAMING_MARK = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
/** Eight zero bytes separate the JSON prelude from the body. */
const PRELUDE_DELIMITER = new Uint8Array(8);
export function streamifyResponse<T extends (...args: never[]) => unknown>(
  handler: T,
  _options?: { highWaterMark?: number },
): T {
  // Configurable, so that wrapping the same function twice is harmless.
  Object.defineProperty(handler, STREAMING_MARK, {
    value: 'response',
    enumerable: false,
    configurable: true,
  });
  return handler;
}

/** What HttpResponseStream.from needs of a response stream. */
export interface PreludeTarget {
  setContentType(contentType: string): void;
  setPrelude(prelude: Buffer): void;
}

export interface HttpResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

// biome-ignore lint/complexity/noStaticOnlyClass: the Lambda runtime exposes it as a class.
export class HttpResponseStream {
  /**
   * Marks the stream as an HTTP response. The prelude goes out with the first byte, so an
   * error thrown before any write is still reported as an ordinary invocation error.
   */
  static from<T extends PreludeTarget>(stream: T, metadata: HttpResponseMetadata): T {
    stream.setContentType(HTTP_INTEGRATION_TYPE);
    stream.setPrelude(Buffer.concat([Buffer.from(JSON.stringify(metadata)), PRELUDE_DELIMITER]));
    return stream;
  }
}
