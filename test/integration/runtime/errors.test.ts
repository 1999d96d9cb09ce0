// How invocation failures reach the Runtime API: the error JSON, its type, and
// whether the process survives. Failures that leave the process sound must not disturb the
// next invocation on the same process; the others must end it.
import { afterEach, describe, expect, it } from 'vitest';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const start = () => startRuntime({ handler: 'lifecycle/errors.handler' });

async function expectEchoWorks(runtime: RuntimeHarness): Promise<void> {
  expect(await runtime.invokeJson({ do: 'echo', value: 'still here' })).toEqual({
    kind: 'response',
    errorType: undefined,
    body: { echo: 'still here' },
  });
}

describe('runtime invocation errors', () => {
  it.each([
    {
      case: 'a thrown Error',
      event: { do: 'throwsError' },
      type: 'Error',
      body: { errorType: 'Error', errorMessage: 'handler exploded' },
    },
    {
      case: 'a thrown string',
      event: { do: 'throwsString' },
      type: 'string',
      body: { errorType: 'string', errorMessage: 'plain string thrown', trace: [] },
    },
    {
      case: 'a rejected promise',
      event: { do: 'rejects' },
      type: 'TypeError',
      body: { errorType: 'TypeError', errorMessage: 'rejected on purpose' },
    },
    {
      case: 'an async handler that throws',
      event: { do: 'asyncThrows' },
      type: 'Error',
      body: { errorType: 'Error', errorMessage: 'async handler exploded' },
    },
    {
      case: 'a custom error class',
      event: { do: 'customError' },
      type: 'PaymentDeclinedError',
      body: { errorType: 'PaymentDeclinedError', errorMessage: 'card 4242 declined' },
    },
    {
      case: 'an error name with CR LF',
      event: { do: 'injectsHeader' },
      type: 'Bad\r\nX-Injected: yes',
      body: { errorType: 'Bad\r\nX-Injected: yes', errorMessage: 'header injection' },
    },
    {
      case: 'an error name that is not ASCII',
      event: { do: 'nonAsciiName' },
      type: 'Ärger',
      body: { errorType: 'Ärger', errorMessage: 'not ASCII' },
    },
    {
      case: 'an error whose name cannot be read',
      event: { do: 'hostileError' },
      type: 'handled',
      body: { errorType: 'handled' },
    },
    {
      case: 'a promise that never settles',
      event: { do: 'neverSettles' },
      type: 'Runtime.NodeJsExit',
      body: { errorType: 'Runtime.NodeJsExit' },
    },
    {
      case: 'a result over 6 MB',
      event: { do: 'huge' },
      type: 'Function.ResponseSizeTooLarge',
      body: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage:
          'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      },
    },
    {
      case: 'an event that is not JSON',
      event: Buffer.from('{"do": "echo", '),
      type: 'Runtime.UnmarshalError',
      body: { errorType: 'Runtime.UnmarshalError' },
    },
    {
      case: 'a circular result',
      event: { do: 'circular' },
      type: 'Runtime.SerializationError',
      body: { errorType: 'Runtime.SerializationError' },
    },
    {
      case: 'a BigInt in the result',
      event: { do: 'bigint' },
      type: 'Runtime.SerializationError',
      body: { errorType: 'Runtime.SerializationError' },
    },
  ])('$case: reports $type, and the next invocation succeeds', async ({ event, type, body }) => {
    harness = await start();
    const answer = await harness.invokeJson(event);
    expect(answer.kind).toBe('error');
    // No error-type header is sent (as AWS's runtime): the Runtime API reads the payload's
    // errorType (its own for a response over 6 MB).
    expect(answer.errorType).toBe(type);
    expect(answer.body).toMatchObject(body);
    await expectEchoWorks(harness);
    expect(harness.process.exitCode).toBe(null);
  });

  it("reports a thrown Error with its stack lines as AWS's trace, and logs it", async () => {
    harness = await start();
    const answer = await harness.invokeJson({ do: 'throwsError' });
    const { trace } = answer.body as { trace: string[] };
    expect(trace[0]).toBe('Error: handler exploded');
    expect(trace[1]).toMatch(
      /^ {4}at Object\.throwsError \(file:\/\/.*lifecycle\/errors\.mjs:\d+:\d+\)$/,
    );
    expect(harness.output()).toContain(
      'ERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"handler exploded"',
    );
  });

  it('explains the parse failure of an event that is not JSON', async () => {
    harness = await start();
    const answer = await harness.invokeJson(Buffer.from('{"do": "echo", '));
    expect((answer.body as { errorMessage: string }).errorMessage).toMatch(
      /^Unable to parse the event: /,
    );
  });

  it('reports an exception thrown by a timer for the invocation, then exits 129', async () => {
    harness = await start();
    const answer = await harness.invokeJson({ do: 'uncaughtInTimer' });
    expect(answer.errorType).toBe('RangeError');
    expect(answer.body).toMatchObject({ errorType: 'RangeError', errorMessage: 'timer exploded' });
    expect(await harness.exited).toBe(129);
    expect(harness.output()).toContain('ERROR\tUncaught Exception \t{"errorType":"RangeError"');
  });

  it('reports an unhandled rejection as Runtime.UnhandledPromiseRejection, then exits 128', async () => {
    harness = await start();
    const answer = await harness.invokeJson({ do: 'unhandledRejection' });
    expect(answer.errorType).toBe('Runtime.UnhandledPromiseRejection');
    expect(answer.body).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody awaited this',
    });
    expect(await harness.exited).toBe(128);
  });

  it('exits with the code the handler gives process.exit, posting nothing', async () => {
    harness = await start();
    const answer = harness.invokeJson({ do: 'exits' });
    expect(await harness.exited).toBe(3);
    // Had the runtime posted anything, it would be the answer instead of this one.
    harness.server.abort('Test.NoAnswer', Buffer.from('{"errorType":"Test.NoAnswer"}'));
    expect(await answer).toEqual({
      kind: 'error',
      errorType: 'Test.NoAnswer',
      body: { errorType: 'Test.NoAnswer' },
    });
  });
});
