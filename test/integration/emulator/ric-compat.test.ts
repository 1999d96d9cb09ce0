// Compatibility with AWS's own Node.js runtime client: the same handlers, run under the same
// emulator once with lambdash's runtime and once with aws-lambda-ric, must answer alike.
// aws-lambda-ric compiles a native client, so scripts/provision.sh builds it in test/compat.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../../runtime/emulator/emulator.js';
import { awsEventsDir, bootstrapPath, handlersDir, repoRoot } from '../../support/paths.js';

const ricDir = path.join(repoRoot, 'test/compat/node_modules/aws-lambda-ric');
const ricEntry = path.join(ricDir, 'bin/index.mjs');
const ricNative = path.join(ricDir, 'dist/rapid-client.node');
const taskRoot = path.join(handlersDir, 'emulator');

const runtimes = {
  lambdash: [process.execPath, bootstrapPath],
  'aws-lambda-ric': [process.execPath, ricEntry],
} as const;
type RuntimeName = keyof typeof runtimes;

interface Answer {
  readonly functionError: string | undefined;
  readonly contentType: string;
  readonly streamed: boolean;
  readonly text: string;
  /** The text parsed as JSON; undefined when it is not JSON. */
  readonly body: unknown;
  readonly log: string;
}

/** Runs one handler under one runtime, invokes it once, and shuts everything down. */
async function invokeUnder(
  runtime: RuntimeName,
  handler: string,
  event: unknown,
  requestId: string,
): Promise<Answer> {
  let log = '';
  const emulator = new Emulator({
    config: {
      handler,
      taskRoot,
      functionName: 'compat-fn',
      timeoutSeconds: 10,
      memorySizeMb: 256,
      region: 'eu-west-1',
      environment: {},
    },
    runtimeCommand: runtimes[runtime],
    log: (text) => {
      log += text;
    },
  });
  try {
    const outcome = await emulator.invoke(Buffer.from(JSON.stringify(event)), { requestId });
    const streamed = outcome.body instanceof Readable;
    const text =
      outcome.body instanceof Readable ? await readText(outcome.body) : outcome.body.toString();
    await outcome.done;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const { functionError, contentType } = outcome;
    return { functionError, contentType, streamed, text, body, log };
  } finally {
    await emulator.close();
  }
}

/**
 * Never skip: without AWS's client these tests prove nothing, so each one fails and says why
 * (in each test rather than in a hook, so the failures are counted as failed tests).
 */
function assertRicBuilt(): void {
  const missing = [ricEntry, ricNative].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `aws-lambda-ric is not built in test/compat (missing ${missing.join(', ')}): run scripts/provision.sh`,
    );
  }
}

async function bothRuntimes(handler: string, event: unknown) {
  assertRicBuilt();
  const requestId = randomUUID();
  const [lambdash, ric] = await Promise.all([
    invokeUnder('lambdash', handler, event, requestId),
    invokeUnder('aws-lambda-ric', handler, event, requestId),
  ]);
  // Each really ran the runtime it names: only lambdash prints observation lines.
  expect(lambdash.log).toContain(`[lambdash]\t`);
  expect(ric.log).not.toContain(`[lambdash]\t`);
  return { lambdash, ric, requestId };
}

const apiGatewayV1 = JSON.parse(
  readFileSync(path.join(awsEventsDir, 'apigw-request.json'), 'utf8'),
);

interface SuccessCase {
  readonly name: string;
  readonly handler: string;
  readonly event: unknown;
  /** What both runtimes must answer; a function of the request id for context fields. */
  readonly expected: (requestId: string) => unknown;
}

const successes: SuccessCase[] = [
  {
    name: 'an async handler returning an object',
    handler: 'compat.asyncObject',
    event: { a: 1, nested: { b: [true, null] } },
    expected: () => ({
      ok: true,
      received: { a: 1, nested: { b: [true, null] } },
      list: [1, 'two', null],
    }),
  },
  {
    name: 'a callback handler',
    handler: 'compat.callback',
    event: { via: 'callback' },
    expected: () => ({ viaCallback: true, received: { via: 'callback' } }),
  },
  {
    name: 'a nested export',
    handler: 'compat.nested.deeper.handler',
    event: { value: 42 },
    expected: () => ({ nested: 42 }),
  },
  {
    name: 'a CommonJS module',
    handler: 'compat-cjs.handler',
    event: { cjs: 'yes' },
    expected: () => ({ commonjs: true, received: { cjs: 'yes' }, eol: '\n' }),
  },
  {
    name: 'a handler reading the context',
    handler: 'compat.contextFields',
    event: {},
    expected: (requestId) => ({
      awsRequestId: requestId,
      functionName: 'compat-fn',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:compat-fn',
      logGroupName: '/aws/lambda/compat-fn',
      remainingPositive: true,
      callbackWaitsForEmptyEventLoop: true,
    }),
  },
  {
    // lambdash wraps a plain value for HTTP sources and RIC does not: a full response is
    // what both must pass through unchanged.
    name: 'an API Gateway v1 event answered with a full response',
    handler: 'compat.apiResponse',
    event: apiGatewayV1,
    expected: () => ({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-path': '/hello/world' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: JSON.stringify({ method: 'POST', id: 'hello/world' }),
      isBase64Encoded: false,
    }),
  },
  {
    name: 'a direct event answered with a plain value',
    handler: 'compat.plainValue',
    event: { name: 'Ada' },
    expected: () => 'hello Ada',
  },
  {
    name: 'a handler returning nothing',
    handler: 'compat.returnsNothing',
    event: {},
    expected: () => null,
  },
  {
    name: 'a result with non-ASCII text',
    handler: 'compat.unicode',
    event: { text: 'é' },
    expected: () => ({ text: 'é ✓ 日本語 \u2028 😀' }),
  },
];

const errors = [
  {
    name: 'a thrown Error',
    handler: 'compat.throwsError',
    errorType: 'TypeError',
    errorMessage: 'bad input: value must be a number',
  },
  {
    name: 'a thrown string',
    handler: 'compat.throwsString',
    errorType: 'string',
    errorMessage: 'plain string failure',
  },
  {
    name: 'an error passed to the callback',
    handler: 'compat.callbackError',
    errorType: 'RangeError',
    errorMessage: 'out of range',
  },
  {
    name: 'an error class of its own',
    handler: 'compat.customError',
    errorType: 'ValidationFailed',
    errorMessage: 'custom error type',
  },
  {
    // AWS's client streams this error in trailers, lambdash posts it: both are an error.
    name: 'a streaming handler failing before its first byte',
    handler: 'compat.streamingFailsEarly',
    errorType: 'RangeError',
    errorMessage: 'failed before the first byte',
  },
  {
    // An init failure: posted to /init/error, then answered for the invocation.
    name: 'a handler that is not exported',
    handler: 'compat.notExported',
    errorType: 'Runtime.HandlerNotFound',
    errorMessage: 'compat.notExported is undefined or not exported',
  },
];

describe('compatibility with aws-lambda-ric', () => {
  it.each(successes)('$name: same answer', async ({ handler, event, expected }) => {
    const { lambdash, ric, requestId } = await bothRuntimes(handler, event);
    expect(ric.functionError, ric.log).toBeUndefined();
    expect(ric.body, ric.text).toEqual(expected(requestId));
    expect(lambdash.functionError, lambdash.log).toBeUndefined();
    expect(lambdash.body).toEqual(ric.body);
    expect(lambdash.contentType).toBe(ric.contentType);
  });

  it('a streaming handler: same bytes and content type', async () => {
    const { lambdash, ric } = await bothRuntimes('compat.streaming', { word: 'streams' });
    expect(ric.functionError, ric.log).toBeUndefined();
    expect([ric.streamed, ric.contentType, ric.text]).toEqual([
      true,
      'text/plain; charset=utf-8',
      'part one, then streams',
    ]);
    expect(lambdash.functionError, lambdash.log).toBeUndefined();
    expect([lambdash.streamed, lambdash.contentType, lambdash.text]).toEqual([
      ric.streamed,
      ric.contentType,
      ric.text,
    ]);
  });

  it.each(errors)(
    '$name: same errorType and errorMessage',
    async ({ handler, errorType, errorMessage }) => {
      const { lambdash, ric } = await bothRuntimes(handler, {});
      expect(ric.functionError).toBe('Unhandled');
      expect(lambdash.functionError).toBe('Unhandled');
      const pick = (body: unknown) => {
        const { errorType, errorMessage } = body as Record<string, unknown>;
        return { errorType, errorMessage };
      };
      expect(pick(ric.body)).toEqual({ errorType, errorMessage });
      expect(pick(lambdash.body)).toEqual(pick(ric.body));
      // Both post AWS's Node.js shape: `trace`, the whole stack as lines, starting with the
      // same "Type: message" line (the frames inside each runtime's own code differ).
      const trace = (body: unknown) => (body as { trace?: unknown }).trace as string[];
      expect(Array.isArray(trace(ric.body))).toBe(true);
      expect(Array.isArray(trace(lambdash.body))).toBe(true);
      expect(trace(lambdash.body)[0]).toEqual(trace(ric.body)[0]);
      expect(Object.keys(lambdash.body as object)).toEqual(Object.keys(ric.body as object));
    },
  );
});
