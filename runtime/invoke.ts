// One invocation, from the Runtime API's event to what is posted back: parse once, classify
// by source, validate, call the handler, then serialise results and report errors the way
// that source needs (HTTP sources always get an HTTP response, batches partial failures).

import { callHandler } from './call-handler.js';
import { createContext, type FunctionIdentity, type LambdaContext } from './context.js';
import {
  errorJson,
  errorTypeValue,
  RuntimeError,
  toErrorPayload,
  xrayErrorCause,
} from './errors.js';
import type { LoadedHandler } from './handler-loader.js';
import { logError } from './logging.js';
import type { ModuleLoads } from './module-loads.js';
import type { Observer } from './observe.js';
import type { Invocation, PostOutcome, RuntimeClient } from './runtime-client.js';
import { EventValidationError, validateWithSchema } from './schema.js';
import { BatchFailures, isBatchSource } from './sources/batch.js';
import {
  classifyEvent,
  type EventSourceKind,
  type HttpSourceKind,
  isHttpSource,
  isObject,
} from './sources/classify.js';
import { type HttpErrorView, httpErrorView } from './sources/http-error.js';
import { normalizeHttpRequest } from './sources/http-request.js';
import { type HttpResponse, httpErrorResponse, toHttpResponse } from './sources/http-response.js';
import { HttpResponseStream } from './streaming.js';

export interface InvokeDeps {
  readonly client: RuntimeClient;
  readonly handler: LoadedHandler;
  readonly identity: FunctionIdentity;
  readonly observe: Observer;
  /** Marks the modules each invocation loads first. */
  readonly moduleLoads?: ModuleLoads;
}

type Outcome =
  | { readonly kind: 'response'; readonly body: string | Buffer }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'posted'; readonly result: PostOutcome };

/** Handles one invocation and posts its outcome; resolves once the Runtime API acknowledged it. */
export async function handleInvocation(invocation: Invocation, deps: InvokeDeps): Promise<void> {
  deps.moduleLoads?.begin();
  const context = createContext(deps.identity, invocation);
  const outcome = await run(invocation, context, deps);
  const { client } = deps;
  if (outcome.kind === 'response') {
    await client.postResponse(invocation.requestId, outcome.body);
  } else if (outcome.kind === 'error') {
    // As AWS's runtime: the payload, and no error type but the X-Ray cause in the headers.
    const payload = toErrorPayload(outcome.error);
    logError('Invoke Error', payload);
    await client.postError(invocation.requestId, errorJson(payload), xrayErrorCause(outcome.error));
  }
  const loads = deps.moduleLoads?.end();
  if (loads) for (const load of loads) deps.observe.hold(`module.load ${load.id}`, load.time);
  deps.observe('runtime', 'response.posted');
}

async function run(
  invocation: Invocation,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  const { handler, observe } = deps;
  observe.hold('event.received');
  let event: unknown;
  try {
    event = handler.deserialize
      ? await handler.deserialize(invocation.body, context)
      : JSON.parse(invocation.body.toString('utf8'));
  } catch (error) {
    return failure(
      new RuntimeError(
        'Runtime.UnmarshalError',
        `Unable to parse the event: ${(error as Error).message}`,
      ),
    );
  }
  const kind = classifyEvent(event);
  context.eventSource = kind;

  if (handler.streaming) return runStreaming(invocation, kind, event, context, deps);
  if (isHttpSource(kind)) return runHttp(kind, event as Record<string, unknown>, context, deps);

  const batch = isBatchSource(kind) && isObject(event) ? new BatchFailures(kind, event) : undefined;
  if (batch) context.failRecord = (record) => batch.fail(record);
  let result: unknown;
  try {
    if (handler.eventSchema) event = await validateWithSchema(handler.eventSchema, event);
    result = await callMarked(deps, event, context);
  } catch (error) {
    return failure(error);
  }
  try {
    const value = batch ? batch.response(result) : result;
    const body = handler.serialize
      ? checkSerialized(await handler.serialize(value, context))
      : toJson(value);
    return { kind: 'response', body };
  } catch (error) {
    return failure(error);
  }
}

async function runHttp(
  kind: HttpSourceKind,
  event: Record<string, unknown>,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  let result: unknown;
  try {
    await prepareHttpRequest(kind, event, context, deps.handler);
    result = await callMarked(deps, event, context);
  } catch (error) {
    const response = httpFailure(kind, event, error);
    return response ? { kind: 'response', body: JSON.stringify(response) } : failure(error);
  }
  try {
    return { kind: 'response', body: toJson(toHttpResponse(kind, event, result)) };
  } catch (error) {
    // A result that cannot be sent (a circular body...): an invocation error, as for any source.
    return failure(error);
  }
}

/**
 * Calls the handler between its start and end marks. Validation happens before, so an event
 * rejected by the schema never shows a handler.start (nor a handler.end without one).
 */
async function callMarked(
  deps: InvokeDeps,
  event: unknown,
  context: LambdaContext,
): Promise<unknown> {
  deps.observe.hold('handler.start');
  try {
    return await callHandler(deps.handler, event, context);
  } finally {
    deps.observe.hold('handler.end');
  }
}

/** Normalises the request and validates its body: both may reject it as the client's error. */
async function prepareHttpRequest(
  kind: HttpSourceKind,
  event: Record<string, unknown>,
  context: LambdaContext,
  handler: LoadedHandler,
): Promise<void> {
  const request = normalizeHttpRequest(kind, event);
  context.request = request;
  if (handler.eventSchema) {
    request.body = await validateWithSchema(handler.eventSchema, request.body);
  }
}

/**
 * The HTTP answer to a thrown HTTP error (one carrying its status, see http-error.ts) or to an
 * event its schema refused; `undefined` for any other error, which is an invocation error
 * exactly as under AWS's runtime: turned into a 500 it would be hidden from Lambda's error
 * metrics and X-Amz-Function-Error. The answer is always one JSON can encode: its body is
 * already text and its headers strings. 5xx HTTP errors are logged, as invocation errors are.
 */
function httpFailure(
  kind: HttpSourceKind,
  event: Record<string, unknown>,
  error: unknown,
): HttpResponse | undefined {
  let view: HttpErrorView | undefined;
  let message = '';
  try {
    view =
      error instanceof EventValidationError
        ? { statusCode: 400, expose: true, headers: {}, details: error.issues }
        : httpErrorView(error);
    message = messageOf(error);
  } catch {
    // A getter that throws: nothing of the error can be trusted for the client.
    return undefined;
  }
  if (!view) return undefined;
  let response: HttpResponse;
  try {
    response = httpErrorResponse(kind, event, view, message);
  } catch {
    // Details JSON cannot encode (circular, a BigInt): the error cannot be sent as it is.
    return undefined;
  }
  if (view.statusCode >= 500) logError('Invoke Error', toErrorPayload(error));
  return response;
}

/** An error's message; thrown plain objects such as `{statusCode, message}` have one too. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new RuntimeError(
      'Runtime.SerializationError',
      `Unable to serialise the result as JSON: ${(error as Error).message}`,
    );
  }
}

/** A custom serialiser's output is posted as is, so it must be text or bytes. */
function checkSerialized(output: unknown): string | Buffer {
  if (typeof output === 'string' || Buffer.isBuffer(output)) return output;
  if (output instanceof Uint8Array) {
    return Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  }
  throw new RuntimeError(
    'Runtime.SerializationError',
    `serialize must return a string or bytes, not ${output === null ? 'null' : typeof output}`,
  );
}

async function runStreaming(
  invocation: Invocation,
  kind: EventSourceKind,
  event: unknown,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  const { client, handler, observe } = deps;
  // Loaded on the first streamed invocation: other functions never pay for node:stream.
  const { ResponseStream, openStreamedResponse, streamDone } = await import('./response-stream.js');
  let posted: Promise<PostOutcome> | undefined;
  const open = (contentType: string) => {
    const { request, outcome } = openStreamedResponse(client, invocation.requestId, contentType);
    posted = outcome;
    return request;
  };
  const stream = new ResponseStream(open);
  const done = streamDone(stream);

  let started = false;
  let failed: unknown;
  try {
    if (isHttpSource(kind)) {
      await prepareHttpRequest(kind, event as Record<string, unknown>, context, handler);
    } else if (handler.eventSchema) {
      event = await validateWithSchema(handler.eventSchema, event);
    }
    observe.hold('handler.start');
    started = true;
    await callHandler(handler, event, context, stream);
    if (!stream.writableEnded && !stream.destroyed) stream.end();
    await done;
    observe('runtime', 'handler.end');
  } catch (caught) {
    if (started) observe('runtime', 'handler.end');
    const error = isPrematureClose(caught)
      ? new Error('The response stream was destroyed before it ended')
      : caught;
    failed = error;
    const sending = stream.started || (stream.writableEnded && !stream.destroyed);
    // Only an HTTP error (or a refused event) answers with its status; any other error is an
    // invocation error, as under AWS's runtime.
    const response =
      !sending && isHttpSource(kind)
        ? httpFailure(kind, event as Record<string, unknown>, error)
        : undefined;
    if (sending) {
      // Bytes are (or the end is) already on their way: only the trailers can still carry the
      // error, as AWS's runtime sends it: the type as is, the payload in base64.
      const payload = toErrorPayload(error);
      logError('Invoke Error', payload);
      stream.fail(errorTypeValue(payload), errorJson(payload));
    } else if (response) {
      // A stream the handler destroyed can send nothing more: the answer takes a new one.
      const target = stream.destroyed ? new ResponseStream(open) : stream;
      HttpResponseStream.from(target, {
        statusCode: response.statusCode,
        headers: response.headers,
      });
      target.end(response.body);
      await streamDone(target).catch(() => undefined);
    } else {
      // Nothing sent yet: an ordinary error post. Later writes of the handler go nowhere.
      stream.destroy();
      return failure(error);
    }
  }
  // Every invocation gets an answer: when nothing reached the Runtime API, an error post.
  if (!posted) {
    return failure(failed ?? new Error('The response stream was destroyed before it ended'));
  }
  return { kind: 'posted', result: await posted };
}

function isPrematureClose(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function failure(error: unknown): Outcome {
  return { kind: 'error', error };
}
