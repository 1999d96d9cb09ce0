import { describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import { countLazyLoads, getLazyLoads } from '../../../src/core/logs/lazy-loads.js';
import {
  COLD_ID,
  coldThenWarm,
  endLine,
  initLines,
  invocationMarks,
  mark,
  marksLine,
  reportLine,
  startLine,
} from '../../support/invocation-logs.js';

const REPORT = { durationMs: 5, memorySizeMb: 128, maxMemoryUsedMb: 60 };

describe('getLazyLoads and countLazyLoads', () => {
  it('list the modules marked as first loaded during the invocation, in order', () => {
    for (const json of [false, true]) {
      const marks = invocationMarks(1795249099465.491);
      // As the runtime takes them: just before response.posted.
      marks.splice(
        -1,
        0,
        ['runtime', 'module.load zlib', 1795249099469.1],
        ['runtime', 'module.load lib/render.js', 1795249099469.2],
      );
      const text =
        startLine(COLD_ID) +
        initLines(json) +
        marksLine(COLD_ID, marks, json) +
        endLine(COLD_ID) +
        reportLine({ requestId: COLD_ID, ...REPORT, initDurationMs: 100 });
      const log = parseInvocationLog(text);
      expect(getLazyLoads(log)).toEqual(['zlib', 'lib/render.js']);
      expect(countLazyLoads(log)).toBe(2);
    }
  });

  it('count the marks of older images too, one line per mark', () => {
    const text =
      startLine('r') +
      mark('r', 'runtime', 'event.received', 1) +
      mark('r', 'runtime', 'module.load zlib', 2, true) +
      mark('r', 'runtime', 'module.load lib/a.js', 3) +
      endLine('r') +
      reportLine({ requestId: 'r', ...REPORT });
    expect(getLazyLoads(parseInvocationLog(text))).toEqual(['zlib', 'lib/a.js']);
  });

  it('are empty for an invocation that loaded nothing new', () => {
    const log = parseInvocationLog(coldThenWarm());
    expect(getLazyLoads(log)).toEqual([]);
    expect(countLazyLoads(log)).toBe(0);
  });

  it('ignore init loads, user marks of the same shape and other requests', () => {
    const text =
      marksLine('', [['runtime', 'module.load fs', 1]]) +
      startLine('r') +
      marksLine('r', [['user', 'module.load not-a-real-load', 2]]) +
      marksLine('other', [['runtime', 'module.load crypto', 3]]) +
      endLine('r') +
      reportLine({ requestId: 'r', ...REPORT });
    const log = parseInvocationLog(text);
    expect(log.observations).toHaveLength(2);
    expect(countLazyLoads(log)).toBe(0);
  });
});
