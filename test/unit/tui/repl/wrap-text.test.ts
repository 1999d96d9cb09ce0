import { describe, expect, it } from 'vitest';
import { wrap, wrapWords } from '../../../../src/tui/repl/wrap-text.js';

describe('wrap', () => {
  it('cuts a line into pieces of the width, wide characters counted as two cells', () => {
    expect(wrap('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(wrap('abc', 3)).toEqual(['abc']);
    expect(wrap('', 3)).toEqual(['']);
    expect(wrap('a漢字b', 3)).toEqual(['a漢', '字b']);
  });
});

describe('wrapWords', () => {
  it('cuts at spaces, and cuts a word longer than the width', () => {
    expect(wrapWords('line 3, column 3: Expected a value', 12)).toEqual([
      'line 3,',
      'column 3:',
      'Expected a',
      'value',
    ]);
    expect(wrapWords('see averyveryverylongword here', 10)).toEqual([
      'see',
      'averyveryv',
      'erylongwor',
      'd here',
    ]);
    expect(wrapWords('short', 10)).toEqual(['short']);
  });
});
