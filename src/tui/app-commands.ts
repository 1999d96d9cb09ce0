// What the table's commands do: one switch from a command of the key table to its effect (the
// keys and the `:` command line both end here), the check that a command can run now (else a
// toast says why not), and the command line's own forms (a filter, a sort, a setting).
import type { LineageRow } from '../core/internal.js';
import type { AppView } from './app-view.js';
import { parseCommandLine } from './command-line.js';
import {
  type CommandId,
  isOffered,
  type KeyBindings,
  type KeyContext,
  whyNotNow,
} from './key-table.js';
import { operationKey, rowName, SORT_KEYS } from './lineage-columns.js';
import type { OperationKind } from './operations.js';
import type { RowSelection } from './row-selection.js';
import type { AppServices } from './services.js';
import type { Settings } from './settings.js';
import type { ToastApi } from './toasts.js';
import type { OperationsApi } from './use-operations.js';

/** Settings that say where AWS is: changing one connects again. */
const TARGET_SETTINGS: ReadonlySet<string> = new Set([
  'region',
  'profile',
  'endpoint',
  'local',
  'refreshSeconds',
]);

export interface CommandDeps {
  readonly services: AppServices;
  readonly bindings: KeyBindings;
  readonly context: KeyContext;
  readonly view: AppView;
  readonly selection: RowSelection;
  /** The table's lines. */
  readonly rows: readonly LineageRow[];
  /** The older chains among them. */
  readonly older: ReadonlySet<LineageRow>;
  /** The table's height, header included (a page is one line less). */
  readonly tableHeight: number;
  readonly ops: OperationsApi;
  readonly toasts: Pick<ToastApi, 'show'>;
  /** Reads the lineage again. */
  refresh(): void;
  /** Leaves the app with this exit code. */
  onExit(code: number): void;
}

export interface AppCommands {
  run(id: CommandId): void;
  /** Runs a command if it can run now, else says why not. */
  runIfEnabled(id: CommandId): void;
  /** What was typed after `:`. */
  runCommandLine(text: string): void;
  /** Starts an action on a row, shown on its line while it runs. */
  startAction(
    kind: OperationKind,
    target: LineageRow,
    run: Parameters<OperationsApi['start']>[2],
  ): void;
  /** Cancels what runs and leaves. */
  quit(): void;
}

export function appCommands(deps: CommandDeps): AppCommands {
  const { services, bindings, context, view, selection, rows, older, ops, toasts } = deps;
  const { index, row, select } = selection;

  const quit = () => {
    ops.cancelAll();
    deps.onExit(0);
  };

  const startAction: AppCommands['startAction'] = (kind, target, run) =>
    ops.start(kind, { key: operationKey(target, older), name: rowName(target) }, run);

  const run = (id: CommandId) => {
    const pageRows = Math.max(1, deps.tableHeight - 1);
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
        return view.setFiltering(true);
      case 'clearFilter':
        return view.setFilter('');
      case 'sort': {
        const next = SORT_KEYS[(SORT_KEYS.indexOf(view.sort.key) + 1) % SORT_KEYS.length]!;
        return view.setSort({ key: next, reverse: false });
      }
      case 'reverse':
        return view.setSort({ ...view.sort, reverse: !view.sort.reverse });
      case 'older':
        return view.setShowOlder(!view.showOlder);
      case 'refresh':
        toasts.show('info', 'Refreshing…');
        return deps.refresh();
      case 'command':
        return view.setCommandText('');
      case 'quit':
        return quit();
      case 'cancel':
        return row ? void ops.cancel(operationKey(row, older)) : undefined;
      case 'help':
      case 'history':
      case 'errors':
      case 'settings':
      case 'add':
        return view.setOverlay({ kind: id });
      case 'details':
      case 'delete':
      case 'invoke':
      case 'logs':
        return row ? view.setOverlay({ kind: id, row }) : undefined;
      case 'build':
      case 'test':
      case 'push':
      case 'deploy':
        if (!row) return;
        return startAction(id, row, (options) => services.actions[id](row, options));
    }
  };

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
    view.setCommandText(undefined);
    const parsed = parseCommandLine(text, bindings);
    switch (parsed.kind) {
      case 'none':
        return;
      case 'error':
        return toasts.show('error', parsed.message, parsed.hint);
      case 'filter':
        return view.setFilter(parsed.text);
      case 'sort':
        return view.setSort({ key: parsed.key, reverse: false });
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

  return { run, runIfEnabled, runCommandLine, startAction, quit };
}
