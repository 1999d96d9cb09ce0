// The context object as a handler sees it, with every field fed from where Lambda feeds it:
// the function's environment, and each invocation's Runtime API headers.
import { afterEach, describe, expect, it } from 'vitest';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const env = {
  AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders-api',
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/03/14/[7]5f1b2c3d4e5f60718293a4b5c6d7e8f9',
};
const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live';
const clientContext = {
  client: { installation_id: 'install-1', app_title: 'Orders', app_version_code: '42' },
  custom: { tenant: 'acme' },
  env: { platform: 'Android', locale: 'en_GB' },
};
const identity = {
  cognitoIdentityId: 'eu-west-1:1a2b3c4d-0000-1111-2222-333344445555',
  cognitoIdentityPoolId: 'eu-west-1:pool-0000-1111',
};

type ContextAnswer = Record<string, unknown> & { remaining: number; before: number; after: number };

async function contextFor(
  request: Parameters<RuntimeHarness['invoke']>[1],
): Promise<ContextAnswer> {
  harness ??= await startRuntime({ handler: 'lifecycle/context.handler', env });
  const answer = await harness.invokeJson({}, request);
  expect(answer.kind).toBe('response');
  return answer.body as ContextAnswer;
}

describe('runtime context', () => {
  it('carries the invocation headers and the function environment', async () => {
    const deadlineMs = Date.now() + 120_000;
    const answer = await contextFor({
      requestId: 'c0ffee00-1111-2222-3333-444455556666',
      invokedFunctionArn: arn,
      deadlineMs,
      clientContext: JSON.stringify(clientContext),
      cognitoIdentity: JSON.stringify(identity),
    });
    const { remaining, before, after, ...fields } = answer;
    expect(fields).toEqual({
      awsRequestId: 'c0ffee00-1111-2222-3333-444455556666',
      invokedFunctionArn: arn,
      functionName: 'orders-api',
      functionVersion: '7',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/orders-api',
      logStreamName: '2026/03/14/[7]5f1b2c3d4e5f60718293a4b5c6d7e8f9',
      clientContext,
      identity,
      callbackWaitsForEmptyEventLoop: true,
      signalAborted: false,
      traceId: 'unset',
    });
    // Read between `before` and `after`: exactly the deadline header minus the clock.
    expect(remaining).toBeGreaterThanOrEqual(deadlineMs - after);
    expect(remaining).toBeLessThanOrEqual(deadlineMs - before);
  });

  it('leaves clientContext and identity undefined when their headers are absent', async () => {
    const answer = await contextFor({});
    expect(answer.clientContext).toBe('absent');
    expect(answer.identity).toBe('absent');
  });

  it('gives 0 remaining milliseconds once the deadline has passed', async () => {
    const answer = await contextFor({ deadlineMs: Date.now() - 5_000 });
    expect(answer.remaining).toBe(0);
  });

  it('sets _X_AMZN_TRACE_ID from each invocation and removes it when there is none', async () => {
    const first = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const third = 'Root=1-67891233-abcdef012345678912345678;Parent=0123456789abcdef;Sampled=0';
    expect((await contextFor({ traceId: first })).traceId).toBe(first);
    expect((await contextFor({})).traceId).toBe('unset');
    expect((await contextFor({ traceId: third })).traceId).toBe(third);
  });

  it('aborts context.signal at the deadline, and the next invocation starts fresh', async () => {
    harness = await startRuntime({ handler: 'lifecycle/context.awaitAbort', env });
    const aborted = await harness.invokeJson({}, { deadlineMs: Date.now() + 300 });
    expect(aborted).toEqual({
      kind: 'response',
      errorType: undefined,
      body: { result: 'aborted', reason: 'TimeoutError' },
    });
    expect(harness.process.exitCode).toBe(null);
    expect((await harness.invokeJson({}, { deadlineMs: Date.now() + 200 })).body).toEqual({
      result: 'aborted',
      reason: 'TimeoutError',
    });
  });
});
