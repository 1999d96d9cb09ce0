// The invoke REPL: a multi-line JSON editor that checks the payload as it is typed and never
// sends one that is not JSON (it says line:column and what was expected there); ↑ on the first
// line and ↓ on the last walk the history, kept per function with conf; saved payloads and
// event templates are picked from lists; Ctrl-T switches between the local container and the
// deployed function. A place that cannot be invoked (no function yet, no AWS connection, no
// local image) is shown with why, and the target never changes without Ctrl-T. The lower half
// shows the response pretty-printed, or the function's error with its type, message and
// stack, with the round trip and the time breakdown bar.
//
// This file puts the parts together: the state (repl-state.ts, kept in use-repl-store.ts), the
// hooks (use-invocation.ts sends, use-payloads.ts remembers, use-local-container.ts keeps the
// container, use-repl-keys.ts reads the keys) and the views (title line, editor pane, message,
// response or list, footer).
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { AwsTarget, LineageRow } from '../../core/internal.js';
import { TextInput } from '../text-input.js';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import type { Invocation } from '../timeline/invocation.js';
import { EditorPane } from './editor-pane.js';
import { checkJson } from './json-check.js';
import { MessageLines } from './message-lines.js';
import { PayloadPicker } from './payload-picker.js';
import type { PayloadStore } from './payload-store.js';
import { placesOf, targetsOf, type Where } from './places.js';
import { ReplFooter } from './repl-footer.js';
import { REPL_MIN_HEIGHT, replLayout } from './repl-layout.js';
import { type ReplServices, realReplServices } from './repl-services.js';
import { initialState, messageOf, placeOf, whereIs, withNotice } from './repl-state.js';
import { ResponsePane } from './response-pane.js';
import { textOf } from './text-buffer.js';
import { TitleLine } from './title-line.js';
import { useInvocation } from './use-invocation.js';
import { useLocalContainer } from './use-local-container.js';
import { usePayloads } from './use-payloads.js';
import { useReplKeys } from './use-repl-keys.js';
import { useReplStore } from './use-repl-store.js';
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

export function InvokeRepl(props: InvokeReplProps) {
  const { row, target, width, height } = props;
  const theme = useTheme();
  const services = props.services ?? realReplServices;
  const payloads = usePayloads(row, props.store);
  const targets = targetsOf(row, target);
  const available = placesOf(row, target);
  const store = useReplStore(() =>
    initialState(payloads.history(), available[0], payloads.problem()),
  );
  const { state, update } = store;
  const container = useLocalContainer(services);
  const sending = useInvocation({
    services,
    store,
    payloads,
    container,
    row,
    target,
    targets,
    available,
    onInvoked: props.onInvoked,
  });

  // The row is refreshed while the REPL is open: a place chosen earlier may be gone. It stays
  // chosen, shown with why it cannot be invoked (sending says so too), and Ctrl-T moves away
  // from it: an invocation never goes to the other place without being asked to.
  const stale = state.where && !available.includes(state.where) ? state.where : undefined;
  const places: Where[] = stale && available.length > 0 ? [...available, stale] : available;
  const text = textOf(state.buffer);
  const check = useMemo(() => checkJson(text), [text]);
  const message = messageOf(state, check, text);
  const messageLines = state.mode.kind === 'name' ? [] : wrapWords(message.text, width);
  const layout = replLayout(height, state.buffer.lines.length, messageLines.length);

  useReplKeys({
    store,
    payloads,
    sending,
    container,
    row,
    target,
    targets,
    available,
    places,
    size: { width, height },
    responseRows: layout.responseRows,
    onClose: props.onClose,
  });

  if (height < REPL_MIN_HEIGHT) {
    return (
      <Box width={width} height={Math.max(0, height)}>
        <Text color={color(theme.status.warning)} wrap="truncate">
          {fitText('Invoke: make the terminal taller.', width)}
        </Text>
      </Box>
    );
  }

  const saveAs = (name: string) => {
    const trimmed = name.trim();
    if (!trimmed)
      return update((s) => withNotice(s, 'Give the payload a name (Esc cancels).', 'error'));
    const payload = textOf(store.read().buffer);
    const checked = checkJson(payload);
    const notice = checked.ok
      ? payloads.save(trimmed, payload)
      : ({ text: `Not saved: ${whereIs(checked)}: ${checked.message}`, tone: 'error' } as const);
    update((o) => ({ ...o, mode: { kind: 'edit' }, notice }));
  };

  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine row={row} targets={targets} chosen={placeOf(state, available)} width={width} />
      <EditorPane
        buffer={state.buffer}
        window={state.window}
        check={check}
        historyAt={state.historyAt}
        historyLength={state.history.length}
        rows={layout.editorRows}
        width={width}
        focused={state.mode.kind === 'edit'}
      />
      {state.mode.kind === 'name' ? (
        <TextInput
          value={state.mode.name}
          prompt="Save as: "
          width={width}
          onChange={(name) => update((o) => ({ ...o, mode: { kind: 'name', name } }))}
          onCancel={() => update((o) => ({ ...o, mode: { kind: 'edit' } }))}
          onSubmit={saveAs}
        />
      ) : (
        <MessageLines
          lines={messageLines}
          tone={message.tone}
          rows={layout.messageRows}
          width={width}
        />
      )}
      {state.mode.kind === 'pick' ? (
        <PayloadPicker
          list={state.mode.list}
          items={payloads.items(state.mode.list)}
          selected={state.mode.selected}
          width={width}
          rows={layout.responseRows + 1}
        />
      ) : (
        <ResponsePane
          run={state.run}
          width={width}
          rows={layout.responseRows + 1}
          top={state.responseTop}
        />
      )}
      <ReplFooter mode={state.mode} running={state.run.kind === 'running'} width={width} />
    </Box>
  );
}
