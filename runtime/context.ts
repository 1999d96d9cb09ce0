// The context object handlers receive: the fields of the Lambda Node.js runtime, plus an
// AbortSignal that fires at the deadline and what lambdash knows about the event's source.
import type http from 'node:http';
import { header, type Invocation } from './runtime-client.js';
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

/** Per context: lets the deadline's timer stop keeping the process alive. */
const releases = new WeakMap<LambdaContext, () => void>();

/**
 * Called when the handler is done: the abort timer stays (work the handler left running may
 * still watch the signal) but no longer keeps the event loop alive.
 */
export function releaseDeadline(context: LambdaContext): void {
  releases.get(context)?.();
}

export function createContext(identity: FunctionIdentity, invocation: Invocation): LambdaContext {
  const headers = invocation.headers;
  const deadline = Number(header(headers, 'lambda-runtime-deadline-ms')) || Date.now() + 900_000;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let released = false;
  const notBatch = () => {
    throw new TypeError('failRecord is only available for SQS, Kinesis and DynamoDB batches');
  };
  const uncalled = () => {
    throw new TypeError('done/succeed/fail are not available to streaming handlers');
  };
  const context: LambdaContext = {
    ...identity,
    awsRequestId: invocation.requestId,
    invokedFunctionArn: header(headers, 'lambda-runtime-invoked-function-arn') ?? '',
    clientContext: parseJsonHeader(headers, 'lambda-runtime-client-context'),
    identity: parseJsonHeader(headers, 'lambda-runtime-cognito-identity'),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Created on first use: most handlers never look, and a timer per invocation is not free.
    // Not AbortSignal.timeout(): its timer never keeps the process alive, so a handler that
    // only awaits the signal would see the event loop drain (Runtime.NodeJsExit) instead.
    get signal() {
      if (!controller) {
        const abort = new AbortController();
        controller = abort;
        timer = setTimeout(
          () =>
            abort.abort(new DOMException('The invocation reached its deadline', 'TimeoutError')),
          Math.max(0, deadline - Date.now()),
        );
        if (released) timer.unref();
      }
      return controller.signal;
    },
    eventSource: 'direct',
    request: undefined,
    failRecord: notBatch,
    done: uncalled,
    succeed: uncalled,
    fail: uncalled,
  };
  releases.set(context, () => {
    released = true;
    timer?.unref();
  });
  return context;
}

/** `_X_AMZN_TRACE_ID` follows each invocation's trace header, and is unset when there is none. */
export function applyTraceId(headers: http.IncomingHttpHeaders): void {
  const trace = header(headers, 'lambda-runtime-trace-id');
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
}

function parseJsonHeader(headers: http.IncomingHttpHeaders, name: string): unknown {
  const raw = header(headers, name);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
