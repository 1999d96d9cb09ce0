// The core's one retry loop. Pauses are watched through the policy's `wait` (what Lambda's
// update conflicts use instead of sleeping), so no test sleeps for real beyond a millisecond.
import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { type RetryStep, retry } from '../../../src/core/common/retry.js';

class Busy extends Error {}

/** An operation that fails with `Busy` this many times, then answers its try number. */
function failingTimes(failures: number) {
  const tries: number[] = [];
  const operation = async (attempt: number) => {
    tries.push(attempt);
    if (tries.length <= failures) throw new Busy(`busy ${attempt}`);
    return `done on ${attempt}`;
  };
  return { tries, operation };
}

const isBusy = (error: unknown) => error instanceof Busy;

describe('retry', () => {
  it('answers the first success without trying again', async () => {
    const { tries, operation } = failingTimes(0);
    await expect(retry(operation, { what: 'x', retryOn: isBusy })).resolves.toBe('done on 1');
    expect(tries).toEqual([1]);
  });

  it('tries again after a failure it retries, numbering the tries', async () => {
    const { tries, operation } = failingTimes(2);
    await expect(retry(operation, { what: 'x', retryOn: isBusy })).resolves.toBe('done on 3');
    expect(tries).toEqual([1, 2, 3]);
  });

  it('throws a failure it does not retry as it was, at once', async () => {
    const wrong = new Error('not busy');
    let tries = 0;
    const operation = async () => {
      tries++;
      throw wrong;
    };
    await expect(retry(operation, { what: 'x', retryOn: isBusy })).rejects.toBe(wrong);
    expect(tries).toBe(1);
  });

  it('gives retryOn the failed try number', async () => {
    const { tries, operation } = failingTimes(5);
    const asked: number[] = [];
    const retryOn = (error: unknown, attempt: number) => {
      asked.push(attempt);
      return isBusy(error) && attempt < 2;
    };
    await expect(retry(operation, { what: 'x', retryOn })).rejects.toThrow('busy 2');
    expect(asked).toEqual([1, 2]);
    expect(tries).toEqual([1, 2]);
  });

  it('stops after `attempts` tries with the last failure', async () => {
    const { tries, operation } = failingTimes(10);
    await expect(retry(operation, { what: 'x', retryOn: isBusy, attempts: 3 })).rejects.toThrow(
      'busy 3',
    );
    expect(tries).toEqual([1, 2, 3]);
  });

  it('doubles the pause up to its bound, announcing each further try', async () => {
    const { operation } = failingTimes(5);
    const waits: RetryStep[] = [];
    const events: LambdashEvent[] = [];
    await retry(
      operation,
      {
        what: 'Creating function f',
        retryOn: isBusy,
        firstDelayMs: 1_000,
        maxDelayMs: 5_000,
        event: { what: 'Lambda CreateFunction f', reason: 'the role is not known yet' },
        wait: async (step) => {
          waits.push(step);
        },
      },
      { onEvent: (event) => events.push(event) },
    );
    expect(waits.map((step) => step.delayMs)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(events).toEqual(
      [1_000, 2_000, 4_000, 5_000, 5_000].map((delayMs, index) => ({
        type: 'retry',
        what: 'Lambda CreateFunction f',
        reason: 'the role is not known yet',
        attempt: index + 1,
        delayMs,
      })),
    );
  });

  it('emits no retry event without its wording, and reports through onRetry instead', async () => {
    const { operation } = failingTimes(2);
    const events: LambdashEvent[] = [];
    const reported: Array<[string, RetryStep]> = [];
    await retry(
      operation,
      {
        what: 'The build',
        retryOn: isBusy,
        onRetry: (error, step) => reported.push([(error as Error).message, step]),
      },
      { onEvent: (event) => events.push(event) },
    );
    expect(events).toEqual([]);
    expect(reported).toEqual([
      ['busy 1', { attempt: 1, delayMs: 0 }],
      ['busy 2', { attempt: 2, delayMs: 0 }],
    ]);
  });

  it("throws giveUp's error instead, before announcing or pausing", async () => {
    const { tries, operation } = failingTimes(10);
    const events: LambdashEvent[] = [];
    const waits: RetryStep[] = [];
    const tooLong = new Error('gave up');
    const error = await retry(
      operation,
      {
        what: 'x',
        retryOn: isBusy,
        firstDelayMs: 100,
        event: { what: 'x', reason: 'busy' },
        giveUp: (_error, next) => (next.delayMs > 300 ? tooLong : undefined),
        wait: async (step) => {
          waits.push(step);
        },
      },
      { onEvent: (event) => events.push(event) },
    ).catch((failure: unknown) => failure);
    expect(error).toBe(tooLong);
    expect(tries).toEqual([1, 2, 3]);
    expect(waits.map((step) => step.delayMs)).toEqual([100, 200]);
    expect(events).toHaveLength(2);
  });

  it('pauses for real (through delay) when no wait is given, then tries again', async () => {
    const { tries, operation } = failingTimes(1);
    await expect(retry(operation, { what: 'x', retryOn: isBusy, firstDelayMs: 1 })).resolves.toBe(
      'done on 2',
    );
    expect(tries).toEqual([1, 2]);
  });

  it("ends the pause with ABORTED when the operation's signal fires", async () => {
    const controller = new AbortController();
    let tries = 0;
    const operation = async () => {
      tries++;
      controller.abort();
      throw new Busy('busy');
    };
    const error = await retry(
      operation,
      { what: 'Creating function f', retryOn: isBusy, firstDelayMs: 60_000 },
      { signal: controller.signal },
    ).catch((failure: unknown) => failure);
    expect(isLambdashError(error) && error.code).toBe('ABORTED');
    expect((error as Error).message).toBe('Creating function f was cancelled');
    expect(tries).toBe(1);
  });

  it('does not try a cancelled operation again, even without a pause', async () => {
    const controller = new AbortController();
    let tries = 0;
    const operation = async () => {
      tries++;
      controller.abort();
      throw new Busy('busy');
    };
    const error = await retry(
      operation,
      { what: 'The build', retryOn: isBusy, attempts: 3 },
      { signal: controller.signal },
    ).catch((failure: unknown) => failure);
    expect(isLambdashError(error) && error.code).toBe('ABORTED');
    expect((error as Error).message).toBe('The build was cancelled');
    expect(tries).toBe(1);
  });
});
