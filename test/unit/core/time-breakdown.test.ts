import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import {
  getInvocationTimeBreakdown,
  type TimeSegment,
} from '../../../src/core/logs/time-breakdown.js';
import {
  COLD_ID,
  coldThenWarm,
  endLine,
  marksLine,
  reportLine,
  startLine,
  WARM_ID,
} from '../../support/invocation-logs.js';

/** Summed left to right, as any reader of the segments would. */
const total = (segments: readonly TimeSegment[]) =>
  segments.reduce((sum, segment) => sum + segment.lengthMs, 0);

const brief = (segments: readonly TimeSegment[]) =>
  segments.map((s) => [s.label, s.kind, s.startMs, s.lengthMs]);

type Mark = readonly ['runtime' | 'user', string, number];

/** The breakdown of request 'r' with these marks and REPORT figures. */
function breakdownOf(marks: readonly Mark[], durationMs: number, initDurationMs?: number) {
  const text =
    startLine('r') +
    marksLine('r', marks) +
    endLine('r') +
    reportLine({ requestId: 'r', durationMs, initDurationMs, memorySizeMb: 1, maxMemoryUsedMb: 1 });
  return getInvocationTimeBreakdown(parseInvocationLog(text));
}

describe('getInvocationTimeBreakdown', () => {
  it('splits a cold invocation into init, runtime, user, handler and runtime segments', () => {
    const breakdown = getInvocationTimeBreakdown(parseInvocationLog(coldThenWarm()));
    expect(breakdown.cold).toBe(true);
    expect(breakdown.initMs).toBe(150.53);
    expect(breakdown.totalMs).toBe(150.53 + 4.2);
    expect(brief(breakdown.segments)).toEqual([
      ['init', 'init', 0, 150.53],
      ['runtime before', 'runtime', 150.53, 0.294],
      ['db.query.done', 'user', 150.53 + 0.294, 0.317],
      ['handler', 'handler', 150.53 + 0.294 + 0.317, 0.526],
      ['runtime after', 'runtime', 150.53 + 0.294 + 0.317 + 0.526, expect.closeTo(3.063, 9)],
    ]);
    expect(total(breakdown.segments)).toBe(breakdown.totalMs);
    expect(breakdown.handlerMs).toBeCloseTo(0.843, 9);
    expect(breakdown.runtimeMs).toBeCloseTo(3.357, 9);
  });

  it('splits a log of an older image (one line per mark) the same way', () => {
    const legacy = getInvocationTimeBreakdown(parseInvocationLog(coldThenWarm(true)));
    expect(legacy).toEqual(getInvocationTimeBreakdown(parseInvocationLog(coldThenWarm())));
    expect(legacy.segments.map((s) => s.label)).toEqual([
      'init',
      'runtime before',
      'db.query.done',
      'handler',
      'runtime after',
    ]);
  });

  it('has no init segment when warm', () => {
    const log = parseInvocationLog(coldThenWarm(), { requestId: WARM_ID });
    const breakdown = getInvocationTimeBreakdown(log);
    expect(breakdown.cold).toBe(false);
    expect(breakdown.initMs).toBe(0);
    expect(breakdown.totalMs).toBe(4.01);
    expect(breakdown.segments.map((s) => [s.label, s.lengthMs])).toEqual([
      ['runtime before', 0.294],
      ['db.query.done', 0.317],
      ['handler', 0.526],
      ['runtime after', expect.closeTo(2.873, 9)],
    ]);
    expect(total(breakdown.segments)).toBe(4.01);
  });

  it('adds up exactly to the total for awkward figures', () => {
    // Durations whose decimal sums are not exact in binary floating point.
    for (const [durationMs, initDurationMs] of [
      [0.3, 0.1],
      [2.03, 1234.57],
      [7.77, undefined],
      [0.01, 0.07],
    ] as const) {
      const breakdown = breakdownOf(
        [
          ['runtime', 'event.received', 1795249099465.491],
          ['runtime', 'handler.start', 1795249099465.592],
          ['user', 'a', 1795249099465.693],
          ['user', 'b', 1795249099465.794],
          ['runtime', 'handler.end', 1795249099465.895],
          ['runtime', 'response.posted', 1795249099466.001],
        ],
        durationMs,
        initDurationMs,
      );
      expect(total(breakdown.segments)).toBe(breakdown.totalMs);
      expect(breakdown.totalMs).toBe((initDurationMs ?? 0) + durationMs);
      for (const segment of breakdown.segments) expect(segment.lengthMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('clamps marks that span more than the rounded Duration', () => {
    // Marks span 0.5 ms; Duration says 0.30: the handler is cut at the total, nothing negative.
    const breakdown = breakdownOf(
      [
        ['runtime', 'event.received', 100],
        ['runtime', 'handler.start', 100.1],
        ['runtime', 'handler.end', 100.5],
        ['runtime', 'response.posted', 100.6],
      ],
      0.3,
    );
    expect(brief(breakdown.segments)).toEqual([
      ['runtime before', 'runtime', 0, 0.1],
      ['handler', 'handler', 0.1, 0.19999999999999998],
      ['runtime after', 'runtime', 0.3, 0],
    ]);
    expect(total(breakdown.segments)).toBe(0.3);
  });

  it('gives all of Duration to the handler when the log has no marks (not our runtime)', () => {
    const breakdown = breakdownOf([], 12.5, 80);
    expect(brief(breakdown.segments)).toEqual([
      ['init', 'init', 0, 80],
      ['handler', 'handler', 80, 12.5],
    ]);
    expect(breakdown.runtimeMs).toBe(0);
    expect(breakdown.handlerMs).toBe(12.5);
  });

  it('takes the handler to run until the end when handler.end is missing (killed)', () => {
    const breakdown = breakdownOf(
      [
        ['runtime', 'event.received', 100],
        ['runtime', 'handler.start', 100.25],
        ['user', 'step', 101],
      ],
      3,
    );
    expect(brief(breakdown.segments)).toEqual([
      ['runtime before', 'runtime', 0, 0.25],
      ['step', 'user', 0.25, 0.75],
      ['handler', 'handler', 1, 2],
    ]);
  });

  it('counts an event that never reached the handler as runtime', () => {
    const breakdown = breakdownOf(
      [
        ['runtime', 'event.received', 100],
        ['runtime', 'response.posted', 100.5],
      ],
      0.75,
    );
    expect(brief(breakdown.segments)).toEqual([['runtime before', 'runtime', 0, 0.75]]);
    expect(breakdown.handlerMs).toBe(0);
  });

  it('ignores module.load marks and user marks outside the handler', () => {
    const breakdown = breakdownOf(
      [
        ['runtime', 'event.received', 100],
        ['user', 'in deserialize', 100.1],
        ['runtime', 'handler.start', 100.25],
        ['runtime', 'handler.end', 101.25],
        ['runtime', 'module.load zlib', 101.3],
        ['user', 'after the handler', 101.4],
        ['runtime', 'response.posted', 101.5],
      ],
      2,
    );
    expect(brief(breakdown.segments)).toEqual([
      ['runtime before', 'runtime', 0, 0.25],
      ['handler', 'handler', 0.25, 1],
      ['runtime after', 'runtime', 1.25, 0.75],
    ]);
  });

  it('throws LOG_NOT_FOUND with a hint when the REPORT line is missing', () => {
    const log = parseInvocationLog(startLine(COLD_ID), { source: 'tail' });
    let caught: unknown;
    try {
      getInvocationTimeBreakdown(log);
    } catch (error) {
      caught = error;
    }
    expect(isLambdashError(caught, 'LOG_NOT_FOUND')).toBe(true);
    expect((caught as Error).message).toBe(
      `The log of request ${COLD_ID} has no REPORT line, so its durations are unknown`,
    );
    expect((caught as { hint?: string }).hint).toMatch(/CloudWatch Logs/);
  });
});
