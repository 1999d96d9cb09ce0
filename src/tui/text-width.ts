// How many terminal cells a string takes, and cutting or padding it to an exact width. The
// table builds each row as one string of exact width (faster than a layout box per cell), so
// it must know that a CJK character or an emoji takes two cells and a combining mark none.

const segmenter = new Intl.Segmenter();
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Cf}|\p{Cc})+$/u;
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;
/** East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W/F, by block). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0) ?? 0;
  if (code < 0x7f) return code < 0x20 ? 0 : 1;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI.test(grapheme)) return 2;
  for (const [from, to] of WIDE) if (code >= from && code <= to) return 2;
  return 1;
}

// Printable ASCII is one cell per character: the common case, answered without segmenting.
const PLAIN = /^[\x20-\x7e]*$/;

export function textWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/**
 * Exactly `width` cells: padded with spaces (on the right, or the left for `right`), or cut with
 * an ellipsis when longer.
 */
export function fitText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const clean = text.replace(/[\r\n\t]/g, ' ');
  const current = textWidth(clean);
  if (current <= width) {
    const pad = ' '.repeat(width - current);
    return align === 'right' ? pad + clean : clean + pad;
  }
  const cut = truncateText(clean, width);
  return cut + ' '.repeat(width - textWidth(cut));
}

/** Cut to at most `width` cells, ending with an ellipsis when anything was cut. */
export function truncateText(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  if (PLAIN.test(text)) return `${text.slice(0, width - 1)}…`;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const cells = graphemeWidth(segment);
    if (used + cells > width - 1) break;
    out += segment;
    used += cells;
  }
  return `${out}…`;
}
