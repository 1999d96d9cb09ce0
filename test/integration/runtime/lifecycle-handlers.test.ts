// Callback-style handlers and context.succeed/fail/done, with the Lambda runtime's rules on
// when the answer goes out. Ordering is read from the runtime's own stdout (one stream, so
// its order is exact): the handler's console lines against the `response.posted` mark.
import { afterEach, describe, expect, it } from 'vitest';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';
import { until } from '../../support/runtime-process.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const start = (name: string) => startRuntime({ handler: `lifecycle/callback.${name}` });

/** Index of the first output line containing `text`, or -1. */
function lineOf(output: string, text: string): number {
  return output.split('\n').findIndex((line) => line.includes(text));
}

describe('callback handlers and legacy completion methods', () => {
  it.each([
    { name: 'result', answer: { kind: 'response', body: { via: 'callback', n: 7 } } },
    {
      name: 'error',
      answer: {
        kind: 'error',
        errorType: 'Error',
        body: expect.objectContaining({ errorType: 'Error', errorMessage: 'callback failed' }),
      },
    },
    { name: 'firstCallWins', answer: { kind: 'response', body: 'first' } },
    { name: 'succeedLater', answer: { kind: 'response', body: { via: 'succeed' } } },
    { name: 'neverCalls', answer: { kind: 'response', body: null } },
    {
      name: 'fail',
      answer: {
        kind: 'error',
        errorType: 'Error',
        body: expect.objectContaining({ errorType: 'Error', errorMessage: 'failed via context' }),
      },
    },
    {
      name: 'failWithoutReason',
      answer: {
        kind: 'error',
        errorType: 'string',
        body: { errorType: 'string', errorMessage: 'handled', trace: [] },
      },
    },
    { name: 'doneOk', answer: { kind: 'response', body: { via: 'done' } } },
    {
      name: 'doneError',
      answer: {
        kind: 'error',
        errorType: 'RangeError',
        body: expect.objectContaining({
          errorType: 'RangeError',
          errorMessage: 'done with an error',
        }),
      },
    },
  ])('$name answers, twice in a row on one process', async ({ name, answer }) => {
    harness = await start(name);
    for (let i = 0; i < 2; i++) {
      const result = await harness.invokeJson({ n: 7 });
      expect(result).toEqual({ errorType: undefined, ...answer });
    }
    expect(harness.process.exitCode).toBe(null);
  });

  it('with callbackWaitsForEmptyEventLoop, answers only after pending timers ran', async () => {
    harness = await start('waitsForTimer');
    const answer = await harness.invokeJson({ wait: true });
    expect(answer.body).toEqual({ seen: ['timer'], waited: true });
    await until(() => harness!.output().includes('response.posted'));
    const output = harness.output();
    expect(lineOf(output, 'timer fired')).toBeGreaterThan(-1);
    expect(lineOf(output, 'timer fired')).toBeLessThan(lineOf(output, 'response.posted'));
  });

  it('with callbackWaitsForEmptyEventLoop = false, answers at once; the timer runs later', async () => {
    harness = await start('waitsForTimer');
    const answer = await harness.invokeJson({ wait: false });
    expect(answer.body).toEqual({ seen: [], waited: false });
    await until(() => harness!.output().includes('timer fired'));
    const output = harness.output();
    expect(lineOf(output, 'response.posted')).toBeLessThan(lineOf(output, 'timer fired'));
    // The leftover timer belonged to the last invocation: this one is not disturbed.
    expect((await harness.invokeJson({ wait: true })).body).toEqual({
      seen: ['timer'],
      waited: true,
    });
  });

  it('context.succeed answers at once, even with timers pending', async () => {
    harness = await start('succeedWithPendingTimer');
    expect((await harness.invokeJson({})).body).toEqual({ seen: [] });
    await until(() => harness!.output().includes('late timer fired'));
    const output = harness.output();
    expect(lineOf(output, 'response.posted')).toBeLessThan(lineOf(output, 'late timer fired'));
  });

  it("does not let the deadline's timer hold a waiting callback until the deadline", async () => {
    harness = await start('signalThenCallback');
    // Were the timer to hold the loop, this answer would come after ten minutes.
    const answer = await harness.invokeJson({}, { deadlineMs: Date.now() + 600_000 });
    expect(answer.body).toEqual({ aborted: false });
  });
});

describe('the callback argument', () => {
  it.each([
    { name: 'asyncTwo', answer: 2 },
    { name: 'asyncThree', answer: 'function' },
    { name: 'plain', answer: 3 },
  ])('$name is called with what it can use: $answer', async ({ name, answer }) => {
    harness = await startRuntime({ handler: `lifecycle/arity.${name}` });
    expect((await harness.invokeJson({})).body).toBe(answer);
  });
});
