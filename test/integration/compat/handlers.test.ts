// Handler compatibility (issue 12): Powertools' logger, SQS partial batch responses written as
// AWS documents them, callback-style handlers; and the differences issue 12 part 7 allows,
// each in a test of its own that pins down exactly what differs.
import { afterAll, describe, expect, it } from 'vitest';
import { awsEvent, type JsonRecord } from '../../support/aws-events.js';
import { type RuntimePair, startPair } from '../../support/compat-runtimes.js';
import { HTTP_EVENT_KINDS, httpEvent } from '../../support/http-events.js';
import { expectSame, HELLO } from './cases.js';

/** One pair of processes per handler, started on first use, stopped after all. */
const pairs = new Map<string, Promise<RuntimePair>>();
const pair = (handler: string) => {
  let started = pairs.get(handler);
  if (!started) {
    started = startPair(handler);
    pairs.set(handler, started);
  }
  return started;
};
afterAll(async () => {
  await Promise.all([...pairs.values()].map(async (started) => (await started).stop()));
});

/** AWS's sample SQS batch (one record) plus a second record, whose body may ask to fail. */
function sqsBatch(failing: boolean): JsonRecord {
  const event = awsEvent('sqs-event');
  const [first] = event.Records as JsonRecord[];
  const second = {
    ...first,
    messageId: 'MessageID_2',
    body: failing ? 'please fail this one' : 'fine',
  };
  return { ...event, Records: [first, second] };
}

/** The Powertools line the handler logged, without its timestamp. */
function powertoolsLine(output: string): Record<string, unknown> | undefined {
  const line = output.split('\n').find((l) => l.includes('powertools says hi'));
  if (!line) return undefined;
  const { timestamp: _, ...rest } = JSON.parse(line.slice(line.indexOf('{'))) as Record<
    string,
    unknown
  >;
  return rest;
}

describe('@aws-lambda-powertools/logger: same answers and same log fields', () => {
  it.each(HTTP_EVENT_KINDS)('GET /hello on %s', async (kind) => {
    const compared = await (await pair('powertools.handler')).invoke(httpEvent(kind, HELLO.spec));
    expectSame(compared);
    const ric = powertoolsLine(compared.output.ric);
    expect(ric, compared.output.ric).toMatchObject({
      level: 'INFO',
      function_name: 'test-function',
      function_memory_size: '256',
      service: 'compat',
    });
    expect(powertoolsLine(compared.output.lambdash), compared.output.lambdash).toEqual(ric);
  });
});

describe('SQS partial batch responses: same answers', () => {
  it.each([
    ['written by hand', 'sqs.handler', false],
    ['written by hand, one record failing', 'sqs.handler', true],
    ['with Powertools batch', 'sqs.powertools', false],
    ['with Powertools batch, one record failing', 'sqs.powertools', true],
  ] as const)('%s', async (_name, handler, failing) => {
    expectSame(await (await pair(handler)).invoke(sqsBatch(failing)));
  });
});

describe('callback-style handlers: same answers and same errors', () => {
  it.each(HTTP_EVENT_KINDS)('a full HTTP response through the callback on %s', async (kind) => {
    expectSame(await (await pair('callback.response')).invoke(httpEvent(kind, HELLO.spec)));
  });

  it.each([
    ['a callback called later', 'callback.later', { value: 7 }],
    ['an error passed to the callback', 'callback.error', { value: 1 }],
    ['an error thrown before the callback', 'callback.throws', { value: 1 }],
    ['context.succeed', 'callback.succeed', { value: 1 }],
    ['context.fail', 'callback.fail', { value: 1 }],
    ['a synchronous two-parameter handler returning a value', 'callback.syncReturn', { value: 1 }],
    ['callbackWaitsForEmptyEventLoop = false', 'callback.noWait', { value: 1 }],
  ] as const)('%s (a direct event)', async (_name, handler, event) => {
    expectSame(await (await pair(handler)).invoke(event));
  });

  it.each([
    ['an error passed to the callback', 'callback.error'],
    ['an error thrown before the callback', 'callback.throws'],
  ] as const)('%s (an HTTP API event)', async (_name, handler) => {
    expectSame(await (await pair(handler)).invoke(httpEvent('apigw-v2', HELLO.spec)));
  });
});

// Issue 12 part 7: lambdash's extras, the only places where it may answer otherwise.
describe('the documented differences (issue 12 part 7)', () => {
  it.each(HTTP_EVENT_KINDS)(
    'a plain value for an HTTP event on %s becomes an HTTP response',
    async (kind) => {
      const { lambdash, ric } = await (await pair('callback.plainValue')).invoke(
        httpEvent(kind, HELLO.spec),
      );
      expect(ric).toMatchObject({ kind: 'response', payload: { plain: true } });
      expect(lambdash.kind).toBe('response');
      const response = lambdash.payload as { statusCode: number; body: string };
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual(ric.payload);
    },
  );

  it.each(HTTP_EVENT_KINDS)(
    'a thrown HTTP error for an HTTP event on %s becomes its status',
    async (kind) => {
      const { lambdash, ric } = await (await pair('callback.httpError')).invoke(
        httpEvent(kind, HELLO.spec),
      );
      expect(ric).toMatchObject({
        kind: 'error',
        payload: { errorType: 'Error', errorMessage: 'Conflict here' },
      });
      expect(lambdash.kind).toBe('response');
      const response = lambdash.payload as { statusCode: number; body: string };
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body)).toEqual({ message: 'Conflict here' });
    },
  );

  it('context.failRecord answers a partial batch failure', async () => {
    const { lambdash, ric } = await (await pair('sqs.failRecord')).invoke(sqsBatch(true));
    expect(ric).toEqual({ kind: 'response', contentType: 'application/json', payload: null });
    expect(lambdash).toMatchObject({
      kind: 'response',
      payload: { batchItemFailures: [{ itemIdentifier: 'MessageID_2' }] },
    });
  });
});
