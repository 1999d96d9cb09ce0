// The terminal app: header, the lineage table (or a panel over it), operations in flight,
// toasts and the footer, in a frame one line shorter than the terminal (a frame as tall as
// the terminal makes ink clear and redraw the whole screen on every change, which flickers).
// Keys go through the key table; panels and dialogs take the keyboard while they are open.
//
// This file is the layout: what each part is given and how tall it is. What the commands do is
// in app-commands.ts, what the body shows in app-body.tsx, the view's state in app-view.ts.
import { Box } from 'ink';
import { type ReactNode, useCallback, useMemo, useSyncExternalStore } from 'react';
import type { LineageRow } from '../core/internal.js';
import { AppBody } from './app-body.js';
import { appCommands } from './app-commands.js';
import { useAppView } from './app-view.js';
import { completeCommand } from './command-line.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { commandForKey, footerHints, type KeyContext, resolveBindings } from './key-table.js';
import { useInterrupt } from './keyboard.js';
import {
  countOlder,
  filterRows,
  lineageColumns,
  operationKey,
  sortRows,
  withOlderChains,
} from './lineage-columns.js';
import { OperationLines } from './operation-lines.js';
import { activityText } from './operations.js';
import { useRowSelection } from './row-selection.js';
import { type AppServices, useStore } from './services.js';
import { useSessionInvocations } from './session-invocations.js';
import type { Settings } from './settings.js';
import { StatusLine, TypingFooter } from './status-line.js';
import { THEMES, type Theme, ThemeContext } from './theme.js';
import { TOAST_LIFETIMES, type ToastLevel, Toasts, useToasts } from './toasts.js';
import { MIN_COLUMNS, MIN_ROWS, TooSmall } from './too-small.js';
import { useKeys } from './use-keys.js';
import { useOperations } from './use-operations.js';
import { useProblemToasts } from './use-problem-toasts.js';
import { useNow, useTerminalSize } from './use-terminal-size.js';
import { KeyOverrides } from './use-view-keys.js';
import { ViewHelpHost } from './view-help.js';

const MAX_PROGRESS_LINES = 3;
const MAX_TOAST_LINES = 2;

export interface AppProps {
  readonly services: AppServices;
  readonly readOnly?: boolean;
  /** Where relative paths typed in the add dialog start. */
  readonly projectDir: string;
  /** A fixed size (tests); by default the terminal's, following resizes. */
  readonly size?: { readonly columns: number; readonly rows: number };
  readonly clock?: () => Date;
  readonly toastLifetimes?: Readonly<Record<ToastLevel, number>>;
  /** Settings this session replaces (command-line flags), for the settings panel. */
  readonly overrides?: Readonly<Partial<Record<keyof Settings, string>>>;
  readonly onExit: (code: number) => void;
}

const systemClock = () => new Date();

export function App(props: AppProps): ReactNode {
  const { services } = props;
  const readOnly = props.readOnly ?? false;
  const clock = props.clock ?? systemClock;
  const terminal = useTerminalSize();
  const size = props.size ?? terminal;
  const settings = useSyncExternalStore(services.settings.subscribe, services.settings.get);
  const theme: Theme = THEMES[settings.theme];
  const bindings = useMemo(
    () => resolveBindings(settings.keys as Record<string, unknown>),
    [settings.keys],
  );
  const lineage = useSyncExternalStore(services.watch.subscribe, services.watch.getSnapshot);
  const session = useStore(services.session);
  const now = useNow(clock, 1000);

  const toasts = useToasts(props.toastLifetimes ?? TOAST_LIFETIMES);
  const refresh = useCallback(() => void services.watch.refresh(), [services.watch]);
  const ops = useOperations(toasts.show, refresh, clock);
  const view = useAppView();
  const invocations = useSessionInvocations(clock);
  useProblemToasts({
    settings: services.settings,
    refreshError: lineage.error,
    projectError: session.projectError,
    targetError: session.target.error,
    show: toasts.show,
    keepError: ops.keepError,
  });

  const { filter, sort, showOlder, overlay } = view;
  const listed = useMemo(
    () => sortRows(filterRows(lineage.rows, filter) as LineageRow[], sort.key, sort.reverse),
    [lineage.rows, filter, sort],
  );
  // The table's lines: the rows, each followed by its older chains while they are shown.
  const table = useMemo(() => withOlderChains(listed, showOlder), [listed, showOlder]);
  const rows = table.rows;
  const olderChains = useMemo(() => countOlder(lineage.rows), [lineage.rows]);
  const selection = useRowSelection(rows);
  const { index, row } = selection;

  const context: KeyContext = {
    row,
    rows: rows.length,
    readOnly,
    rowBusy: row ? ops.operations.has(operationKey(row, table.older)) : false,
    filter,
    hasErrors: ops.errors.length > 0,
    aws: session.target.status === 'connected',
    olderChains,
    olderRow: row ? table.older.has(row) : false,
  };

  // Layout: every part has a height, and they add up to one line less than the terminal.
  const width = size.columns;
  const frameHeight = size.rows - 1;
  const operationList = [...ops.operations.values()];
  const progressLines = Math.min(operationList.length, MAX_PROGRESS_LINES);
  const toastLines = Math.min(toasts.toasts.length, MAX_TOAST_LINES);
  const fullPanel = overlay?.kind === 'invoke' || overlay?.kind === 'logs';
  // The dialogs and the settings, like the REPL and the timeline, end in their own footer drawn
  // from their own key table (the status line, about the table's rows, gives it its place).
  const ownFooter =
    fullPanel ||
    overlay?.kind === 'add' ||
    overlay?.kind === 'delete' ||
    overlay?.kind === 'settings';
  const bodyHeight = Math.max(
    1,
    frameHeight - 1 - progressLines - toastLines - (ownFooter ? 0 : 2),
  );

  const activity = useMemo(
    () =>
      new Map(
        [...ops.operations.values()].map((operation) => [
          operation.rowKey,
          activityText(operation),
        ]),
      ),
    [ops.operations],
  );
  // Made again each tick, so that ages ("invoked 3s ago") move on.
  const { lastInvoked } = invocations;
  const columns = useMemo(
    () => lineageColumns({ theme, now, activity, lastInvoked, older: table.older }),
    [theme, now, activity, lastInvoked, table.older],
  );

  const commands = appCommands({
    services,
    bindings,
    context,
    view,
    selection,
    rows,
    older: table.older,
    tableHeight: bodyHeight,
    ops,
    toasts,
    refresh,
    onExit: props.onExit,
  });

  const textEntry = view.filtering || view.commandText !== undefined;
  useKeys(
    ({ name }) => {
      if (!name) return;
      const command = commandForKey(bindings, name, context);
      if (command) commands.run(command.id);
    },
    { isActive: overlay === undefined && !textEntry },
  );
  // Ctrl-C quits from anywhere, cancelling what runs.
  useInterrupt(commands.quit);

  if (width < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={width} rows={size.rows} />
      </ThemeContext.Provider>
    );
  }

  return (
    <ThemeContext.Provider value={theme}>
      {/* The user's keys for every view's table (`repl.send`, `deleteDialog.cancel`…). */}
      <KeyOverrides keys={settings.keys as Record<string, unknown>}>
        <Box flexDirection="column" width={width} height={frameHeight}>
          <Header session={session} lineage={lineage} readOnly={readOnly} width={width} now={now} />
          {/* `?` (or Ctrl-K in text) in a view: its own table's keys, in its place. */}
          <ViewHelpHost width={width} height={bodyHeight}>
            <AppBody
              overlay={overlay}
              services={services}
              settings={settings}
              overrides={props.overrides ?? {}}
              projectDir={props.projectDir}
              bindings={bindings}
              context={context}
              ops={ops}
              startAction={commands.startAction}
              target={session.target.target}
              invocations={invocations}
              now={now}
              table={{ rows, columns, selected: index, syncing: lineage.syncing, filter }}
              width={width}
              height={bodyHeight}
              onClose={() => view.setOverlay(undefined)}
            />
            {/* Inside the host: the command line's and the filter's help (Ctrl-K) replace the
                body and this line, and give the field back as it was typed. */}
            {ownFooter ? null : (
              <StatusLine
                width={width}
                filter={filter}
                filtering={view.filtering}
                commandText={view.commandText}
                shown={listed.length}
                total={lineage.rows.length}
                lines={rows.length}
                older={olderChains}
                showOlder={showOlder}
                scope={settings.scope}
                index={index}
                sort={sort}
                syncing={lineage.syncing}
                onFilter={view.setFilter}
                onFilterDone={(keep) => {
                  view.setFiltering(false);
                  if (!keep) view.setFilter('');
                }}
                onCommandChange={view.setCommandText}
                onCommand={commands.runCommandLine}
                completeCommand={(text) => completeCommand(text, bindings)}
              />
            )}
          </ViewHelpHost>
          <OperationLines
            operations={operationList}
            max={MAX_PROGRESS_LINES}
            width={width}
            now={now}
          />
          <Toasts toasts={toasts.toasts} width={width} max={MAX_TOAST_LINES} />
          {ownFooter ? null : textEntry ? (
            <TypingFooter commandLine={view.commandText !== undefined} width={width} />
          ) : (
            <Footer hints={footerHints(bindings, context)} width={width} />
          )}
        </Box>
      </KeyOverrides>
    </ThemeContext.Provider>
  );
}
