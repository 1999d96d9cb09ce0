// Control characters in user text: found (for text that goes into files), and escaped (for
// text echoed in messages), so a terminal shows them and never obeys them.
import { describe, expect, it } from 'vitest';
import {
  escapeControlCharacters,
  hasControlCharacters,
} from '../../../src/core/common/control-characters.js';

describe('hasControlCharacters', () => {
  it('finds C0 characters and DEL, and nothing in plain text', () => {
    expect(['a\nb', 'a\tb', '\u001b[2J', 'x\u007f'].map(hasControlCharacters)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(hasControlCharacters('orders-api é ✓')).toBe(false);
  });
});

describe('escapeControlCharacters', () => {
  it('writes every control character as a visible escape', () => {
    expect(escapeControlCharacters('a\u001b[2Jb\nc')).toBe('a\\x1b[2Jb\\nc');
    expect(escapeControlCharacters('\r\t\u0000\u0007\u007f\u009b')).toBe(
      '\\r\\t\\x00\\x07\\x7f\\x9b',
    );
  });

  it('leaves other text as it is, non-ASCII letters included', () => {
    expect(escapeControlCharacters('orders-api/é ✓ "q" \\')).toBe('orders-api/é ✓ "q" \\');
  });

  it('keeps line breaks and tabs with keepLayout, and escapes the rest', () => {
    expect(escapeControlCharacters('one\n\ttwo\r\u001b[K', { keepLayout: true })).toBe(
      'one\n\ttwo\\r\\x1b[K',
    );
  });
});
