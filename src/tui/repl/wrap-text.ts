// Lines cut to a width in terminal cells: hard (JSON and stack lines, where every character
// counts) or at spaces (sentences).
import { textWidth } from '../text-width.js';

/** A line cut into pieces of at most `width` cells (at least one piece, maybe empty). */
export function wrap(line: string, width: number): string[] {
  const room = Math.max(1, width);
  if (textWidth(line) <= room) return [line];
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const char of line) {
    const cells = textWidth(char);
    if (used + cells > room) {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += char;
    used += cells;
  }
  pieces.push(piece);
  return pieces;
}

/** A sentence cut at spaces into lines of at most `width` cells; a longer word is cut hard. */
export function wrapWords(text: string, width: number): string[] {
  const room = Math.max(1, width);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (textWidth(candidate) <= room) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    const pieces = wrap(word, room);
    lines.push(...pieces.slice(0, -1));
    current = pieces.at(-1) ?? '';
  }
  lines.push(current);
  return lines;
}
