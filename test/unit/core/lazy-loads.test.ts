import { describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/invocation-log.js';
import { countLazyLoads, getLazyLoads } from '../../../src/core/lazy-loads.js';
import {
  COLD_ID,
  coldThenWarm,
  endLine,
  initLines,
  invocationLines,
  mark,
  reportLine,
  startLine,
} from '../../support/invocation-logs.js';

const REPORT = { durationMs: 5, memorySizeMb: 128, maxMemoryUsedMb: 60 };

describe('getLazyLoads and countLazyLoads', () => {
  it('list the modules marked as first loaded during the invocation, in order', () => {
    for (const json of [false, true]) {
      const text =
        startLine(COLD_ID) +
        initLines(json) +
        invocationLines(COLD_ID, 1795249099465.491, json).replace(
          /(.*response\.posted.*\n)$/,
          mark(COLD_ID, 'runtime', 'module.load zlib', 1795249099469.1, json) +
            mark(COLD_ID, 'runtime', 'module.load lib/render.js', 1795249099469.2, json) +
            '$1',
        ) +
        endLine(COLD_ID) +
        reportLine({ requestId: COLD_ID, ...REPORT, initDurationMs: 100 });
      const log = parseInvocationLog(text);
      expect(getLazyLoads(log)).toEqual(['zlib', 'lib/render.js']);
      expect(countLazyLoads(log)).toBe(2);
    }
  });

  it('are empty for an invocation that loaded nothing new', () => {
    const log = parseInvocationLog(coldThenWarm());
    expect(getLazyLoads(log)).toEqual([]);
    expect(countLazyLoads(log)).toBe(0);
  });

  it('ignore init loads, user marks of the same shape and other requests', () => {
    const text =
      mark('', 'runtime', 'module.load fs', 1) +
      startLine('r') +
      mark('r', 'user', 'module.load not-a-real-load', 2) +
      mark('other', 'runtime', 'module.load crypto', 3) +
      endLine('r') +
      reportLine({ requestId: 'r', ...REPORT });
    const log = parseInvocationLog(text);
    expect(log.observations).toHaveLength(2);
    expect(countLazyLoads(log)).toBe(0);
  });
});
