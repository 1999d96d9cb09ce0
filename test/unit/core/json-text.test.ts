// JSON read with positions: syntax errors in words with line and column.
import { describe, expect, it } from 'vitest';
import { parseJsonTree, positionAt } from '../../../src/core/common/json-text.js';

describe('parseJsonTree', () => {
  it('returns the tree of valid JSON, with offsets', () => {
    const parsed = parseJsonTree('{\n  "a": [1, 2]\n}');
    expect(parsed.error).toBeUndefined();
    const property = parsed.node?.children?.[0];
    expect(property?.children?.[1]).toMatchObject({ type: 'array', offset: 9 });
  });

  it.each([
    ['', 1, 1, 'the text is empty'],
    ['{"a": 1,}', 1, 9, 'JSON allows no comma before }'],
    ['[1, 2,]', 1, 7, 'JSON allows no comma before ]'],
    ['{"a" 1}', 1, 6, 'a colon is expected'],
    ['{\n "a": 1\n "b": 2}', 3, 2, 'a comma is expected'],
    ['{"a": tru}', 1, 7, 'unexpected "tru"'],
    ['[1, 2', 1, 6, 'a closing ] is expected'],
    ['{} x', 1, 4, 'unexpected "x"'],
    ['// note\n{}', 1, 1, 'JSON has no comments'],
    ["{'a': 1}", 1, 2, `unexpected "'a'"`],
    ['"open', 1, 1, 'this string is not closed'],
  ])('%j: %i:%i %s', (text, line, column, message) => {
    expect(parseJsonTree(text).error).toEqual({ line, column, message });
  });
});

describe('positionAt', () => {
  it('counts lines and columns from 1', () => {
    const text = 'ab\ncd\n\nef';
    expect([0, 1, 2, 3, 6, 7, 8].map((offset) => positionAt(text, offset))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 1, column: 3 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});
