import { describe, expect, it } from 'vitest';
import { diffJson } from '../../../src/core/common/json-diff.js';

describe('diffJson', () => {
  it.each([
    {
      what: 'equal values: every line shared',
      expected: { a: 1 },
      actual: { a: 1 },
      lines: ['  {', '    "a": 1', '  }'],
    },
    {
      what: 'a changed value',
      expected: { a: 1, b: 2 },
      actual: { a: 1, b: 3 },
      lines: ['  {', '    "a": 1,', '-   "b": 2', '+   "b": 3', '  }'],
    },
    {
      what: 'an added key, shared lines kept whatever their commas',
      expected: { a: 1 },
      actual: { a: 1, b: 2 },
      lines: ['  {', '    "a": 1,', '+   "b": 2', '  }'],
    },
    {
      what: 'undefined against null',
      expected: undefined,
      actual: null,
      lines: ['- undefined', '+ null'],
    },
  ])('shows $what', ({ expected, actual, lines }) => {
    expect(diffJson(expected, actual)).toEqual(lines);
  });

  it('pairs lines one by one when the texts are too long for a full diff', () => {
    const long = (n: number) => Array.from({ length: 2100 }, (_, i) => i * n);
    const lines = diffJson(long(1), long(2));
    expect(lines.slice(0, 5)).toEqual(['  [', '    0,', '-   1,', '+   2,', '-   2,']);
    expect(lines).toHaveLength(2 + 1 + 2 * 2099);
  });
});
