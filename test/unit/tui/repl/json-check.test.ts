import { describe, expect, it } from 'vitest';
import { checkJson, lineAndColumn } from '../../../../src/tui/repl/json-check.js';

function failure(text: string) {
  const result = checkJson(text);
  if (result.ok) throw new Error(`${JSON.stringify(text)} was accepted`);
  return { line: result.line, column: result.column, message: result.message };
}

describe('checkJson', () => {
  it('gives the value of valid JSON', () => {
    expect(checkJson('{\n  "a": [1, -2.5e3, true, null, "x\\u00e9"]\n}')).toEqual({
      ok: true,
      value: { a: [1, -2500, true, null, 'xé'] },
    });
    expect(checkJson(' "text" ')).toEqual({ ok: true, value: 'text' });
  });

  it.each([
    ['{"a":}', 1, 6, "Expected a value, found '}'"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "Expected ',' or '}', found '\"'"],
    ['[1,]', 1, 4, "Expected a value after ',' (no trailing commas in JSON)"],
    ['{"a": 1,\n}', 2, 1, "Expected a property name after ',' (no trailing commas in JSON)"],
    ['{a: 1}', 1, 2, "Expected a property name in double quotes, found 'a'"],
    ['{"a" 1}', 1, 6, "Expected ':' after the property name, found '1'"],
    ['{', 1, 2, 'Expected a property name in double quotes, found the end of the text'],
    ['', 1, 1, 'The payload is empty: type a JSON value, e.g. {}'],
    ['  \n ', 2, 2, 'The payload is empty: type a JSON value, e.g. {}'],
    ['tru', 1, 4, "Expected 'true'"],
    ['nul', 1, 4, "Expected 'null'"],
    ['"abc', 1, 1, 'Unterminated string'],
    ['{"a": "x\ny"}', 1, 7, 'Unterminated string (write a line break as \\n)'],
    ['"a\tb"', 1, 3, 'Control character in a string (escape it, e.g. \\t)'],
    ['"\\x"', 1, 2, 'Bad escape \\x'],
    ['"\\u12g4"', 1, 2, 'Expected 4 hex digits after \\u'],
    ['01', 1, 2, 'Numbers cannot start with 0'],
    ['-', 1, 2, "Expected a digit after '-', found the end of the text"],
    ['1.', 1, 3, "Expected a digit after '.', found the end of the text"],
    ['1e+', 1, 4, 'Expected a digit in the exponent, found the end of the text'],
    ["{'a': 1}", 1, 2, 'Expected a property name in double quotes, found "\'"'],
    ["['a']", 1, 2, 'Strings need double quotes'],
    ['{"a":1}x', 1, 8, "Unexpected 'x' after the JSON value"],
    ['{}\n{}', 2, 1, "Unexpected '{' after the JSON value"],
    ['[1 2]', 1, 4, "Expected ',' or ']', found '2'"],
    ['[\u0001]', 1, 2, 'Expected a value, found \\u0001'],
  ])('%j fails at %i:%i', (text, line, column, message) => {
    expect(failure(text)).toEqual({ line, column, message });
  });

  it('agrees with JSON.parse on what is JSON', () => {
    const samples = [
      '{}',
      '[]',
      '0',
      '-0',
      '1e5',
      '1E-5',
      '0.5',
      '.5',
      '+1',
      '1.e3',
      '"\\/"',
      '"\\b\\f"',
      '[1,[2,[3]]]',
      '{"":""}',
      '{"a":{"b":{}}}',
      'true false',
      'NaN',
      'Infinity',
      '[,]',
      '{"a"}',
      '{,}',
      '"\u2028"',
      '\ufeff{}',
      '[1]]',
      '{"a":1,,"b":2}',
      '"\\uD800"',
      '  null  ',
      '[-]',
      '--1',
      '[01]',
      '{"a":-0.0e-0}',
    ];
    for (const text of samples) {
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      expect([text, checkJson(text).ok]).toEqual([text, parsed]);
    }
  });

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
