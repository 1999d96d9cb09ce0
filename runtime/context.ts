// The context object handlers receive: the fields of the Lambda Node.js runtime, plus an
// AbortSignal that fires at the deadline and what lambdash knows about the event's source.
import type { Invocation } from './runtime-client.js';
import type { EventSourceKind } from './sources/classify.js';
import type { HttpRequest } from './sources/http-request.js';

export interface FunctionIdentity {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export function functionIdentityFromEnv(env: NodeJS.ProcessEnv): FunctionIdentity {
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
  };
}

export interface LambdaContext extends FunctionIdentity {
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  readonly clientContext: unknown;
  readonly identity: unknown;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  /** Aborts when the invocation's deadline passes. */
  readonly signal: AbortSignal;
  /** The event's source, as classified by structure. */
  eventSource: EventSourceKind;
  /** For HTTP sources: the request, normalised across API Gateway, function URLs and ALB. */
  request: HttpRequest | undefined;
  /** For SQS, Kinesis and DynamoDB batches: reports one record as failed. */
  failRecord(recordOrId: unknown): void;
  /** Legacy completion methods of the Node.js runtime. */
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
}

/**
 * Where the legacy completion methods (done, succeed, fail) of one invocation report to;
 * callHandler binds it. The first completion of any kind decides the answer.
 */
export interface Completion {
  complete(failed: boolean, value: unknown): void;
}

export function bindCompletion(context: LambdaContext, completion: Completion): void {
  if (context instanceof InvocationContext) context.bind(completion);
  else {
    context.done = (error, result) =>
      error !== undefined && error !== null
        ? completion.complete(true, error)
        : completion.complete(false, result);
    context.succeed = (result) => completion.complete(false, result);
    context.fail = (error) => completion.complete(true, error ?? 'handled');
  }
}

/**
 * Called while a callback handler's answer waits for the event loop to drain: the deadline's
 * timer still aborts the signal at the deadline, but must not hold the answer back.
 */
export function unrefDeadline(context: LambdaContext): void {
  if (context instanceof InvocationContext) context.unrefDeadline();
}

/**
 * Called when the invocation is answered: the deadline's timer goes. The signal is then never
 * aborted: the invocation is over, and a timer left for each one would pile up (one per
 * invocation up to the deadline, thousands at a high rate). Work the handler left running
 * is frozen with the process on Lambda, not cancelled; the signal does not cancel it either.
 */
export function releaseDeadline(context: LambdaContext): void {
  if (context instanceof InvocationContext) context.release();
}

export function createContext(identity: FunctionIdentity, invocation: Invocation): LambdaContext {
  return new InvocationContext(identity, invocation);
}

// A class rather than an object literal: one is created per invocation, and V8 builds class
// instances with a fixed shape far faster than literals with spreads and getters.
class InvocationContext implements LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  readonly clientContext: unknown;
  readonly identity: unknown;
  callbackWaitsForEmptyEventLoop = true;
  eventSource: EventSourceKind = 'direct';
  request: HttpRequest | undefined = undefined;
  // Own properties, as in AWS's runtime, so that destructuring them works.
  readonly getRemainingTimeInMillis: () => number;
  failRecord: (recordOrId: unknown) => void = notBatch;
  readonly #deadline: number;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerState: 'ref' | 'unref' | 'released' = 'ref';
  #completion: Completion | undefined;
  #done: ((error?: unknown, result?: unknown) => void) | undefined;
  #succeed: ((result?: unknown) => void) | undefined;
  #fail: ((error?: unknown) => void) | undefined;

  constructor(identity: FunctionIdentity, invocation: Invocation) {
    const headers = invocation.headers;
    const deadline = Number(headers['lambda-runtime-deadline-ms']) || Date.now() + 900_000;
    this.functionName = identity.functionName;
    this.functionVersion = identity.functionVersion;
    this.memoryLimitInMB = identity.memoryLimitInMB;
    this.logGroupName = identity.logGroupName;
    this.logStreamName = identity.logStreamName;
    this.awsRequestId = invocation.requestId;
    this.invokedFunctionArn = headers['lambda-runtime-invoked-function-arn'] ?? '';
    this.clientContext = parseJsonHeader(headers['lambda-runtime-client-context']);
    this.identity = parseJsonHeader(headers['lambda-runtime-cognito-identity']);
    this.#deadline = deadline;
    this.getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
  }

  // Created on first use: most handlers never look, and a timer per invocation is not free.
  // Not AbortSignal.timeout(): its timer never keeps the process alive, so a handler that
  // only awaits the signal would see the event loop drain (Runtime.NodeJsExit) instead.
  get signal(): AbortSignal {
    if (!this.#controller) {
      const abort = new AbortController();
      this.#controller = abort;
      if (this.#timerState === 'released') return abort.signal;
      this.#timer = setTimeout(
        () => abort.abort(new DOMException('The invocation reached its deadline', 'TimeoutError')),
        Math.max(0, this.#deadline - Date.now()),
      );
      if (this.#timerState === 'unref') this.#timer.unref();
    }
    return this.#controller.signal;
  }

  unrefDeadline(): void {
    if (this.#timerState !== 'ref') return;
    this.#timerState = 'unref';
    this.#timer?.unref();
  }

  release(): void {
    this.#timerState = 'released';
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // The legacy completion methods are made on first use: most handlers never touch them, and
  // three closures per invocation are not free. Accessors, so that `context.done` still works
  // when passed on detached (`s3.putObject(params, context.done)`) and may be replaced.
  bind(completion: Completion): void {
    this.#completion = completion;
  }

  get done(): (error?: unknown, result?: unknown) => void {
    const completion = this.#completion;
    if (!completion) return this.#done ?? notForStreaming;
    this.#done ??= (error, result) =>
      error !== undefined && error !== null
        ? completion.complete(true, error)
        : completion.complete(false, result);
    return this.#done;
  }

  set done(fn: (error?: unknown, result?: unknown) => void) {
    this.#done = fn;
  }

  get succeed(): (result?: unknown) => void {
    const completion = this.#completion;
    if (!completion) return this.#succeed ?? notForStreaming;
    this.#succeed ??= (result) => completion.complete(false, result);
    return this.#succeed;
  }

  set succeed(fn: (result?: unknown) => void) {
    this.#succeed = fn;
  }

  get fail(): (error?: unknown) => void {
    const completion = this.#completion;
    if (!completion) return this.#fail ?? notForStreaming;
    // Lambda's runtime reports a reasonless fail() as the string 'handled'.
    this.#fail ??= (error) => completion.complete(true, error ?? 'handled');
    return this.#fail;
  }

  set fail(fn: (error?: unknown) => void) {
    this.#fail = fn;
  }
}

function notBatch(): never {
  throw new TypeError('failRecord is only available for SQS, Kinesis and DynamoDB batches');
}

function notForStreaming(): never {
  throw new TypeError('done/succeed/fail are not available to streaming handlers');
}

let currentTrace: string | undefined;

/** `_X_AMZN_TRACE_ID` follows each invocation's trace header, and is unset when there is none. */
export function applyTraceId(headers: Invocation['headers']): void {
  const trace = headers['lambda-runtime-trace-id'] || undefined;
  // process.env is slow to touch: skip it when the value does not change.
  if (trace === currentTrace) return;
  currentTrace = trace;
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
}

function parseJsonHeader(raw: string | undefined): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
