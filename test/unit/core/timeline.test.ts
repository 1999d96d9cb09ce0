import { describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import { getInvocationTimeBreakdown } from '../../../src/core/logs/time-breakdown.js';
import { formatTimeline, getTimeline, type Timeline } from '../../../src/core/logs/timeline.js';
import { coldThenWarm, WARM_ID } from '../../support/invocation-logs.js';

const cold = () => getTimeline(parseInvocationLog(coldThenWarm()));
const warm = () => getTimeline(parseInvocationLog(coldThenWarm(), { requestId: WARM_ID }));

describe('getTimeline', () => {
  it('is the time breakdown on one axis', () => {
    const log = parseInvocationLog(coldThenWarm());
    const breakdown = getInvocationTimeBreakdown(log);
    expect(getTimeline(log)).toEqual({ totalMs: 154.73, segments: breakdown.segments });
  });
});

describe('formatTimeline', () => {
  it('draws a warm invocation at width 40, long labels cut', () => {
    expect(formatTimeline(warm(), { width: 40 })).toEqual([
      'runtime befo… █                  0.29 ms',
      'db.query.done  ██                0.32 ms',
      'handler          ██              0.53 ms',
      'runtime after      █████████████ 2.87 ms',
      'total         ────────────────── 4.01 ms',
    ]);
  });

  it('draws a warm invocation at width 120', () => {
    const lines = formatTimeline(warm(), { width: 120 });
    const bar = (from: number, to: number) =>
      ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(97 - to);
    expect(lines).toEqual([
      `runtime before ${bar(0, 7)} 0.29 ms`,
      `db.query.done  ${bar(7, 15)} 0.32 ms`,
      `handler        ${bar(15, 28)} 0.53 ms`,
      `runtime after  ${bar(28, 97)} 2.87 ms`,
      `total          ${'─'.repeat(97)} 4.01 ms`,
    ]);
    for (const line of lines) expect(line).toHaveLength(120);
  });

  it('gives a short segment at least one cell, even beside a long init', () => {
    expect(formatTimeline(cold(), { width: 40 })).toEqual([
      'init          ████████████████ 150.53 ms',
      'runtime befo…                █   0.29 ms',
      'db.query.done                █   0.32 ms',
      'handler                      █   0.53 ms',
      'runtime after                █   3.06 ms',
      'total         ──────────────── 154.73 ms',
    ]);
    const wide = formatTimeline(cold(), { width: 120 });
    expect(wide[0]).toBe(`init           ${'█'.repeat(92)}${' '.repeat(3)} 150.53 ms`);
    expect(wide[1]).toBe(`runtime before ${' '.repeat(92)}█${' '.repeat(2)}   0.29 ms`);
    expect(wide[4]).toBe(`runtime after  ${' '.repeat(93)}██   3.06 ms`);
    for (const line of wide) expect(line).toHaveLength(120);
  });

  it('leaves a zero-length segment empty and defaults to 80 columns', () => {
    const timeline: Timeline = {
      totalMs: 2,
      segments: [
        { label: 'runtime before', kind: 'runtime', startMs: 0, lengthMs: 0 },
        { label: 'handler', kind: 'handler', startMs: 0, lengthMs: 2 },
      ],
    };
    const lines = formatTimeline(timeline);
    expect(lines).toEqual([
      `runtime before ${' '.repeat(57)} 0.00 ms`,
      `handler        ${'█'.repeat(57)} 2.00 ms`,
      `total          ${'─'.repeat(57)} 2.00 ms`,
    ]);
  });
});
