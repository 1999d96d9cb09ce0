// The payload editor's text and cursor, as immutable values: every key is a function from one
// buffer to the next, so the editor's behaviour is tested without a terminal.

export interface TextBuffer {
  /** Never empty: an empty text is one empty line. */
  readonly lines: readonly string[];
  readonly row: number;
  /** 0..length of the row's line, in UTF-16 code units. */
  readonly col: number;
  /** The column vertical moves aim for, kept across short lines. */
  readonly goal: number;
}

export function bufferOf(text: string, cursor: 'start' | 'end' = 'end'): TextBuffer {
  const lines = cleanText(text).split('\n');
  if (cursor === 'start') return { lines, row: 0, col: 0, goal: 0 };
  const row = lines.length - 1;
  const col = (lines[row] as string).length;
  return { lines, row, col, goal: col };
}

export function textOf(buffer: TextBuffer): string {
  return buffer.lines.join('\n');
}

/** Inserts typed or pasted text at the cursor; line breaks of any convention split the line. */
export function insertText(buffer: TextBuffer, text: string): TextBuffer {
  const pieces = cleanText(text).split('\n');
  if (pieces.length === 1 && pieces[0] === '') return buffer;
  const line = current(buffer);
  const before = line.slice(0, buffer.col);
  const after = line.slice(buffer.col);
  const last = pieces.length - 1;
  const inserted = pieces.map(
    (piece, i) => (i === 0 ? before : '') + piece + (i === last ? after : ''),
  );
  const row = buffer.row + last;
  const col = (last === 0 ? before.length : 0) + (pieces[last] as string).length;
  return { lines: splice(buffer.lines, buffer.row, 1, inserted), row, col, goal: col };
}

/**
 * Enter: a new line indented like the current one, one level deeper after an opening bracket;
 * between a pair of brackets the closing one moves to its own line below.
 */
export function newLine(buffer: TextBuffer): TextBuffer {
  const line = current(buffer);
  const before = line.slice(0, buffer.col);
  const after = line.slice(buffer.col).trimStart();
  const indent = /^ */.exec(line)?.[0] ?? '';
  const opens = /[[{]\s*$/.test(before);
  const inner = opens ? `${indent}  ` : indent;
  const closes = opens && /^[\]}]/.test(after);
  const lines = closes
    ? [before.trimEnd(), inner, indent + after]
    : [before.trimEnd(), inner + after];
  return {
    lines: splice(buffer.lines, buffer.row, 1, lines),
    row: buffer.row + 1,
    col: inner.length,
    goal: inner.length,
  };
}

export function backspace(buffer: TextBuffer): TextBuffer {
  const { row, col } = buffer;
  if (col > 0) {
    const line = current(buffer);
    const width = isLowSurrogate(line, col - 1) && col >= 2 ? 2 : 1;
    const next = line.slice(0, col - width) + line.slice(col);
    return {
      ...buffer,
      lines: splice(buffer.lines, row, 1, [next]),
      col: col - width,
      goal: col - width,
    };
  }
  if (row === 0) return buffer;
  const above = buffer.lines[row - 1] as string;
  return {
    lines: splice(buffer.lines, row - 1, 2, [above + current(buffer)]),
    row: row - 1,
    col: above.length,
    goal: above.length,
  };
}

export type Move = 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'top' | 'bottom';

export function moveCursor(buffer: TextBuffer, move: Move): TextBuffer {
  const { lines, row, col } = buffer;
  const line = current(buffer);
  const at = (r: number, c: number, goal = c) => ({ ...buffer, row: r, col: c, goal });
  switch (move) {
    case 'left':
      if (col > 0) return at(row, col - (isLowSurrogate(line, col - 1) && col >= 2 ? 2 : 1));
      return row > 0 ? at(row - 1, (lines[row - 1] as string).length) : buffer;
    case 'right':
      if (col < line.length) return at(row, col + (isLowSurrogate(line, col + 1) ? 2 : 1));
      return row < lines.length - 1 ? at(row + 1, 0) : buffer;
    case 'up':
      return row > 0
        ? at(row - 1, Math.min(buffer.goal, (lines[row - 1] as string).length), buffer.goal)
        : buffer;
    case 'down':
      return row < lines.length - 1
        ? at(row + 1, Math.min(buffer.goal, (lines[row + 1] as string).length), buffer.goal)
        : buffer;
    case 'home': {
      // First to the indentation, then to column 0 (as most editors do).
      const indent = (/^ */.exec(line)?.[0] ?? '').length;
      return at(row, col === indent ? 0 : indent);
    }
    case 'end':
      return at(row, line.length);
    case 'top':
      return at(0, 0);
    case 'bottom':
      return at(lines.length - 1, (lines[lines.length - 1] as string).length);
  }
}

/** The cursor placed at an offset into the text (clamped). */
export function moveToOffset(buffer: TextBuffer, offset: number): TextBuffer {
  let rest = Math.max(0, offset);
  for (let row = 0; row < buffer.lines.length; row++) {
    const length = (buffer.lines[row] as string).length;
    if (rest <= length) return { ...buffer, row, col: rest, goal: rest };
    rest -= length + 1;
  }
  return moveCursor(buffer, 'bottom');
}

function current(buffer: TextBuffer): string {
  return buffer.lines[buffer.row] as string;
}

function splice<T>(list: readonly T[], from: number, count: number, items: readonly T[]): T[] {
  const copy = [...list];
  copy.splice(from, count, ...items);
  return copy;
}

/**
 * Line breaks as \n, tabs as two spaces (a tab's width on screen is the terminal's guess), other
 * control characters (ANSI escapes among them) dropped: text that draws as it reads.
 */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, '  ')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
  );
}

function isLowSurrogate(line: string, index: number): boolean {
  const code = line.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}
