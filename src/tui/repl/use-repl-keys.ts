// The REPL's keys: what each does is here, which key does it is the `repl` and `replList` key
// tables (view-keys.ts, with the user's overrides); in the editor every other key edits. The
// save prompt reads its own keys (a TextInput).
import type { AwsTarget, LineageRow } from '../../core/internal.js';
import { useKeys } from '../use-keys.js';
import { useViewBindings } from '../use-view-keys.js';
import { useViewHelp } from '../view-help.js';
import { viewCommandFor } from '../view-keys.js';
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

  const editKeys = useViewBindings('repl');
  const listKeys = useViewBindings('replList');
  // Live: an invocation may end while the REPL's help is open.
  const openHelp = useViewHelp({ running: store.state.run.kind === 'running' });

  useKeys(
    ({ input, key: k, name }) => {
      const s = store.read();
      if (s.mode.kind === 'pick') {
        const { list, selected } = s.mode;
        const count = payloads.items(list).length;
        const move = (to: number) =>
          update((o) => ({
            ...o,
            mode: { kind: 'pick', list, selected: Math.max(0, Math.min(count - 1, to)) },
          }));
        switch (viewCommandFor(listKeys, name, { list })) {
          case 'replList.back':
            update((o) => ({ ...o, mode: { kind: 'edit' } }));
            break;
          case 'replList.help':
            openHelp('replList', { list });
            break;
          case 'replList.up':
            move(selected - 1);
            break;
          case 'replList.down':
            move(selected + 1);
            break;
          case 'replList.pageUp':
            move(selected - Math.max(1, responseRows - 2));
            break;
          case 'replList.pageDown':
            move(selected + Math.max(1, responseRows - 2));
            break;
          case 'replList.take': {
            const picked = payloads.picked(list, selected, deps.target);
            if (picked)
              update((o) => ({
                ...replacePayload(o, picked.payload, picked.cursor, size, picked.notice),
                mode: { kind: 'edit' },
                historyAt: undefined,
              }));
            break;
          }
          case 'replList.delete': {
            const deleted = payloads.deleteSaved(selected);
            if (deleted !== undefined)
              update((o) => ({
                ...o,
                mode: { kind: 'pick', list, selected: Math.max(0, Math.min(count - 2, selected)) },
                notice: { text: `Deleted the saved payload "${deleted}"`, tone: 'info' },
              }));
            break;
          }
        }
        return;
      }
      // ink names Ctrl-Enter (where the terminal reports it) as Enter with ctrl set.
      const pressed = k.return && k.ctrl ? 'ctrl+enter' : name;
      switch (viewCommandFor(editKeys, pressed)) {
        case 'repl.send':
          void deps.sending.send();
          break;
        case 'repl.close':
          if (!deps.sending.cancel()) deps.onClose();
          break;
        case 'repl.target': {
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
          break;
        }
        case 'repl.templates':
          update((o) => ({ ...o, mode: { kind: 'pick', list: 'templates', selected: 0 } }));
          break;
        case 'repl.saved':
          update((o) => ({ ...o, mode: { kind: 'pick', list: 'saved', selected: 0 } }));
          break;
        case 'repl.save':
          update((o) => ({ ...o, mode: { kind: 'name', name: '' } }));
          break;
        case 'repl.format': {
          const checked = checkJson(textOf(s.buffer));
          if (checked.ok)
            update((o) => replacePayload(o, JSON.stringify(checked.value, null, 2), 'end', size));
          else notice(`Cannot format: ${whereIs(checked)}: ${checked.message}`, 'error');
          break;
        }
        case 'repl.goToError': {
          const checked = checkJson(textOf(s.buffer));
          if (!checked.ok) edit((b) => moveToOffset(b, checked.offset));
          break;
        }
        case 'repl.responseUp':
          update((o) => scrollResponse(o, -1, responseRows, size.width));
          break;
        case 'repl.responseDown':
          update((o) => scrollResponse(o, 1, responseRows, size.width));
          break;
        case 'repl.up':
          if (s.buffer.row > 0 || !walk(-1)) edit((b) => moveCursor(b, 'up'));
          break;
        case 'repl.down':
          if (s.buffer.row < s.buffer.lines.length - 1 || !walk(1))
            edit((b) => moveCursor(b, 'down'));
          break;
        case 'repl.left':
          edit((b) => moveCursor(b, 'left'));
          break;
        case 'repl.right':
          edit((b) => moveCursor(b, 'right'));
          break;
        case 'repl.home':
          edit((b) => moveCursor(b, 'home'));
          break;
        case 'repl.end':
          edit((b) => moveCursor(b, 'end'));
          break;
        case 'repl.newLine':
          edit(newLine);
          break;
        // ink reports the Backspace key (DEL) as delete: both are named backspace.
        case 'repl.backspace':
          edit(backspace);
          break;
        case 'repl.indent':
          edit((b) => insertText(b, '  '));
          break;
        case 'repl.help':
          openHelp('repl');
          break;
        default:
          // Every other key edits: a character, or a paste (one press, no name).
          if (input && !k.ctrl && !k.meta) edit((b) => insertText(b, input));
      }
    },
    // Editing, every printable key is text: a pasted payload is one edit, inserted as it is.
    { isActive: mode !== 'name', text: mode === 'edit' ? 'lines' : undefined },
  );
}
