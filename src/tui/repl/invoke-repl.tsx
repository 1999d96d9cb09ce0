// The invoke REPL: a multi-line JSON editor that checks the payload as it is typed and never
// sends one that is not JSON (it says line:column and what was expected there); ↑ on the first
// line and ↓ on the last walk the history, kept per function with conf; saved payloads and
// event templates are picked from lists; Ctrl-T switches between the local container and the
// deployed function. A place that cannot be invoked (no function yet, no AWS connection, no
// local image) is shown with why, and the target never changes without Ctrl-T. The lower half
// shows the response pretty-printed, or the function's error with its type, message and
// stack, with the round trip and the time breakdown bar.
//
// Send is Ctrl-S or Ctrl-D: most terminals send the same byte for Ctrl-Enter as for Enter, so
// Ctrl-Enter works only where the terminal reports it (the kitty keyboard protocol).
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AwsTarget } from '../../core/aws/aws-target.js';
import { isLambdashError } from '../../core/common/errors.js';
import type { Container } from '../../core/images/containers.js';
import { createEventFromTemplate, EVENT_TEMPLATES } from '../../core/lambda/event-templates.js';
import { InvocationError } from '../../core/lambda/invocation-error.js';
import type { LineageRow } from '../../core/lineage/lineage.js';
import { Footer, type FooterHint } from '../footer.js';
import { TextInput } from '../text-input.js';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import { type Invocation, nextInvocationId } from '../timeline/invocation.js';
import { useKeys } from '../use-keys.js';
import { checkJson, type JsonCheck } from './json-check.js';
import { type EditorWindow, followCursor, gutterWidth, JsonEditor } from './json-editor.js';
import { openPayloadStore, type PayloadStore } from './payload-store.js';
import { Picker, type PickerItem } from './picker.js';
import { type ReplServices, realReplServices } from './repl-services.js';
import { pinnedRows, ResponsePane, type RunState, responseBody } from './response-pane.js';
import {
  backspace,
  bufferOf,
  insertText,
  moveCursor,
  moveToOffset,
  newLine,
  type TextBuffer,
  textOf,
} from './text-buffer.js';
import { wrapWords } from './wrap-text.js';

export interface InvokeReplProps {
  readonly row: LineageRow;
  readonly target: AwsTarget | undefined;
  onClose(): void;
  onInvoked?(invocation: Invocation): void;
  readonly width: number;
  readonly height: number;
  /** The core calls to use; the real ones by default (component tests pass their own). */
  readonly services?: ReplServices;
  /** Where history and saved payloads live; by default conf in LAMBDASH_CONFIG_DIR. */
  readonly store?: PayloadStore;
}

type Where = 'local' | 'deployed';

type Mode =
  | { readonly kind: 'edit' }
  | { readonly kind: 'pick'; readonly list: 'templates' | 'saved'; readonly selected: number }
  | { readonly kind: 'name'; readonly name: string };

interface Notice {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

interface ReplState {
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

/** Below this height only a line asking for room is drawn. */
export const REPL_MIN_HEIGHT = 10;

const FIXED_ROWS = 5; // title, payload heading, message line, response heading, footer

/** Where a row's history is kept: its responder, else its function, else its image. */
export function historyKeyOf(row: LineageRow): string {
  if (row.responder) return `responder:${row.responder.name}`;
  if (row.lambdaFunction) return `function:${row.lambdaFunction.name}`;
  if (row.localImage) return `image:${row.localImage.name}`;
  return row.key;
}

/** A place to invoke the row on, and why it cannot be invoked now (if it cannot). */
export interface Place {
  readonly where: Where;
  /** "deployed function orders-api", "local container of orders:latest". */
  readonly label: string;
  /** What stands in the way and what removes it: "not deployed yet (c deploys)". */
  readonly unavailable: string | undefined;
}

/** Both places, the deployed function first, each available or saying why not. */
export function targetsOf(row: LineageRow, target: AwsTarget | undefined): Place[] {
  // What the table's `c` takes: a source to build from (it builds when needed), as the key
  // table says; a row with no known source, or whose source is gone, has nothing to deploy.
  const fix = !row.responder
    ? 'no known source to deploy'
    : row.responder.state === 'missing'
      ? 'its source is gone'
      : 'c deploys';
  return [
    {
      where: 'deployed',
      label: describePlace('deployed', row),
      unavailable: !target
        ? 'not connected to AWS'
        : row.lambdaFunction
          ? undefined
          : `not deployed yet (${fix})`,
    },
    {
      where: 'local',
      label: describePlace('local', row),
      unavailable: row.localImage
        ? undefined
        : row.responder
          ? 'not built yet (b builds)'
          : 'no local image',
    },
  ];
}

/** What the row can be invoked on now: the deployed function first, the local image second. */
export function placesOf(row: LineageRow, target: AwsTarget | undefined): Where[] {
  return targetsOf(row, target)
    .filter((place) => !place.unavailable)
    .map((place) => place.where);
}

/** The editor's rows: the payload's lines and one more, at least 3, at most half the room. */
export function editorRows(height: number, lines: number): number {
  const room = Math.max(0, height - FIXED_ROWS);
  return Math.max(Math.min(3, room), Math.min(lines + 1, Math.floor(room / 2)));
}

export function InvokeRepl(props: InvokeReplProps) {
  const { row, target, width, height } = props;
  const theme = useTheme();
  const services = props.services ?? realReplServices;
  const key = historyKeyOf(row);
  const store = useMemo(() => props.store ?? openPayloadStore(), [props.store]);
  const targets = targetsOf(row, target);
  const available = placesOf(row, target);

  const [state, setState] = useState<ReplState>(() => {
    // It opens on the payload sent last (Ctrl-S sends it again; ↑ goes further back, ↓ to {}).
    const history = store.history(key);
    return {
      buffer: bufferOf(history.at(-1) ?? EMPTY),
      window: { top: 0, left: 0 },
      history,
      historyAt: history.length ? history.length - 1 : undefined,
      draft: EMPTY,
      mode: { kind: 'edit' },
      where: available[0],
      run: { kind: 'idle' },
      responseTop: 0,
      notice: store.problem ? { text: store.problem, tone: 'error' } : undefined,
    };
  });
  // Keys of one chunk arrive before React renders again: each must see the state the previous
  // one left, so the state is kept in a ref as well.
  const live = useRef(state);
  live.current = state;
  const update = (change: (s: ReplState) => ReplState) => {
    live.current = change(live.current);
    setState(live.current);
  };

  // The invocation in flight (cancelled by Esc and when the REPL closes), and the container
  // used last (reused while it answers).
  const inFlight = useRef<AbortController | undefined>(undefined);
  const container = useRef<Container | undefined>(undefined);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      inFlight.current?.abort();
    },
    [],
  );

  // The row is refreshed while the REPL is open: a place chosen earlier may be gone. It stays
  // chosen, shown with why it cannot be invoked (sending says so too), and Ctrl-T moves away
  // from it: an invocation never goes to the other place without being asked to.
  const stale = state.where && !available.includes(state.where) ? state.where : undefined;
  const places: Where[] = stale && available.length > 0 ? [...available, stale] : available;
  const placeOf = (s: ReplState) => s.where ?? available[0];
  /** Why Ctrl-T has nowhere else to go. */
  const onlyOnePlace = (place: Where) => {
    const other = targets.find((candidate) => candidate.where !== place)!;
    return `Only the ${describePlace(place, row)} can be invoked: ${other.label}: ${other.unavailable}.`;
  };
  /** Why nothing can be invoked: each place with why not, and what fixes it (from the table). */
  const nothingToInvoke = `Nothing can be invoked: ${targets
    .map((place) => `${place.label}: ${place.unavailable}`)
    .join('; ')}.`;
  const small = height < REPL_MIN_HEIGHT;
  const rows = editorRows(height, state.buffer.lines.length);
  const columns = Math.max(1, width - gutterWidth(state.buffer));
  const text = textOf(state.buffer);
  const check = useMemo(() => checkJson(text), [text]);
  // Below the editor: a notice, else whether the payload is JSON (and if not, where not).
  const message: Notice =
    state.notice ??
    (check.ok
      ? {
          text: `✓ JSON · ${text.length} characters · ${state.buffer.row + 1}:${state.buffer.col + 1}`,
          tone: 'info',
        }
      : { text: `✗ line ${check.line}, column ${check.column}: ${check.message}`, tone: 'error' });

  // Up to two lines, so that a long error message is read whole.
  const messageLines = state.mode.kind === 'name' ? [] : wrapWords(message.text, width);
  const messageRows = Math.max(1, Math.min(2, messageLines.length));
  const responseRows = Math.max(0, height - FIXED_ROWS - rows - (messageRows - 1));

  /** Applies an edit: the window follows the cursor, and the text is the draft again. */
  const edit = (change: (buffer: TextBuffer) => TextBuffer) =>
    update((s) => {
      const buffer = change(s.buffer);
      if (buffer === s.buffer) return s;
      const rowsNow = editorRows(height, buffer.lines.length);
      const columnsNow = Math.max(1, width - gutterWidth(buffer));
      const changed = textOf(buffer) !== textOf(s.buffer);
      return {
        ...s,
        buffer,
        window: followCursor(s.window, buffer, rowsNow, columnsNow),
        ...(changed ? { historyAt: undefined, notice: undefined } : {}),
      };
    });

  const replace = (payload: string, cursor: 'start' | 'end', notice?: Notice) =>
    update((s) => {
      const buffer = bufferOf(payload, cursor);
      const rowsNow = editorRows(height, buffer.lines.length);
      return {
        ...s,
        buffer,
        window: followCursor(
          { top: 0, left: 0 },
          buffer,
          rowsNow,
          Math.max(1, width - gutterWidth(buffer)),
        ),
        notice,
      };
    });

  const walkHistory = (direction: -1 | 1) => {
    const s = live.current;
    if (s.history.length === 0) return false;
    const at = s.historyAt ?? s.history.length;
    const next = at + direction;
    if (next < 0 || next > s.history.length) return false;
    const draft = s.historyAt === undefined ? textOf(s.buffer) : s.draft;
    const payload = next === s.history.length ? draft : (s.history[next] as string);
    // Up lands on the first line (up again goes further back), down on the last.
    const buffer =
      direction < 0 ? moveCursor(bufferOf(payload, 'start'), 'end') : bufferOf(payload, 'end');
    update((o) => ({
      ...o,
      buffer,
      window: followCursor(
        { top: 0, left: 0 },
        buffer,
        editorRows(height, buffer.lines.length),
        Math.max(1, width - gutterWidth(buffer)),
      ),
      draft,
      historyAt: next === s.history.length ? undefined : next,
      notice: undefined,
    }));
    return true;
  };

  const notice = (text: string, tone: Notice['tone'] = 'info') =>
    update((s) => ({ ...s, notice: { text, tone } }));

  const send = async () => {
    const s = live.current;
    const payloadText = textOf(s.buffer);
    const checked = checkJson(payloadText);
    if (!checked.ok) {
      notice(`Not sent: ${whereIs(checked)}: ${checked.message}`, 'error');
      return;
    }
    if (s.run.kind === 'running') {
      notice('An invocation is in flight: wait for it, or press Esc to cancel it.', 'error');
      return;
    }
    const where = placeOf(s);
    if (!where) {
      notice(nothingToInvoke, 'error');
      return;
    }
    const chosen = targets.find((place) => place.where === where)!;
    if (chosen.unavailable) {
      const switchable = available.some((place) => place !== where);
      notice(
        `Not sent: ${chosen.label}: ${chosen.unavailable}.${switchable ? ' Ctrl-T switches the target.' : ''}`,
        'error',
      );
      return;
    }
    store.addToHistory(key, payloadText);
    const history = store.history(key);
    const controller = new AbortController();
    inFlight.current = controller;
    const local = where === 'local';
    update((o) => ({
      ...o,
      history,
      historyAt: undefined,
      notice: store.problem ? { text: store.problem, tone: 'error' } : undefined,
      responseTop: 0,
      run: {
        kind: 'running',
        what: local && !container.current ? 'starting a container…' : 'invoking…',
      },
    }));
    const started = performance.now();
    const record = (
      fields: Pick<Invocation, 'result' | 'requestId' | 'log' | 'seconds'> & Partial<Invocation>,
    ) => ({
      id: nextInvocationId(),
      name: '',
      target: where,
      at: new Date(),
      payload: payloadText,
      ...fields,
    });
    let name = row.lambdaFunction?.name ?? '';
    try {
      let fn: Parameters<ReplServices['invoke']>[1];
      if (local) {
        if (!row.localImage) throw new Error('no local image');
        container.current ??= await services.localContainer(row.localImage, {
          signal: controller.signal,
        });
        fn = container.current;
        name = container.current.name;
        if (mounted.current) update((o) => ({ ...o, run: { kind: 'running', what: 'invoking…' } }));
      } else {
        if (!row.lambdaFunction) throw new Error('no function');
        fn = row.lambdaFunction;
      }
      const out = await services.invoke(checked.value, fn, {
        signal: controller.signal,
        ...(local || !target ? {} : { target }),
      });
      const invocation: Invocation = record({ ...out, name });
      finish(controller, { kind: 'done', invocation }, invocation);
    } catch (error) {
      if (error instanceof InvocationError && error.log) {
        const failure = {
          errorType: error.errorType,
          errorMessage: error.errorMessage,
          stackTrace: error.stackTrace,
        };
        const invocation: Invocation = record({
          name,
          result: failure,
          error: failure,
          requestId: error.requestId ?? error.log.requestId,
          log: error.log,
          seconds: (performance.now() - started) / 1000,
        });
        finish(controller, { kind: 'done', invocation }, invocation);
        return;
      }
      // A container that failed is started afresh next time.
      if (isLambdashError(error, 'CONTAINER_FAILED')) container.current = undefined;
      const cancelled = isLambdashError(error, 'ABORTED') || controller.signal.aborted;
      finish(controller, {
        kind: 'failed',
        title: cancelled ? 'cancelled' : 'not invoked',
        message: cancelled ? 'The invocation was cancelled.' : (error as Error).message,
        hint: cancelled ? undefined : (error as { hint?: string }).hint,
      });
    }
  };

  const finish = (controller: AbortController, run: RunState, invocation?: Invocation) => {
    if (inFlight.current === controller) inFlight.current = undefined;
    if (!mounted.current) return;
    update((o) => ({ ...o, run, responseTop: 0 }));
    if (invocation) props.onInvoked?.(invocation);
  };

  const pickItems = (list: 'templates' | 'saved'): PickerItem[] =>
    list === 'templates'
      ? EVENT_TEMPLATES.map((t) => ({ label: t.name, detail: t.title }))
      : store.saved(key).map((saved) => ({ label: saved.name, detail: oneLine(saved.payload) }));

  const pick = (list: 'templates' | 'saved', index: number) => {
    if (list === 'templates') {
      const template = EVENT_TEMPLATES[index];
      if (!template) return;
      const event = createEventFromTemplate(template.name, {
        ...(target ? { region: target.region, accountId: target.accountId } : {}),
      });
      replace(JSON.stringify(event, null, 2), 'start', {
        text: `Inserted the template: ${template.title}`,
        tone: 'info',
      });
    } else {
      const saved = store.saved(key)[index];
      if (!saved) return;
      replace(saved.payload, 'end', {
        text: `Loaded the saved payload "${saved.name}"`,
        tone: 'info',
      });
    }
    update((s) => ({ ...s, mode: { kind: 'edit' }, historyAt: undefined }));
  };

  /** The response's lines below its heading and pinned lines. */
  const bodyRows = (run: RunState) => Math.max(1, responseRows - pinnedRows(run));
  /** By pages, keeping one line of the previous page in view. */
  const scrollResponse = (pages: number) =>
    update((s) => {
      const rowsNow = bodyRows(s.run);
      const last = Math.max(0, responseBody(s.run, width).length - rowsNow);
      const top = s.responseTop + pages * Math.max(1, rowsNow - 1);
      return { ...s, responseTop: Math.max(0, Math.min(last, top)) };
    });

  useKeys(
    ({ input, key: k }) => {
      const s = live.current;
      if (s.mode.kind === 'pick') {
        const { list, selected } = s.mode;
        const count = pickItems(list).length;
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
        else if (k.return) pick(list, selected);
        else if (input === 'd' && list === 'saved') {
          const saved = store.saved(key)[selected];
          if (saved) {
            store.deleteSaved(key, saved.name);
            update((o) => ({
              ...o,
              mode: { kind: 'pick', list, selected: Math.max(0, Math.min(count - 2, selected)) },
              notice: { text: `Deleted the saved payload "${saved.name}"`, tone: 'info' },
            }));
          }
        }
        return;
      }
      const ctrl = (letter: string) => k.ctrl && input === letter;
      if (ctrl('s') || ctrl('d') || (k.return && k.ctrl)) void send();
      else if (k.escape) {
        if (inFlight.current) inFlight.current.abort();
        else props.onClose();
      } else if (ctrl('t')) {
        const next = places[(places.indexOf(placeOf(s) as Where) + 1) % Math.max(1, places.length)];
        if (places.length < 2)
          notice(places.length ? onlyOnePlace(places[0] as Where) : nothingToInvoke, 'error');
        else {
          container.current = undefined;
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
        if (checked.ok) replace(JSON.stringify(checked.value, null, 2), 'end');
        else notice(`Cannot format: ${whereIs(checked)}: ${checked.message}`, 'error');
      } else if (ctrl('g')) {
        const checked = checkJson(textOf(s.buffer));
        if (!checked.ok) edit((b) => moveToOffset(b, checked.offset));
      } else if (k.pageUp) scrollResponse(-1);
      else if (k.pageDown) scrollResponse(1);
      else if (k.upArrow) {
        if (s.buffer.row > 0 || !walkHistory(-1)) edit((b) => moveCursor(b, 'up'));
      } else if (k.downArrow) {
        if (s.buffer.row < s.buffer.lines.length - 1 || !walkHistory(1))
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
    {
      isActive: state.mode.kind !== 'name',
      text: state.mode.kind === 'edit' ? 'lines' : undefined,
    },
  );

  const line = (text: string, textColor: string, bold = false) => (
    <Text color={color(textColor)} bold={bold} wrap="truncate">
      {fitText(text, width)}
    </Text>
  );

  if (small) {
    return (
      <Box width={width} height={Math.max(0, height)}>
        {line('Invoke: make the terminal taller.', theme.status.warning)}
      </Box>
    );
  }

  const title = `Invoke ${row.responder?.name ?? row.lambdaFunction?.name ?? row.localImage?.name ?? row.key}`;
  // Every place: the chosen one ●, the others ○, or ✗ with why they cannot be invoked (last,
  // so that a narrow terminal cuts a reason rather than a place that works).
  const choices = [
    ...targets.filter((place) => !place.unavailable),
    ...targets.filter((place) => place.unavailable),
  ].map((place) => {
    const mark = place.where === placeOf(state) ? '●' : place.unavailable ? '✗' : '○';
    return `${mark} ${place.label}${place.unavailable ? `: ${place.unavailable}` : ''}`;
  });
  const errorAt = check.ok ? undefined : { row: check.line - 1, col: check.column - 1 };
  return (
    <Box flexDirection="column" width={width} height={height}>
      {line(`${title} → ${choices.join('  ')}`, theme.ui.heading, true)}
      <Text wrap="truncate">
        <Text bold color={color(theme.ui.heading)}>
          Payload{' '}
        </Text>
        {check.ok ? (
          <Text color={color(theme.status.success)}>✓ valid JSON</Text>
        ) : (
          <Text color={color(theme.status.error)}>
            ✗ {check.line}:{check.column}
          </Text>
        )}
        <Text color={color(theme.ui.dim)}>
          {state.historyAt === undefined
            ? ''
            : `  (history ${state.historyAt + 1}/${state.history.length})`}
        </Text>
      </Text>
      <JsonEditor
        buffer={state.buffer}
        window={followCursor(state.window, state.buffer, rows, columns)}
        rows={rows}
        width={width}
        error={errorAt}
        focused={state.mode.kind === 'edit'}
      />
      {state.mode.kind === 'name' ? (
        <TextInput
          value={state.mode.name}
          prompt="Save as: "
          width={width}
          onChange={(name) => update((o) => ({ ...o, mode: { kind: 'name', name } }))}
          onCancel={() => update((o) => ({ ...o, mode: { kind: 'edit' } }))}
          onSubmit={(name) => {
            const trimmed = name.trim();
            const checked = checkJson(textOf(live.current.buffer));
            if (!trimmed) return notice('Give the payload a name (Esc cancels).', 'error');
            if (!checked.ok) {
              update((o) => ({
                ...o,
                mode: { kind: 'edit' },
                notice: {
                  text: `Not saved: ${whereIs(checked)}: ${checked.message}`,
                  tone: 'error',
                },
              }));
              return;
            }
            store.save(key, trimmed, textOf(live.current.buffer));
            update((o) => ({
              ...o,
              mode: { kind: 'edit' },
              notice: store.problem
                ? { text: store.problem, tone: 'error' }
                : { text: `Saved as "${trimmed}" (Ctrl-O lists saved payloads)`, tone: 'info' },
            }));
          }}
        />
      ) : (
        <Box flexDirection="column" height={messageRows}>
          {messageLines.slice(0, messageRows).map((text, i) => (
            <Text
              // biome-ignore lint/suspicious/noArrayIndexKey: lines of one message, in order
              key={i}
              color={color(message.tone === 'error' ? theme.status.error : theme.ui.dim)}
              wrap="truncate"
            >
              {i === messageRows - 1 && messageLines.length > messageRows
                ? fitText(`${text} ${messageLines.slice(i + 1).join(' ')}`, width)
                : text}
            </Text>
          ))}
        </Box>
      )}
      {state.mode.kind === 'pick' ? (
        <Picker
          title={
            state.mode.list === 'templates'
              ? 'Event templates (Enter inserts, replacing the payload)'
              : 'Saved payloads (Enter loads, d deletes)'
          }
          items={pickItems(state.mode.list)}
          selected={state.mode.selected}
          width={width}
          rows={responseRows + 1}
          empty="Nothing saved yet for this function: Ctrl-W saves the payload under a name."
        />
      ) : (
        <ResponsePane
          run={state.run}
          width={width}
          rows={responseRows + 1}
          top={state.responseTop}
        />
      )}
      <Footer hints={hintsFor(state.mode, state.run.kind === 'running')} width={width} />
    </Box>
  );
}

const EMPTY = '{}';

function describePlace(place: Where, row?: LineageRow): string {
  if (place === 'deployed')
    return `deployed function${row?.lambdaFunction ? ` ${row.lambdaFunction.name}` : ''}`;
  return `local container${row?.localImage ? ` of ${row.localImage.ref}` : ''}`;
}

function whereIs(check: Extract<JsonCheck, { ok: false }>): string {
  return `line ${check.line}, column ${check.column}`;
}

function oneLine(payload: string): string {
  return `  ${payload.replace(/\s+/g, ' ')}`;
}

function hintsFor(mode: Mode, running: boolean): FooterHint[] {
  if (mode.kind === 'pick') {
    return [
      { key: '↑↓', label: 'choose' },
      { key: 'Enter', label: mode.list === 'templates' ? 'insert' : 'load' },
      ...(mode.list === 'saved' ? [{ key: 'd', label: 'delete' }] : []),
      { key: 'Esc', label: 'back' },
    ];
  }
  if (mode.kind === 'name')
    return [
      { key: 'Enter', label: 'save' },
      { key: 'Esc', label: 'cancel' },
    ];
  return [
    { key: '^S/^D', label: 'send' },
    { key: 'Esc', label: running ? 'cancel' : 'close' },
    { key: '↑↓', label: 'history' },
    { key: '^N', label: 'templates' },
    { key: '^O', label: 'saved' },
    { key: '^W', label: 'save' },
    { key: '^T', label: 'target' },
    { key: '^F', label: 'format' },
    { key: '^G', label: 'go to error' },
    { key: 'PgUp/PgDn', label: 'response' },
  ];
}
