// The app's body, between the header and the status line: the lineage table, or the panel or
// dialog in front of it (the overlay), each given the body's size and a way back.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { AwsTarget, LineageRow } from '../core/internal.js';
import { AddDialog } from './add-dialog.js';
import type { AppCommands } from './app-commands.js';
import type { Overlay } from './app-view.js';
import { DeleteDialog } from './delete-dialog.js';
import { HelpOverlay } from './help-overlay.js';
import type { KeyBindings, KeyContext } from './key-table.js';
import { InvokeView, LogsView } from './mounted-views.js';
import { DetailsPanel, ErrorsPanel, HistoryPanel, SettingsPanel } from './panels.js';
import type { AppServices, DeletePart } from './services.js';
import type { SessionInvocations } from './session-invocations.js';
import type { Settings } from './settings.js';
import { fitText } from './text-width.js';
import { color, useTheme } from './theme.js';
import type { OperationsApi } from './use-operations.js';
import { type TableColumn, WindowedTable } from './windowed-table.js';

export interface AppBodyProps {
  readonly overlay: Overlay | undefined;
  readonly services: AppServices;
  readonly settings: Settings;
  /** Settings this session replaces (command-line flags), for the settings panel. */
  readonly overrides: Readonly<Partial<Record<keyof Settings, string>>>;
  /** Where relative paths typed in the add dialog start. */
  readonly projectDir: string;
  readonly bindings: KeyBindings;
  readonly context: KeyContext;
  readonly ops: OperationsApi;
  readonly startAction: AppCommands['startAction'];
  /** Where AWS calls go, when connected. */
  readonly target: AwsTarget | undefined;
  readonly invocations: SessionInvocations;
  readonly now: Date;
  readonly table: {
    readonly rows: readonly LineageRow[];
    readonly columns: readonly TableColumn<LineageRow>[];
    readonly selected: number;
    readonly syncing: boolean;
    readonly filter: string;
  };
  readonly width: number;
  readonly height: number;
  onClose(): void;
}

export function AppBody(props: AppBodyProps): ReactNode {
  const { overlay, services, ops, width, height, onClose } = props;
  const panel = { width, height, onClose };
  switch (overlay?.kind) {
    case 'help':
      return <HelpOverlay bindings={props.bindings} context={props.context} {...panel} />;
    case 'history':
      return <HistoryPanel entries={ops.log} {...panel} />;
    case 'errors':
      return <ErrorsPanel errors={ops.errors} {...panel} />;
    case 'settings':
      return (
        <SettingsPanel
          store={services.settings}
          settings={props.settings}
          overrides={props.overrides}
          {...panel}
        />
      );
    case 'details':
      return (
        <DetailsPanel
          row={overlay.row}
          now={props.now}
          lastInvoked={
            overlay.row.lambdaFunction
              ? props.invocations.lastInvoked.get(overlay.row.lambdaFunction.name)
              : undefined
          }
          {...panel}
        />
      );
    case 'add':
      return (
        <AddDialog
          dir={props.projectDir}
          {...panel}
          onCancel={onClose}
          onSubmit={(source, handler) => {
            onClose();
            ops.start('add', { key: `add:${source}`, name: source }, (options) =>
              services.actions.addResponder(source, handler, options),
            );
          }}
        />
      );
    case 'delete': {
      const target = overlay.row;
      return (
        <DeleteDialog
          row={target}
          {...panel}
          onCancel={onClose}
          onConfirm={(parts: readonly DeletePart[]) => {
            onClose();
            props.startAction('delete', target, (options) =>
              services.actions.remove(target, parts, options),
            );
          }}
        />
      );
    }
    case 'invoke': {
      const target = overlay.row;
      return (
        <InvokeView
          row={target}
          target={props.target}
          width={width}
          height={height}
          onClose={onClose}
          onInvoked={(invocation) => props.invocations.record(target, invocation)}
        />
      );
    }
    case 'logs':
      return (
        <LogsView
          invocations={props.invocations.of(overlay.row)}
          width={width}
          height={height}
          onClose={onClose}
        />
      );
    default: {
      const { table } = props;
      return (
        <WindowedTable
          rows={table.rows}
          columns={table.columns}
          selected={table.selected}
          width={width}
          height={height}
          rowKey={(candidate) => candidate.key}
          empty={<EmptyTable syncing={table.syncing} filter={table.filter} width={width} />}
        />
      );
    }
  }
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
