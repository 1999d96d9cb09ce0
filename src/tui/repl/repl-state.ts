// The REPL's state and its changes, as pure functions from one state to the next: the payload
// being edited and the editor's window on it, the history walk, what the lower half shows (the
// response, or a list to pick from, or the save prompt), the chosen target and the notice.
import type { JsonCheck } from './json-check.js';
import { type EditorWindow, followCursor, gutterWidth } from './json-editor.js';
import type { Where } from './places.js';
import { editorRows } from './repl-layout.js';
import { pinnedRows, type RunState, responseBody } from './response-pane.js';
import { bufferOf, moveCursor, type TextBuffer, textOf } from './text-buffer.js';

export type Mode =
  | { readonly kind: 'edit' }
  | { readonly kind: 'pick'; readonly list: PickList; readonly selected: number }
  | { readonly kind: 'name'; readonly name: string };

export type PickList = 'templates' | 'saved';

export interface Notice {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface ReplState {
  readonly buffer: TextBuffer;
  readonly window: EditorWindow;
  /** Oldest first. */
  readonly history: readonly string[];
  /** The history entry shown; undefined while editing the draft. */
  readonly historyAt: number | undefined;
  /** What was being typed before walking into the history. */
  readonly draft: string;
  readonly mode: Mode;
  readonly where: Where | undefined;
  readonly run: RunState;
  readonly responseTop: number;
  readonly notice: Notice | undefined;
}

/** The REPL's size, which the editor's window follows. */
export interface ReplSize {
  readonly width: number;
  readonly height: number;
}

export const EMPTY_PAYLOAD = '{}';

/** It opens on the payload sent last (Ctrl-S sends it again; ↑ goes further back, ↓ to {}). */
export function initialState(
  history: readonly string[],
  where: Where | undefined,
  problem: string | undefined,
): ReplState {
  return {
    buffer: bufferOf(history.at(-1) ?? EMPTY_PAYLOAD),
    window: { top: 0, left: 0 },
    history,
    historyAt: history.length ? history.length - 1 : undefined,
    draft: EMPTY_PAYLOAD,
    mode: { kind: 'edit' },
    where,
    run: { kind: 'idle' },
    responseTop: 0,
    notice: problem ? { text: problem, tone: 'error' } : undefined,
  };
}

/** The place sends go to: the one chosen, else the first that can be invoked. */
export function placeOf(s: ReplState, available: readonly Where[]): Where | undefined {
  return s.where ?? available[0];
}

function editorColumns(width: number, buffer: TextBuffer): number {
  return Math.max(1, width - gutterWidth(buffer));
}

/** The window on a buffer shown afresh: from the top left, moved to its cursor. */
function freshWindow(buffer: TextBuffer, size: ReplSize): EditorWindow {
  return followCursor(
    { top: 0, left: 0 },
    buffer,
    editorRows(size.height, buffer.lines.length),
    editorColumns(size.width, buffer),
  );
}

/** An edit: the window follows the cursor, and a changed text is the draft again. */
export function editBuffer(
  s: ReplState,
  change: (buffer: TextBuffer) => TextBuffer,
  size: ReplSize,
): ReplState {
  const buffer = change(s.buffer);
  if (buffer === s.buffer) return s;
  const changed = textOf(buffer) !== textOf(s.buffer);
  return {
    ...s,
    buffer,
    window: followCursor(
      s.window,
      buffer,
      editorRows(size.height, buffer.lines.length),
      editorColumns(size.width, buffer),
    ),
    ...(changed ? { historyAt: undefined, notice: undefined } : {}),
  };
}

/** Another payload in the editor (formatted, a template, a saved one), with what to say. */
export function replacePayload(
  s: ReplState,
  payload: string,
  cursor: 'start' | 'end',
  size: ReplSize,
  notice?: Notice,
): ReplState {
  const buffer = bufferOf(payload, cursor);
  return { ...s, buffer, window: freshWindow(buffer, size), notice };
}

/**
 * One step back (-1) or forward (1) in the history, the draft kept after its newest entry;
 * undefined where there is no step to take (the cursor moves in the text instead).
 */
export function walkHistory(
  s: ReplState,
  direction: -1 | 1,
  size: ReplSize,
): ReplState | undefined {
  if (s.history.length === 0) return undefined;
  const at = s.historyAt ?? s.history.length;
  const next = at + direction;
  if (next < 0 || next > s.history.length) return undefined;
  const draft = s.historyAt === undefined ? textOf(s.buffer) : s.draft;
  const payload = next === s.history.length ? draft : (s.history[next] as string);
  // Up lands on the first line (up again goes further back), down on the last.
  const buffer =
    direction < 0 ? moveCursor(bufferOf(payload, 'start'), 'end') : bufferOf(payload, 'end');
  return {
    ...s,
    buffer,
    window: freshWindow(buffer, size),
    draft,
    historyAt: next === s.history.length ? undefined : next,
    notice: undefined,
  };
}

export function withNotice(s: ReplState, text: string, tone: Notice['tone'] = 'info'): ReplState {
  return { ...s, notice: { text, tone } };
}

/**
 * The response scrolled by pages, one line of the previous page kept in view; `responseRows`
 * below its heading, of which the pinned lines (the breakdown) do not scroll.
 */
export function scrollResponse(
  s: ReplState,
  pages: number,
  responseRows: number,
  width: number,
): ReplState {
  const rows = Math.max(1, responseRows - pinnedRows(s.run));
  const last = Math.max(0, responseBody(s.run, width).length - rows);
  const top = s.responseTop + pages * Math.max(1, rows - 1);
  return { ...s, responseTop: Math.max(0, Math.min(last, top)) };
}

/** Where a payload is not JSON, as the messages say it. */
export function whereIs(check: Extract<JsonCheck, { ok: false }>): string {
  return `line ${check.line}, column ${check.column}`;
}

/** Below the editor: a notice, else whether the payload is JSON (and if not, where not). */
export function messageOf(s: ReplState, check: JsonCheck, text: string): Notice {
  return (
    s.notice ??
    (check.ok
      ? {
          text: `✓ JSON · ${text.length} characters · ${s.buffer.row + 1}:${s.buffer.col + 1}`,
          tone: 'info',
        }
      : { text: `✗ line ${check.line}, column ${check.column}: ${check.message}`, tone: 'error' })
  );
}
