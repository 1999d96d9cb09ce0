// A state said once per thing: repeats of the state last said are dropped, a change is said,
// and a state said before a change is said again.
import { describe, expect, it } from 'vitest';
import type { EventDescription } from '../../../src/core/common/describe-event.js';
import { StateRepeats } from '../../../src/core/common/state-repeats.js';

const of = (thing: string, state: string): EventDescription => ({
  level: 'info',
  message: `${thing}: ${state}`,
  state: { of: thing, is: state },
});

describe('StateRepeats', () => {
  it('tells repeats of the last state of each thing', () => {
    const repeats = new StateRepeats();
    expect(
      [
        of('wait a', 'Pending'),
        of('wait a', 'Pending'),
        of('wait b', 'Pending'),
        of('wait a', 'Active'),
        of('wait a', 'Pending'),
        of('wait b', 'Pending'),
      ].map((description) => repeats.repeats(description)),
    ).toEqual([false, true, false, false, false, true]);
  });

  it('never drops a description without a state', () => {
    const repeats = new StateRepeats();
    const line: EventDescription = { level: 'info', message: 'git: x' };
    expect([repeats.repeats(line), repeats.repeats(line)]).toEqual([false, false]);
  });
});
