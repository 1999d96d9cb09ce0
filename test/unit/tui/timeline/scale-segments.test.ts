import { describe, expect, it } from 'vitest';
import { cellOffsets, scaleToCells } from '../../../../src/tui/timeline/scale-segments.js';

// A cold start: init, runtime before, a user mark, the handler, runtime after (0: not reached).
const cold = [800, 0.5, 40, 159.5, 0];

const sum = (cells: readonly number[]) => cells.reduce((a, b) => a + b, 0);

describe('scaleToCells', () => {
  it.each([
    [40, [32, 1, 1, 6, 0]],
    [80, [64, 1, 3, 12, 0]],
    [200, [160, 1, 8, 31, 0]],
  ])('scales a cold start to %i cells', (width, expected) => {
    expect(scaleToCells(cold, width)).toEqual(expected);
  });

  it.each([40, 80, 200])(
    'fills %i cells exactly and shows every segment that took time',
    (width) => {
      const cases = [cold, [1, 1, 1, 997], [0.001, 5000, 0.002], [3, 3, 3], [12.25, 0.75, 1, 86]];
      for (const lengths of cases) {
        const cells = scaleToCells(lengths, width);
        expect(sum(cells)).toBe(width);
        lengths.forEach((length, i) => {
          if (length > 0) expect(cells[i]).toBeGreaterThanOrEqual(1);
          else expect(cells[i]).toBe(0);
        });
      }
    },
  );

  it('takes the cells the minimum adds from the longest segments', () => {
    // Ideal: 0.04, 0.04, 0.04, 39.88; the three short ones get a cell each.
    expect(scaleToCells([1, 1, 1, 997], 40)).toEqual([1, 1, 1, 37]);
  });

  it('gives the cells rounding leaves over to the largest remainders, the earliest on ties', () => {
    expect(scaleToCells([1, 1, 1], 40)).toEqual([14, 13, 13]);
    expect(scaleToCells([1, 2], 80)).toEqual([27, 53]);
  });

  it('shows the longest segments when there are more segments than cells', () => {
    expect(scaleToCells([5, 1, 3, 2], 2)).toEqual([1, 0, 1, 0]);
    expect(scaleToCells([2, 2, 2], 2)).toEqual([1, 1, 0]);
  });

  it('gives nothing when nothing took time, or there is no room', () => {
    expect(scaleToCells([0, 0], 40)).toEqual([0, 0]);
    expect(scaleToCells([], 40)).toEqual([]);
    expect(scaleToCells([5, 5], 0)).toEqual([0, 0]);
    expect(scaleToCells([Number.NaN, -3, 4], 10)).toEqual([0, 0, 10]);
  });

  it('offsets are the running sum', () => {
    expect(cellOffsets([32, 1, 1, 6, 0])).toEqual([0, 32, 33, 34, 40]);
  });
});
