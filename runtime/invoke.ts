// One invocation, from the Runtime API's event to what is posted back: parse once, classify
// by source, validate, call the handler, then serialise results and report errors the way
// that source needs (HTTP sources always get an HTTP response, batches partial failures).

import { callHandler } from './call-handler.js';
import { createContext, type FunctionIdentity, type LambdaContext } from './context.js';
import {
  type ErrorPayload,
  errorJson,
  errorTypeHeader,
  RuntimeError,
  toErrorPayload,
} from './errors.js';
import type { LoadedHandler } from './handler-loader.js';
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
import { httpErrorView } from './sources/http-error.js';
import { normalizeHttpRequest } from './sources/http-request.js';
import { httpErrorResponse, toHttpResponse } from './sources/http-response.js';
import { ResponseStream } from './streaming.js';

export interface InvokeDeps {
  readonly client: RuntimeClient;
  readonly handler: LoadedHandler;
  readonly identity: FunctionIdentity;
  readonly observe: Observer;
}

type Outcome =
  | { readonly kind: 'response'; readonly body: string | Buffer }
  | { readonly kind: 'error'; readonly payload: ErrorPayload }
  | { readonly kind: 'posted'; readonly result: PostOutcome };

/** Handles one invocation and posts its outcome; resolves once the Runtime API acknowledged it. */
export async function handleInvocation(invocation: Invocation, deps: InvokeDeps): Promise<void> {
  const context = createContext(deps.identity, invocation);
  const outcome = await run(invocation, context, deps);
  const { client } = deps;
  if (outcome.kind === 'response') {
    await client.postResponse(invocation.requestId, outcome.body);
  } else if (outcome.kind === 'error') {
    console.error('Invoke Error', `\t${errorJson(outcome.payload)}`);
    await client.postError(
      invocation.requestId,
      errorJson(outcome.payload),
      errorTypeHeader(outcome.payload),
    );
  }
  deps.observe('runtime', 'response.posted');
}

async function run(
  invocation: Invocation,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  const { handler, observe } = deps;
  observe('runtime', 'event.received');
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

  if (handler.streaming) return runStreaming(invocation, event, context, deps);
  if (isHttpSource(kind)) return runHttp(kind, event as Record<string, unknown>, context, deps);

  const batch = isBatchSource(kind) && isObject(event) ? new BatchFailures(kind, event) : undefined;
  if (batch) context.failRecord = (record) => batch.fail(record);
  let result: unknown;
  try {
    if (handler.eventSchema) event = await validateWithSchema(handler.eventSchema, event);
    observe('runtime', 'handler.start');
    result = await callHandler(handler, event, context);
    observe('runtime', 'handler.end');
  } catch (error) {
    observe('runtime', 'handler.end');
    return failure(error);
  }
  return serialize(kind, batch ? () => batch.response(result) : () => result, context, deps);
}

async function runHttp(
  kind: HttpSourceKind,
  event: Record<string, unknown>,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  const { handler, observe } = deps;
  let result: unknown;
  let started = false;
  try {
    const request = normalizeHttpRequest(kind, event);
    context.request = request;
    if (handler.eventSchema)
      request.body = await validateWithSchema(handler.eventSchema, request.body);
    observe('runtime', 'handler.start');
    started = true;
    result = await callHandler(handler, event, context);
    observe('runtime', 'handler.end');
  } catch (error) {
    if (started) observe('runtime', 'handler.end');
    // HTTP callers get an HTTP answer, never an invocation error: the front door would
    // turn that into a bare 502. The details go to the log instead of the client.
    const view =
      error instanceof EventValidationError
        ? { statusCode: 400, expose: true, headers: {}, details: error.issues }
        : httpErrorView(error);
    if (!view || view.statusCode >= 500)
      console.error('Invoke Error', `\t${errorJson(toErrorPayload(error))}`);
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: 'response',
      body: JSON.stringify(httpErrorResponse(kind, event, view, message)),
    };
  }
  return serialize(kind, () => toHttpResponse(kind, event, result), context, deps);
}

async function serialize(
  kind: EventSourceKind,
  produce: () => unknown,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  try {
    const value = produce();
    if (deps.handler.serialize && !isHttpSource(kind)) {
      return { kind: 'response', body: await deps.handler.serialize(value, context) };
    }
    return { kind: 'response', body: JSON.stringify(value) ?? 'null' };
  } catch (error) {
    if (error instanceof TypeError && /JSON|circular|BigInt/i.test(error.message)) {
      return failure(
        new RuntimeError(
          'Runtime.SerializationError',
          `Unable to serialise the result as JSON: ${error.message}`,
        ),
      );
    }
    return failure(error);
  }
}

async function runStreaming(
  invocation: Invocation,
  event: unknown,
  context: LambdaContext,
  deps: InvokeDeps,
): Promise<Outcome> {
  const { client, handler, observe } = deps;
  let posted: Promise<PostOutcome> | undefined;
  const stream = new ResponseStream((contentType) => {
    const { request, outcome } = client.openStream(invocation.requestId, contentType);
    posted = outcome;
    return request;
  });
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  try {
    observe('runtime', 'handler.start');
    await callHandler(handler, event, context, stream);
    if (!stream.writableEnded) stream.end();
    await finished;
    observe('runtime', 'handler.end');
  } catch (error) {
    observe('runtime', 'handler.end');
    if (!stream.started) return failure(error);
    const payload = toErrorPayload(error);
    console.error('Invoke Error', `\t${errorJson(payload)}`);
    stream.failWith(errorTypeHeader(payload), errorJson(payload));
  }
  return { kind: 'posted', result: await (posted ?? Promise.resolve('accepted' as const)) };
}

function failure(error: unknown): Outcome {
  return { kind: 'error', payload: toErrorPayload(error) };
}
