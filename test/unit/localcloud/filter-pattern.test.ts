// CloudWatch Logs filter patterns for unstructured events, as the local cloud compiles them:
// terms, phrases, regular expressions, exclusions and alternatives; the others refused clearly.
import { describe, expect, it } from 'vitest';
import { compileFilterPattern } from '../../../src/localcloud/filter-pattern.js';

const LINES = [
  'START RequestId: 1a2b-3c Version: $LATEST',
  'ERROR something failed',
  'INFO all "good" here',
  'END RequestId: 1a2b-3c',
];

function matching(pattern: string): string[] {
  return LINES.filter(compileFilterPattern(pattern));
}

describe('compileFilterPattern', () => {
  it.each([
    ['', LINES],
    ['RequestId', [LINES[0], LINES[3]]],
    ['RequestId START', [LINES[0]]],
    ['"1a2b-3c"', [LINES[0], LINES[3]]],
    ['"\\"good\\""', [LINES[2]]],
    ['%^E[NR]%', [LINES[1], LINES[3]]],
    ['RequestId -END', [LINES[0]]],
    ['?ERROR ?INFO', [LINES[1], LINES[2]]],
    ['error', []],
  ])('%j matches what CloudWatch would', (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected);
  });

  it.each([
    ['{ $.level = "ERROR" }', /not JSON or space-delimited ones/],
    ['[ip, user]', /not JSON or space-delimited ones/],
    ['1a2b-3c', /Invalid character\(s\) in term '1a2b-3c'/],
    ['"open', /Unterminated " in filter pattern/],
    ['%(%', /Invalid regular expression in filter pattern/],
  ])('refuses %j as an InvalidParameterException', (pattern, message) => {
    expect(() => compileFilterPattern(pattern)).toThrow(message);
    expect(() => compileFilterPattern(pattern)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException' }),
    );
  });
});
