// "Did you mean": the nearest candidate within a few edits, or the one the word begins.
import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../../src/core/common/nearest.js';

describe('nearest', () => {
  const fields = ['name', 'source', 'handler', 'memorySize', 'timeout', 'environment'];

  it('finds typos, swapped letters and a prefix', () => {
    expect(nearest('soruce', fields)).toBe('source');
    expect(nearest('handlr', fields)).toBe('handler');
    expect(nearest('Timeout', fields)).toBe('timeout');
    expect(nearest('memory', fields)).toBe('memorySize');
    expect(nearest('env', fields)).toBe('environment');
  });

  it('suggests nothing for a word far from every candidate', () => {
    expect(nearest('region', fields)).toBeUndefined();
    expect(nearest('x', fields)).toBeUndefined();
    expect(nearest('name', [])).toBeUndefined();
  });

  it('editDistance counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
