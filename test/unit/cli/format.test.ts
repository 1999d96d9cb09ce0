// The command line's text formatting: sizes, ages, durations, ids and aligned tables.
import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBytes,
  formatJson,
  formatSeconds,
  formatTable,
  shortId,
} from '../../../src/cli/format.js';

describe('format', () => {
  it('formatBytes uses decimal units with one decimal below 100', () => {
    expect(
      [0, 999, 1000, 1234, 99_949, 123_456, 105_000_000, 2.5e9, 7e15].map(formatBytes),
    ).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '99.9 kB',
      '123 kB',
      '105 MB',
      '2.5 GB',
      '7000 TB',
    ]);
  });

  it('formatAge gives the largest whole unit, never negative', () => {
    const now = new Date('2025-01-02T00:00:00Z');
    const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
    const day = 86_400;
    expect(
      [0, 59, 60, 3599, 3600, day - 1, day, 10 * day, 14 * day, 30 * day, -5].map(ago),
    ).toEqual(['0s', '59s', '1m', '59m', '1h', '23h', '1d', '10d', '2w', '4w', '0s']);
  });

  it('formatSeconds says ms below a second', () => {
    expect([0.0004, 0.1234, 0.9995, 1, 4.5].map(formatSeconds)).toEqual([
      '0 ms',
      '123 ms',
      '1000 ms',
      '1.00 s',
      '4.50 s',
    ]);
  });

  it('shortId drops the algorithm and keeps 12 digits', () => {
    expect(shortId('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortId('fedcba9876543210')).toBe('fedcba987654');
  });

  it('formatTable pads every column but the last, and cuts lines to a width', () => {
    const lines = formatTable(
      ['NAME', 'SIZE', 'NOTE'],
      [
        ['a', '10 MB', 'short'],
        ['longer-name', '1 kB', 'a note that is long'],
      ],
    );
    expect(lines).toEqual([
      'NAME         SIZE   NOTE',
      'a            10 MB  short',
      'longer-name  1 kB   a note that is long',
    ]);
    expect(formatTable(['NAME', 'NOTE'], [['x', 'y'.repeat(30)]], 20)).toEqual([
      'NAME  NOTE',
      `x     ${'y'.repeat(13)}…`,
    ]);
  });

  it('formatJson indents by two spaces and prints undefined as null', () => {
    expect(formatJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatJson(undefined)).toBe('null');
  });
});
