// The command log's lines: every event in the core's words, detail marked as `call`, a state
// said once per operation; and the progress line's bar and status.
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../src/core/common/describe-event.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { StateRepeats } from '../../../src/core/common/state-repeats.js';
import { applyEvent, logLineOf, START_PROGRESS } from '../../../src/tui/operations.js';

function logOf(events: LambdashEvent[]) {
  const repeats = new StateRepeats();
  return events.map((event) => logLineOf(event, repeats));
}

describe('logLineOf', () => {
  it('logs the events the app once left out, in the command line words', () => {
    expect(
      logOf([
        { type: 'bundle.done', bytes: 1400, files: 1, ms: 25 },
        { type: 'git.clone', url: 'https://example.com/a.git', ref: undefined },
        { type: 'warmup.done', cacheBytes: 2_000_000, ms: 120 },
      ]),
    ).toEqual([
      { level: 'info', text: 'bundle: 1.4 kB from 1 file in 25 ms' },
      { level: 'info', text: 'git: https://example.com/a.git' },
      { level: 'info', text: 'warm-up: 2.0 MB of compiled code kept (120 ms)' },
    ]);
  });

  it('keeps the core levels, with detail as calls', () => {
    expect(
      logOf([
        { type: 'aws.call', service: 'Lambda', operation: 'GetFunction' },
        { type: 'container.start', id: 'abcdef1234567890', port: 9000 },
        { type: 'image.test', passed: true, seconds: 0.4 },
        { type: 'image.test', passed: false, seconds: 0.4 },
        { type: 'retry', what: 'CreateFunction', reason: 'throttled', attempt: 2, delayMs: 500 },
      ]).map((line) => line?.level),
    ).toEqual(['call', 'call', 'success', 'error', 'warning']);
  });

  it('says each wait state and push status once', () => {
    const wait = (state: string, seconds: number): LambdashEvent => ({
      type: 'wait',
      what: 'function hello',
      state,
      seconds,
    });
    expect(logOf([wait('Pending', 0), wait('Pending', 1), wait('Active', 2)])).toEqual([
      { level: 'info', text: 'waiting for function hello: Pending' },
      undefined,
      { level: 'info', text: 'waiting for function hello: Active (2 s)' },
    ]);
  });
});

describe('applyEvent', () => {
  it('measures a build by its steps and a push by its bytes', () => {
    const step = applyEvent(START_PROGRESS, {
      type: 'build.step',
      step: 3,
      total: 6,
      text: 'Bundling',
    });
    expect(step).toMatchObject({ ratio: 2 / 6, text: 'step 3/6 Bundling' });
    const pushed = applyEvent(step, {
      type: 'push.progress',
      layer: 'a',
      status: 'Pushing',
      bytes: 500,
      total: 2000,
    });
    expect(pushed).toMatchObject({ ratio: 0.25, text: 'pushing 500B of 2.0kB' });
  });

  it("says the work's status in the core's short words", () => {
    const events: LambdashEvent[] = [
      { type: 'npm.install', dir: '/tmp/x', command: 'npm ci' },
      { type: 'wait', what: 'function hello', state: 'Pending', seconds: 4.2 },
      { type: 'retry', what: 'CreateFunction', reason: 'not ready', attempt: 2, delayMs: 10 },
      { type: 'image.test', passed: true, seconds: 1 },
    ];
    for (const event of events) {
      expect(applyEvent(START_PROGRESS, event).text).toBe(describeEvent(event).short);
    }
    expect(
      applyEvent(START_PROGRESS, {
        type: 'wait',
        what: 'function hello',
        state: 'Pending',
        seconds: 4.2,
      }).text,
    ).toBe('waiting for function hello: Pending 4s');
  });

  it('leaves the progress as it was for events that do not measure it', () => {
    expect(applyEvent(START_PROGRESS, { type: 'aws.call', service: 'ECR', operation: 'X' })).toBe(
      START_PROGRESS,
    );
  });
});
