// Typed input: a handler module that exports a Standard Schema as `eventSchema` only ever
// sees input that passed it, in the schema's output form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEvent, type JsonRecord, withJsonBody } from '../../support/aws-events.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness;
beforeAll(async () => {
  harness = await startRuntime({ handler: 'sources/typed.handler' });
});
afterAll(async () => {
  await harness.stop();
});

const SCHEMA_ERROR = "The event does not match the handler's schema: ";

describe('direct invocation', () => {
  it.each([
    {
      event: { name: 42, address: {} },
      issues: 'name: must be a string; age: must be a number; address.zip: must be a string',
    },
    { event: 'not an object', issues: '(root): must be an object' },
  ])('a bad event $event is an EventValidationError listing the issues', async (c) => {
    const answer = await harness.invokeJson(c.event);
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'EventValidationError',
      body: { errorType: 'EventValidationError', errorMessage: SCHEMA_ERROR + c.issues },
    });
  });

  it('a valid event reaches the handler as the schema output', async () => {
    expect(await harness.invokeJson({ name: 'ada', age: 36, extra: 'dropped' })).toEqual({
      kind: 'response',
      errorType: undefined,
      body: { kind: 'direct', event: { name: 'ADA', age: 36, validated: true } },
    });
  });

  it('validates the whole event of a non-HTTP source', async () => {
    const answer = await harness.invokeJson(awsEvent('sqs-event'));
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'EventValidationError',
      body: { errorMessage: `${SCHEMA_ERROR}name: must be a string; age: must be a number` },
    });
  });
});

describe('HTTP sources: the schema checks the request body', () => {
  const badBody = async (event: JsonRecord) => {
    const answer = await harness.invokeJson(event);
    expect(answer.kind).toBe('response');
    const response = answer.body as { statusCode: number; body: string };
    expect(response.statusCode).toBe(400);
    return JSON.parse(response.body) as unknown;
  };

  it('a JSON body that does not match gives 400 listing the issues', async () => {
    // The sample's body is {"a": 1}.
    expect(await badBody(awsEvent('apigw-request'))).toEqual({
      message: `${SCHEMA_ERROR}name: must be a string; age: must be a number`,
      details: [
        { path: 'name', message: 'must be a string' },
        { path: 'age', message: 'must be a number' },
      ],
    });
  });

  it('a text body gives 400 at the root', async () => {
    // The sample's body is "Hello from client!" with no content type.
    expect(await badBody(awsEvent('lambda-urls-request'))).toEqual({
      message: `${SCHEMA_ERROR}(root): must be an object`,
      details: [{ path: '', message: 'must be an object' }],
    });
  });

  it.each([
    'apigw-request',
    'apigw-v2-request-no-authorizer',
    'alb-lambda-target-request-multivalue-headers',
  ])('%s: a valid body reaches the handler as the schema output', async (file) => {
    const event = withJsonBody(awsEvent(file), '{"name":"grace","age":85}');
    const answer = await harness.invokeJson(event);
    const response = answer.body as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      body: { name: 'GRACE', age: 85, validated: true },
    });
  });

  it('the next invocation after a rejected one succeeds', async () => {
    await badBody(awsEvent('apigw-request'));
    expect((await harness.invokeJson({ name: 'x', age: 1 })).kind).toBe('response');
  });
});
