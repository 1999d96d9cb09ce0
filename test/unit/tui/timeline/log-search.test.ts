import { describe, expect, it } from 'vitest';
import { findMatches, matchRanges, stepMatch } from '../../../../src/tui/timeline/log-search.js';

const lines = [
  'START RequestId: a',
  'querying the DB',
  'db.query.done',
  'END RequestId: a',
  'Querying again',
];

describe('log search', () => {
  it('ignores case unless the query has a capital letter', () => {
    expect(findMatches(lines, 'query')).toEqual([1, 2, 4]);
    expect(findMatches(lines, 'Query')).toEqual([4]);
    expect(findMatches(lines, 'requestid')).toEqual([0, 3]);
    expect(findMatches(lines, '')).toEqual([]);
    expect(findMatches(lines, 'nothing')).toEqual([]);
  });

  it('steps forward from the line and backward before it, wrapping around', () => {
    const matches = [1, 2, 4];
    expect(stepMatch(matches, 0, 'forward')).toBe(1);
    expect(stepMatch(matches, 2, 'forward')).toBe(2);
    expect(stepMatch(matches, 3, 'forward')).toBe(4);
    expect(stepMatch(matches, 5, 'forward')).toBe(1);
    expect(stepMatch(matches, 2, 'backward')).toBe(1);
    expect(stepMatch(matches, 1, 'backward')).toBe(4);
    expect(stepMatch([], 0, 'forward')).toBeUndefined();
  });

  it('finds every occurrence in a line', () => {
    expect(matchRanges('aXa xa', 'a')).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
    expect(matchRanges('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(matchRanges('Db db', 'DB')).toEqual([]);
    expect(matchRanges('abc', '')).toEqual([]);
  });
});
