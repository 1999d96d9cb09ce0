// The REPL's keys. In a list: ↑↓ (j/k) and PgUp/PgDn choose, Enter takes, d deletes a saved
// payload, Esc goes back. Editing: Ctrl-S or Ctrl-D sends (most terminals send the same byte
// for Ctrl-Enter as for Enter, so Ctrl-Enter works only where the terminal reports it, with the
// kitty keyboard protocol), Esc cancels what is in flight else closes, Ctrl-T switches the
// target, Ctrl-N/Ctrl-O open the templates and the saved payloads, Ctrl-W names the payload,
// Ctrl-F formats it, Ctrl-G goes to its error, PgUp/PgDn scroll the response, ↑ on the first
// line and ↓ on the last walk the history; every other key edits. The save prompt reads its
// own keys (a TextInput).
import type { AwsTarget } from '../../core/aws/aws-target.js';
import type { LineageRow } from '../../core/lineage/lineage.js';
import { useKeys } from '../use-keys.js';
import { checkJson } from './json-check.js';
import { describePlace, nothingToInvoke, onlyOnePlace, type Place, type Where } from './places.js';
import {
  editBuffer,
  placeOf,
  type ReplSize,
  replacePayload,
  scrollResponse,
  walkHistory,
  whereIs,
  withNotice,
} from './repl-state.js';
import {
  backspace,
  insertText,
  moveCursor,
  moveToOffset,
  newLine,
  type TextBuffer,
  textOf,
} from './text-buffer.js';
import type { Sending } from './use-invocation.js';
import type { LocalContainer } from './use-local-container.js';
import type { Payloads } from './use-payloads.js';
import type { ReplStore } from './use-repl-store.js';

export interface ReplKeysDeps {
  readonly store: ReplStore;
  readonly payloads: Payloads;
  readonly sending: Sending;
  readonly container: LocalContainer;
  readonly row: LineageRow;
  readonly target: AwsTarget | undefined;
  readonly targets: readonly Place[];
  readonly available: readonly Where[];
  /** Where Ctrl-T goes round: the places available, and a chosen one that no longer is. */
  readonly places: readonly Where[];
  readonly size: ReplSize;
  /** The response's rows below its heading, which a page is made of. */
  readonly responseRows: number;
  onClose(): void;
}

export function useReplKeys(deps: ReplKeysDeps): void {
  const { store, payloads, size, responseRows, places } = deps;
  const { update } = store;
  const mode = store.state.mode.kind;
  const edit = (change: (buffer: TextBuffer) => TextBuffer) =>
    update((s) => editBuffer(s, change, size));
  const notice = (text: string, tone: 'info' | 'error' = 'info') =>
    update((s) => withNotice(s, text, tone));
  /** A step in the history, if there is one to take. */
  const walk = (direction: -1 | 1) => {
    const next = walkHistory(store.read(), direction, size);
    if (next) update(() => next);
    return next !== undefined;
  };

  useKeys(
    ({ input, key: k }) => {
      const s = store.read();
      if (s.mode.kind === 'pick') {
        const { list, selected } = s.mode;
        const count = payloads.items(list).length;
        const move = (to: number) =>
          update((o) => ({
            ...o,
            mode: { kind: 'pick', list, selected: Math.max(0, Math.min(count - 1, to)) },
          }));
        if (k.escape) update((o) => ({ ...o, mode: { kind: 'edit' } }));
        else if (k.upArrow || input === 'k') move(selected - 1);
        else if (k.downArrow || input === 'j') move(selected + 1);
        else if (k.pageUp) move(selected - Math.max(1, responseRows - 2));
        else if (k.pageDown) move(selected + Math.max(1, responseRows - 2));
        else if (k.return) {
          const picked = payloads.picked(list, selected, deps.target);
          if (picked)
            update((o) => ({
              ...replacePayload(o, picked.payload, picked.cursor, size, picked.notice),
              mode: { kind: 'edit' },
              historyAt: undefined,
            }));
        } else if (input === 'd' && list === 'saved') {
          const deleted = payloads.deleteSaved(selected);
          if (deleted !== undefined)
            update((o) => ({
              ...o,
              mode: { kind: 'pick', list, selected: Math.max(0, Math.min(count - 2, selected)) },
              notice: { text: `Deleted the saved payload "${deleted}"`, tone: 'info' },
            }));
        }
        return;
      }
      const ctrl = (letter: string) => k.ctrl && input === letter;
      if (ctrl('s') || ctrl('d') || (k.return && k.ctrl)) void deps.sending.send();
      else if (k.escape) {
        if (!deps.sending.cancel()) deps.onClose();
      } else if (ctrl('t')) {
        const at = placeOf(s, deps.available) as Where;
        const next = places[(places.indexOf(at) + 1) % Math.max(1, places.length)];
        if (places.length < 2)
          notice(
            places.length
              ? onlyOnePlace(places[0] as Where, deps.targets, deps.row)
              : nothingToInvoke(deps.targets),
            'error',
          );
        else {
          deps.container.forget();
          update((o) => ({
            ...o,
            where: next,
            notice: { text: `Target: ${describePlace(next as Where)}`, tone: 'info' },
          }));
        }
      } else if (ctrl('n'))
        update((o) => ({ ...o, mode: { kind: 'pick', list: 'templates', selected: 0 } }));
      else if (ctrl('o'))
        update((o) => ({ ...o, mode: { kind: 'pick', list: 'saved', selected: 0 } }));
      else if (ctrl('w')) update((o) => ({ ...o, mode: { kind: 'name', name: '' } }));
      else if (ctrl('f')) {
        const checked = checkJson(textOf(s.buffer));
        if (checked.ok)
          update((o) => replacePayload(o, JSON.stringify(checked.value, null, 2), 'end', size));
        else notice(`Cannot format: ${whereIs(checked)}: ${checked.message}`, 'error');
      } else if (ctrl('g')) {
        const checked = checkJson(textOf(s.buffer));
        if (!checked.ok) edit((b) => moveToOffset(b, checked.offset));
      } else if (k.pageUp) update((o) => scrollResponse(o, -1, responseRows, size.width));
      else if (k.pageDown) update((o) => scrollResponse(o, 1, responseRows, size.width));
      else if (k.upArrow) {
        if (s.buffer.row > 0 || !walk(-1)) edit((b) => moveCursor(b, 'up'));
      } else if (k.downArrow) {
        if (s.buffer.row < s.buffer.lines.length - 1 || !walk(1))
          edit((b) => moveCursor(b, 'down'));
      } else if (k.leftArrow) edit((b) => moveCursor(b, 'left'));
      else if (k.rightArrow) edit((b) => moveCursor(b, 'right'));
      else if (k.home || ctrl('a')) edit((b) => moveCursor(b, 'home'));
      else if (k.end || ctrl('e')) edit((b) => moveCursor(b, 'end'));
      else if (k.return) edit(newLine);
      // ink reports the Backspace key (DEL) as delete: both delete backwards.
      else if (k.backspace || k.delete) edit(backspace);
      else if (k.tab) edit((b) => insertText(b, '  '));
      else if (input && !k.ctrl && !k.meta) edit((b) => insertText(b, input));
    },
    // Editing, every printable key is text: a pasted payload is one edit, inserted as it is.
    { isActive: mode !== 'name', text: mode === 'edit' ? 'lines' : undefined },
  );
}
