// The terminal app: header, the lineage table (or a panel over it), operations in flight,
// toasts and the footer, in a frame one line shorter than the terminal (a frame as tall as
// the terminal makes ink clear and redraw the whole screen on every change, which flickers).
// Keys go through the key table; panels and dialogs take the keyboard while they are open.
import { Box, Text } from 'ink';
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { LineageRow, LineageScope } from '../core/lineage/lineage.js';
import { AddDialog } from './add-dialog.js';
import { completeCommand, parseCommandLine } from './command-line.js';
import { DeleteDialog } from './delete-dialog.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import {
  type CommandId,
  commandForKey,
  footerHints,
  isOffered,
  type KeyContext,
  resolveBindings,
  whyNotNow,
} from './key-table.js';
import { useInterrupt } from './keyboard.js';
import {
  countOlder,
  filterRows,
  lineageColumns,
  operationKey,
  rowIdentity,
  rowName,
  SORT_KEYS,
  type SortKey,
  sortRows,
  withOlderChains,
} from './lineage-columns.js';
import { InvokeView, LogsView } from './mounted-views.js';
import { activityText, type OperationKind, progressBar } from './operations.js';
import { DetailsPanel, ErrorsPanel, HistoryPanel, SettingsPanel } from './panels.js';
import { type AppServices, type DeletePart, useStore } from './services.js';
import type { Settings } from './settings.js';
import { TextInput } from './text-input.js';
import { fitText } from './text-width.js';
import { color, THEMES, type Theme, ThemeContext, useTheme } from './theme.js';
import type { Invocation } from './timeline/invocation.js';
import { TOAST_LIFETIMES, type ToastLevel, Toasts, useToasts } from './toasts.js';
import { useKeys } from './use-keys.js';
import { useOperations } from './use-operations.js';
import { useNow, useTerminalSize } from './use-terminal-size.js';
import { WindowedTable } from './windowed-table.js';

export const MIN_COLUMNS = 50;
export const MIN_ROWS = 12;
const MAX_PROGRESS_LINES = 3;
const MAX_TOAST_LINES = 2;
const TARGET_SETTINGS: ReadonlySet<string> = new Set([
  'region',
  'profile',
  'endpoint',
  'local',
  'refreshSeconds',
]);

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

type Overlay =
  | { readonly kind: 'help' | 'history' | 'errors' | 'settings' | 'add' }
  | { readonly kind: 'details' | 'delete' | 'invoke' | 'logs'; readonly row: LineageRow };

const systemClock = () => new Date();

export function App(props: AppProps): ReactNode {
  const { services, onExit } = props;
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

  const [filter, setFilter] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [commandText, setCommandText] = useState<string | undefined>();
  const [sort, setSort] = useState<{ key: SortKey; reverse: boolean }>({
    key: 'responder',
    reverse: false,
  });
  const [overlay, setOverlay] = useState<Overlay | undefined>();
  const [showOlder, setShowOlder] = useState(false);
  const [selection, setSelection] = useState<Selection>({
    key: undefined,
    identity: undefined,
    index: 0,
  });
  const [invocations, setInvocations] = useState<ReadonlyMap<string, readonly Invocation[]>>(
    new Map(),
  );
  const [lastInvoked, setLastInvoked] = useState<ReadonlyMap<string, Date>>(new Map());

  // Problems found in the settings, once, as warnings (never fatal).
  useEffect(() => {
    for (const problem of services.settings.problems())
      toasts.show('warning', `Settings: ${problem}`);
  }, [services.settings, toasts.show]);
  // A refresh that fails says so once per new error; the table keeps the last good rows.
  const reported = useRef(lineage.error);
  useEffect(() => {
    if (lineage.error && lineage.error !== reported.current) {
      toasts.show('warning', `Refresh failed: ${lineage.error.message}`, lineage.error.hint, {
        kept: true,
      });
      ops.keepError('refresh', lineage.error);
    }
    reported.current = lineage.error;
  }, [lineage.error, toasts.show, ops.keepError]);
  const projectError = session.projectError;
  useEffect(() => {
    if (projectError) {
      toasts.show('error', projectError.message.split('\n')[0]!, projectError.hint, {
        kept: true,
      });
      ops.keepError('read the project file', projectError);
    }
  }, [projectError, toasts.show, ops.keepError]);
  const targetError = session.target.error;
  useEffect(() => {
    if (targetError) {
      toasts.show('error', targetError.message, targetError.hint, { kept: true });
      ops.keepError('connect to AWS', targetError);
    }
  }, [targetError, toasts.show, ops.keepError]);

  const listed = useMemo(
    () => sortRows(filterRows(lineage.rows, filter) as LineageRow[], sort.key, sort.reverse),
    [lineage.rows, filter, sort],
  );
  // The table's lines: the rows, each followed by its older chains while they are shown.
  const table = useMemo(() => withOlderChains(listed, showOlder), [listed, showOlder]);
  const rows = table.rows;
  const olderChains = useMemo(() => countOlder(lineage.rows), [lineage.rows]);
  const index = selectedIndex(rows, selection);
  const row: LineageRow | undefined = rows[index];
  // The cursor stays on the row it shows, wherever a refresh, a rebuild, a sort or a filter
  // moves it: remembered by key (stable for a responder), then by what the row stands for.
  useEffect(() => {
    if (row && (row.key !== selection.key || index !== selection.index)) {
      setSelection({ key: row.key, identity: rowIdentity(row), index });
    }
  }, [row, index, selection]);

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
  const bodyHeight = Math.max(
    1,
    frameHeight - 1 - progressLines - toastLines - (fullPanel ? 0 : 2),
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
  const columns = useMemo(
    () => lineageColumns({ theme, now, activity, lastInvoked, older: table.older }),
    [theme, now, activity, lastInvoked, table.older],
  );

  const select = (next: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, next));
    const chosen = rows[clamped];
    setSelection({ key: chosen?.key, identity: chosen && rowIdentity(chosen), index: clamped });
  };

  const quit = () => {
    ops.cancelAll();
    onExit(0);
  };

  const startAction = (
    kind: OperationKind,
    target: LineageRow,
    run: Parameters<typeof ops.start>[2],
  ) => ops.start(kind, { key: operationKey(target, table.older), name: rowName(target) }, run);

  const run = (id: CommandId) => {
    const pageRows = Math.max(1, bodyHeight - 1);
    switch (id) {
      case 'up':
        return select(index - 1);
      case 'down':
        return select(index + 1);
      case 'pageUp':
        return select(index - pageRows);
      case 'pageDown':
        return select(index + pageRows);
      case 'top':
        return select(0);
      case 'bottom':
        return select(rows.length - 1);
      case 'filter':
        return setFiltering(true);
      case 'clearFilter':
        return setFilter('');
      case 'sort': {
        const next = SORT_KEYS[(SORT_KEYS.indexOf(sort.key) + 1) % SORT_KEYS.length]!;
        return setSort({ key: next, reverse: false });
      }
      case 'reverse':
        return setSort({ ...sort, reverse: !sort.reverse });
      case 'older':
        return setShowOlder(!showOlder);
      case 'refresh':
        toasts.show('info', 'Refreshing…');
        return refresh();
      case 'command':
        return setCommandText('');
      case 'quit':
        return quit();
      case 'cancel':
        return row ? void ops.cancel(operationKey(row, table.older)) : undefined;
      case 'help':
      case 'history':
      case 'errors':
      case 'settings':
      case 'add':
        return setOverlay({ kind: id });
      case 'details':
      case 'delete':
      case 'invoke':
      case 'logs':
        return row ? setOverlay({ kind: id, row }) : undefined;
      case 'build':
      case 'test':
      case 'push':
      case 'deploy':
        if (!row) return;
        return startAction(id, row, (options) => services.actions[id](row, options));
    }
  };

  /** Runs a command if it can run now, else says why not. */
  const runIfEnabled = (id: CommandId) => {
    const command = bindings.commands.find((candidate) => candidate.id === id)!;
    if (!isOffered(command, context)) {
      return toasts.show('warning', `${command.label} is not available in read-only mode.`);
    }
    if (!command.enabled(context)) {
      return toasts.show(
        'warning',
        `${command.label} cannot run on this row now.`,
        whyNotNow(command, context),
      );
    }
    run(id);
  };

  const runCommandLine = (text: string) => {
    setCommandText(undefined);
    const parsed = parseCommandLine(text, bindings);
    switch (parsed.kind) {
      case 'none':
        return;
      case 'error':
        return toasts.show('error', parsed.message, parsed.hint);
      case 'filter':
        return setFilter(parsed.text);
      case 'sort':
        return setSort({ key: parsed.key, reverse: false });
      case 'command':
        return runIfEnabled(parsed.id);
      case 'set':
      case 'unset':
        try {
          if (parsed.kind === 'set') services.settings.set(parsed.name, parsed.value);
          else services.settings.unset(parsed.name);
          const value = services.settings.get()[parsed.name as keyof Settings];
          toasts.show(
            'success',
            `${parsed.name} = ${value === undefined ? '(not set)' : JSON.stringify(value)}`,
          );
          if (TARGET_SETTINGS.has(parsed.name)) services.reconnect();
        } catch (error) {
          toasts.show('error', (error as Error).message, (error as { hint?: string }).hint);
        }
        return;
    }
  };

  const textEntry = filtering || commandText !== undefined;
  useKeys(
    ({ name }) => {
      if (!name) return;
      const command = commandForKey(bindings, name, context);
      if (command) run(command.id);
    },
    { isActive: overlay === undefined && !textEntry },
  );
  // Ctrl-C quits from anywhere, cancelling what runs.
  useInterrupt(quit);

  if (width < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={width} rows={size.rows} />
      </ThemeContext.Provider>
    );
  }

  const closeOverlay = () => setOverlay(undefined);
  const panel = { width, height: bodyHeight, onClose: closeOverlay };
  const invocationKey = (target: LineageRow) => target.lambdaFunction?.name ?? rowIdentity(target);

  let body: ReactNode;
  switch (overlay?.kind) {
    case 'help':
      body = <HelpOverlay bindings={bindings} context={context} {...panel} />;
      break;
    case 'history':
      body = <HistoryPanel entries={ops.log} {...panel} />;
      break;
    case 'errors':
      body = <ErrorsPanel errors={ops.errors} {...panel} />;
      break;
    case 'settings':
      body = (
        <SettingsPanel
          store={services.settings}
          settings={settings}
          overrides={props.overrides ?? {}}
          {...panel}
        />
      );
      break;
    case 'details':
      body = (
        <DetailsPanel
          row={overlay.row}
          now={now}
          lastInvoked={
            overlay.row.lambdaFunction
              ? lastInvoked.get(overlay.row.lambdaFunction.name)
              : undefined
          }
          {...panel}
        />
      );
      break;
    case 'add':
      body = (
        <AddDialog
          dir={props.projectDir}
          {...panel}
          onCancel={closeOverlay}
          onSubmit={(source, handler) => {
            closeOverlay();
            ops.start('add', { key: `add:${source}`, name: source }, (options) =>
              services.actions.addResponder(source, handler, options),
            );
          }}
        />
      );
      break;
    case 'delete': {
      const target = overlay.row;
      body = (
        <DeleteDialog
          row={target}
          {...panel}
          onCancel={closeOverlay}
          onConfirm={(parts: readonly DeletePart[]) => {
            closeOverlay();
            startAction('delete', target, (options) =>
              services.actions.remove(target, parts, options),
            );
          }}
        />
      );
      break;
    }
    case 'invoke': {
      const target = overlay.row;
      body = (
        <InvokeView
          row={target}
          target={session.target.target}
          width={width}
          height={bodyHeight}
          onClose={closeOverlay}
          onInvoked={(invocation) => {
            const key = invocationKey(target);
            setInvocations((current) =>
              new Map(current).set(key, [...(current.get(key) ?? []), invocation].slice(-20)),
            );
            if (target.lambdaFunction) {
              const name = target.lambdaFunction.name;
              setLastInvoked((current) => new Map(current).set(name, clock()));
            }
          }}
        />
      );
      break;
    }
    case 'logs':
      body = (
        <LogsView
          invocations={invocations.get(invocationKey(overlay.row)) ?? []}
          width={width}
          height={bodyHeight}
          onClose={closeOverlay}
        />
      );
      break;
    default:
      body = (
        <WindowedTable
          rows={rows}
          columns={columns}
          selected={index}
          width={width}
          height={bodyHeight}
          rowKey={(candidate) => candidate.key}
          empty={<EmptyTable syncing={lineage.syncing} filter={filter} width={width} />}
        />
      );
  }

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={frameHeight}>
        <Header session={session} lineage={lineage} readOnly={readOnly} width={width} now={now} />
        {body}
        {fullPanel ? null : (
          <StatusLine
            width={width}
            filter={filter}
            filtering={filtering}
            commandText={commandText}
            shown={listed.length}
            total={lineage.rows.length}
            lines={rows.length}
            older={olderChains}
            showOlder={showOlder}
            scope={settings.scope}
            index={index}
            sort={sort}
            syncing={lineage.syncing}
            onFilter={setFilter}
            onFilterDone={(keep) => {
              setFiltering(false);
              if (!keep) setFilter('');
            }}
            onCommandChange={setCommandText}
            onCommand={runCommandLine}
            completeCommand={(text) => completeCommand(text, bindings)}
          />
        )}
        {operationList.slice(0, MAX_PROGRESS_LINES).map((operation) => (
          <Text key={operation.id} wrap="truncate-end" color={color(theme.status.busy)}>
            {fitText(
              `⟳ ${operation.kind} ${operation.name} ${progressBar(operation.progress.ratio, 12, Math.floor(now.getTime() / 1000))} ${operation.progress.text}`,
              width - 12,
            )}
            <Text color={color(theme.ui.dim)}> Esc cancels</Text>
          </Text>
        ))}
        <Toasts toasts={toasts.toasts} width={width} max={MAX_TOAST_LINES} />
        {fullPanel ? null : <Footer hints={footerHints(bindings, context)} width={width} />}
      </Box>
    </ThemeContext.Provider>
  );
}

/** Where a row was selected (its key, what it stands for, its place), to find it again. */
interface Selection {
  readonly key: string | undefined;
  readonly identity: string | undefined;
  readonly index: number;
}

/**
 * The selected row's index after the rows changed: the same row, else the row of the same
 * responder (its key changes when it is pushed or deployed), else the same place.
 */
function selectedIndex(rows: readonly LineageRow[], selection: Selection): number {
  if (rows.length === 0) return 0;
  const byKey = rows.findIndex((row) => row.key === selection.key);
  if (byKey >= 0) return byKey;
  const byIdentity = selection.identity
    ? rows.findIndex((row) => rowIdentity(row) === selection.identity)
    : -1;
  return byIdentity >= 0 ? byIdentity : Math.min(selection.index, rows.length - 1);
}

function EmptyTable({
  syncing,
  filter,
  width,
}: {
  syncing: boolean;
  filter: string;
  width: number;
}): ReactNode {
  const theme = useTheme();
  const text = syncing
    ? 'Syncing with Docker and AWS…'
    : filter
      ? `No row matches "${filter}" (Esc clears the filter).`
      : 'Nothing here yet: press n to add a responder (a .ts or .js file).';
  return (
    <Text wrap="truncate-end" color={color(syncing ? theme.status.busy : theme.ui.dim)}>
      {fitText(text, width)}
    </Text>
  );
}

interface StatusLineProps {
  readonly width: number;
  readonly filter: string;
  readonly filtering: boolean;
  readonly commandText: string | undefined;
  readonly shown: number;
  readonly total: number;
  /** The table's lines: the rows shown and their older chains while those are shown. */
  readonly lines: number;
  readonly older: number;
  readonly showOlder: boolean;
  readonly scope: LineageScope;
  readonly index: number;
  readonly sort: { key: SortKey; reverse: boolean };
  readonly syncing: boolean;
  readonly onFilter: (text: string) => void;
  readonly onFilterDone: (keep: boolean) => void;
  readonly onCommandChange: (text: string | undefined) => void;
  readonly onCommand: (text: string) => void;
  readonly completeCommand: (text: string) => string | undefined;
}

/** Below the table: the filter or command being typed, else counts, filter and sort. */
function StatusLine(props: StatusLineProps): ReactNode {
  if (props.commandText !== undefined) {
    return (
      <TextInput
        value={props.commandText}
        onChange={props.onCommandChange}
        onSubmit={props.onCommand}
        onCancel={() => props.onCommandChange(undefined)}
        complete={props.completeCommand}
        prompt=":"
        width={props.width}
      />
    );
  }
  if (props.filtering) {
    return (
      <TextInput
        value={props.filter}
        onChange={props.onFilter}
        onSubmit={() => props.onFilterDone(true)}
        onCancel={() => props.onFilterDone(false)}
        prompt="/"
        placeholder="filter: type to narrow the rows, Enter keeps, Esc clears"
        width={props.width}
      />
    );
  }
  const count = props.syncing
    ? 'syncing…'
    : props.filter
      ? `${props.shown} of ${props.total} rows · filter "${props.filter}"`
      : `${props.total} rows`;
  const older =
    props.older > 0 ? ` · ${props.older} older ${props.showOlder ? 'shown' : '(V shows)'}` : '';
  const scope = props.scope === 'all' ? ' · scope all' : '';
  const position = props.lines > 0 ? `${props.index + 1}/${props.lines}` : '';
  const left = `${count}${older}${scope} · sort ${props.sort.key} ${props.sort.reverse ? '↓' : '↑'}`;
  return (
    <Text dimColor wrap="truncate-end">
      {fitText(left, Math.max(0, props.width - position.length - 1))} {position}
    </Text>
  );
}

function TooSmall({ columns, rows }: { columns: number; rows: number }): ReactNode {
  // Fits in any size: short lines, at most three of them.
  const lines = [
    'Terminal too small.',
    `lambdash needs ${MIN_COLUMNS}x${MIN_ROWS};`,
    `this is ${columns}x${rows}.`,
  ].slice(0, Math.max(1, rows - 1));
  return (
    <Box flexDirection="column">
      {lines.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line.slice(0, Math.max(1, columns))}
        </Text>
      ))}
    </Box>
  );
}
