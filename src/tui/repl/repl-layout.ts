// How the REPL shares its height: a title, the payload heading, the editor (it grows with the
// payload up to half the room), a message of one or two lines, and the response (or a list)
// in what is left, above the footer.
export const REPL_MIN_HEIGHT = 10;

/** Title, payload heading, message line, response heading, footer. */
const FIXED_ROWS = 5;

/** The editor's rows: the payload's lines and one more, at least 3, at most half the room. */
export function editorRows(height: number, lines: number): number {
  const room = Math.max(0, height - FIXED_ROWS);
  return Math.max(Math.min(3, room), Math.min(lines + 1, Math.floor(room / 2)));
}

export interface ReplLayout {
  readonly editorRows: number;
  /** The message under the editor: up to two lines, so that a long error is read whole. */
  readonly messageRows: number;
  /** The response's rows below its heading (the list's, below its title). */
  readonly responseRows: number;
}

/** The rows of each part for a payload of `lines` lines and a message of `messageLines`. */
export function replLayout(height: number, lines: number, messageLines: number): ReplLayout {
  const rows = editorRows(height, lines);
  const messageRows = Math.max(1, Math.min(2, messageLines));
  return {
    editorRows: rows,
    messageRows,
    responseRows: Math.max(0, height - FIXED_ROWS - rows - (messageRows - 1)),
  };
}
