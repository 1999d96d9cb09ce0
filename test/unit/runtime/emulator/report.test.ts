import { describe, expect, it } from 'vitest';
import {
  endLine,
  type InvocationReport,
  reportLine,
  startLine,
} from '../../../../runtime/emulator/report.js';

const id = '8f5b4b38-3b5d-4b4a-9c1e-2d3e4f5a6b7c';

describe('START and END lines', () => {
  it('match the Lambda service, spaces and all', () => {
    expect(startLine(id)).toBe(`START RequestId: ${id} Version: $LATEST\n`);
    expect(startLine(id, '7')).toBe(`START RequestId: ${id} Version: 7\n`);
    expect(endLine(id)).toBe(`END RequestId: ${id}\n`);
  });
});

describe('REPORT line', () => {
  const warm: InvocationReport = {
    requestId: id,
    durationMs: 12.3456,
    memorySizeMb: 512,
    maxMemoryUsedMb: 67,
  };

  it('is tab-separated with a trailing tab, as Lambda prints it', () => {
    expect(reportLine(warm)).toBe(
      `REPORT RequestId: ${id}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\t\n`,
    );
  });

  it('puts Init Duration last on a cold start, as the Lambda service does', () => {
    expect(reportLine({ ...warm, initDurationMs: 150.531 })).toBe(
      `REPORT RequestId: ${id}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 150.53 ms\t\n`,
    );
  });

  it('keeps an Init Duration of zero (a cold start is never hidden)', () => {
    expect(reportLine({ ...warm, initDurationMs: 0 })).toContain('\tInit Duration: 0.00 ms\t\n');
  });

  // Billed Duration is the printed Duration rounded up to the millisecond, at least 1 ms.
  it.each([
    [0, '0.00', 1],
    [0.004, '0.00', 1],
    [0.5, '0.50', 1],
    [1, '1.00', 1],
    [1.001, '1.00', 1],
    [1.006, '1.01', 2],
    [2.999, '3.00', 3],
    [1000, '1000.00', 1000],
    [299_999.999, '300000.00', 300000],
  ])('Duration %s ms prints as %s ms, billed %s ms', (durationMs, printed, billed) => {
    expect(reportLine({ ...warm, durationMs })).toContain(
      `\tDuration: ${printed} ms\tBilled Duration: ${billed} ms\t`,
    );
  });
});
