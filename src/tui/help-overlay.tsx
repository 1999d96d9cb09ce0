// The `?` help: every command of the key table with its keys, grouped; what cannot run now is
// dimmed, what read-only mode hides is left out (and counted), and the state colours of the
// responder column are explained. The other views' help (ViewHelpOverlay) lists their own
// table (view-keys.ts) the same way.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import {
  type CommandGroup,
  displayKey,
  isOffered,
  type KeyBindings,
  type KeyContext,
} from './key-table.js';
import { STATE_MARKS } from './lineage-columns.js';
import { ScrollList } from './panel.js';
import { fitText } from './text-width.js';
import { color, useTheme } from './theme.js';
import { useViewBindings } from './use-view-keys.js';
import { VIEW_TITLES, type ViewContext, type ViewName, viewKeysOf } from './view-keys.js';

const GROUPS: readonly { id: CommandGroup; title: string }[] = [
  { id: 'act', title: 'Actions' },
  { id: 'view', title: 'Views' },
  { id: 'navigate', title: 'Moving around' },
  { id: 'app', title: 'The app' },
];

export interface HelpOverlayProps {
  readonly bindings: KeyBindings;
  readonly context: KeyContext;
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
}

export function HelpOverlay({
  bindings,
  context,
  width,
  height,
  onClose,
}: HelpOverlayProps): ReactNode {
  const theme = useTheme();
  const keyWidth = 14;
  const lines: ReactNode[] = [];
  let hidden = 0;
  for (const group of GROUPS) {
    const commands = bindings.commands.filter((command) => command.group === group.id);
    const offered = commands.filter((command) => isOffered(command, context));
    hidden += commands.length - offered.length;
    if (offered.length === 0) continue;
    lines.push(
      <Text bold color={color(theme.ui.heading)}>
        {group.title}
      </Text>,
    );
    for (const command of offered) {
      lines.push(<KeyLine command={command} enabled={command.enabled(context)} width={keyWidth} />);
    }
  }
  lines.push(<Text> </Text>);
  lines.push(
    <Text bold color={color(theme.ui.heading)}>
      Responder states
    </Text>,
  );
  const states = [
    ['current', 'built from the source as it is now'],
    ['changed', 'the source changed since (or was never built)'],
    ['missing', 'the source is gone'],
    ['remote', 'a git URL'],
  ] as const;
  for (const [state, meaning] of states) {
    lines.push(
      <Text wrap="truncate-end">
        <Text color={color(theme.lineage[state])}>
          {fitText(`  ${STATE_MARKS[state]} ${state}`, keyWidth)}
        </Text>
        {meaning}
      </Text>,
    );
  }
  if (hidden > 0) {
    lines.push(<Text> </Text>);
    lines.push(
      <Text color={color(theme.status.warning)} wrap="truncate-end">
        Read-only: {hidden} actions that change things are hidden.
      </Text>,
    );
  }
  return (
    <ScrollList
      title="Keys"
      lines={lines}
      width={width}
      height={height}
      onClose={onClose}
      closeKeys={['?']}
    />
  );
}

export interface ViewHelpOverlayProps {
  readonly view: ViewName;
  /** The view's state, for whether each key works now. */
  readonly context: ViewContext;
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
}

/** A view's keys (its table, the user's overrides included); its help key closes it again. */
export function ViewHelpOverlay({
  view,
  context,
  width,
  height,
  onClose,
}: ViewHelpOverlayProps): ReactNode {
  const theme = useTheme();
  const bindings = useViewBindings(view);
  const keyWidth = Math.max(14, ...bindings.commands.map((c) => keysText(c.keys).length + 4));
  const lines: ReactNode[] = [];
  lines.push(
    <Text bold color={color(theme.ui.heading)} wrap="truncate-end">
      {VIEW_TITLES[view]}
    </Text>,
  );
  for (const command of bindings.commands) {
    const enabled = command.enabled?.(context) ?? true;
    lines.push(<KeyLine command={command} enabled={enabled} width={keyWidth} />);
  }
  return (
    <ScrollList
      title="Keys"
      lines={lines}
      width={width}
      height={height}
      onClose={onClose}
      closeKeys={viewKeysOf(bindings, `${view}.help`)}
    />
  );
}

const keysText = (keys: readonly string[]) => keys.map(displayKey).join(' ');

/** A command's keys and what it does; dimmed when it cannot run now. */
function KeyLine({
  command,
  enabled,
  width,
}: {
  command: { readonly keys: readonly string[]; readonly help: string };
  enabled: boolean;
  width: number;
}): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end" dimColor={!enabled}>
      <Text color={color(enabled ? theme.ui.key : theme.ui.dim)}>
        {fitText(`  ${keysText(command.keys)}`, width)}
      </Text>
      {command.help}
    </Text>
  );
}
