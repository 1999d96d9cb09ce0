import { describe, expect, it } from 'vitest';
import {
  backspace,
  bufferOf,
  insertText,
  type Move,
  moveCursor,
  moveToOffset,
  newLine,
  type TextBuffer,
  textOf,
} from '../../../../src/tui/repl/text-buffer.js';

/** The text with the cursor drawn as `|`. */
function show(buffer: TextBuffer): string {
  return buffer.lines
    .map((line, row) =>
      row === buffer.row ? `${line.slice(0, buffer.col)}|${line.slice(buffer.col)}` : line,
    )
    .join('\n');
}

const moves = (buffer: TextBuffer, ...list: Move[]) => list.reduce(moveCursor, buffer);

describe('text buffer', () => {
  it('starts with the cursor at the end or the start', () => {
    expect(show(bufferOf('{\n  "a": 1\n}'))).toBe('{\n  "a": 1\n}|');
    expect(show(bufferOf('{\n}', 'start'))).toBe('|{\n}');
    expect(bufferOf('').lines).toEqual(['']);
  });

  it('inserts typed characters and pasted lines at the cursor', () => {
    let buffer = moves(bufferOf('{}'), 'left');
    buffer = insertText(buffer, '"a": 1');
    expect(show(buffer)).toBe('{"a": 1|}');
    buffer = insertText(buffer, ',\r\n"b": [\r\t2\r]');
    expect(show(buffer)).toBe('{"a": 1,\n"b": [\n  2\n]|}');
    expect(textOf(buffer)).toBe('{"a": 1,\n"b": [\n  2\n]}');
  });

  it('drops control characters other than line breaks', () => {
    expect(show(insertText(bufferOf(''), 'a\u0007b\u001b[c\u007f'))).toBe('ab[c|');
    expect(insertText(bufferOf('x'), '\u0001')).toEqual(bufferOf('x'));
  });

  it('indents new lines like the current one, deeper after an opening bracket', () => {
    let buffer = newLine(bufferOf('{'));
    expect(show(buffer)).toBe('{\n  |');
    buffer = newLine(insertText(buffer, '"a": 1,'));
    expect(show(buffer)).toBe('{\n  "a": 1,\n  |');
    expect(show(newLine(moves(bufferOf('  [1, 2]'), 'left', 'left', 'left')))).toBe('  [1,\n  |2]');
  });

  it('puts the closing bracket on its own line when Enter splits a pair', () => {
    expect(show(newLine(moves(bufferOf('{}'), 'left')))).toBe('{\n  |\n}');
    expect(show(newLine(moves(bufferOf('  "a": []'), 'left')))).toBe('  "a": [\n    |\n  ]');
  });

  it('deletes backwards across line breaks', () => {
    const buffer = moves(bufferOf('ab\ncd'), 'up', 'end');
    expect(show(backspace(buffer))).toBe('a|\ncd');
    expect(show(backspace(moves(bufferOf('ab\ncd'), 'home')))).toBe('ab|cd');
    expect(show(backspace(bufferOf('ab', 'start')))).toBe('|ab');
  });

  it('treats a surrogate pair as one character', () => {
    const buffer = bufferOf('a😀b');
    expect(show(moves(buffer, 'left', 'left'))).toBe('a|😀b');
    expect(show(backspace(moveCursor(buffer, 'left')))).toBe('a|b');
  });

  it('moves by lines keeping the goal column across short lines', () => {
    const buffer = bufferOf('abcdef\nab\nabcdef');
    expect(show(moves(buffer, 'up'))).toBe('abcdef\nab|\nabcdef');
    expect(show(moves(buffer, 'up', 'up'))).toBe('abcdef|\nab\nabcdef');
    expect(show(moves(buffer, 'up', 'up', 'up'))).toBe('abcdef|\nab\nabcdef');
    expect(show(moves(buffer, 'top'))).toBe('|abcdef\nab\nabcdef');
    expect(show(moves(buffer, 'top', 'bottom'))).toBe('abcdef\nab\nabcdef|');
    expect(show(moves(buffer, 'top', 'left'))).toBe('|abcdef\nab\nabcdef');
    expect(show(moves(buffer, 'up', 'right'))).toBe('abcdef\nab\n|abcdef');
    expect(show(moves(buffer, 'up', 'home', 'left'))).toBe('abcdef|\nab\nabcdef');
  });

  it('goes home to the indentation first, then to column 0', () => {
    const buffer = bufferOf('    "a": 1');
    expect(show(moves(buffer, 'home'))).toBe('    |"a": 1');
    expect(show(moves(buffer, 'home', 'home'))).toBe('|    "a": 1');
  });

  it('places the cursor at an offset of the text', () => {
    const buffer = bufferOf('{\n  "a":\n}');
    expect(show(moveToOffset(buffer, 8))).toBe('{\n  "a":|\n}');
    expect(show(moveToOffset(buffer, 9))).toBe('{\n  "a":\n|}');
    expect(show(moveToOffset(buffer, 99))).toBe('{\n  "a":\n}|');
  });
});
