// The line below the table: the filter or the command line while one is typed, else the
// counts, the filter, the scope and the sort, with the cursor's place at the right. The two
// fields take, leave, complete and open their help by their tables' keys (`commandLine`,
// `filter` in view-keys.ts), and the footer below them is drawn from the same tables.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { LineageScope } from '../core/internal.js';
import type { Sort } from './app-view.js';
import { Footer } from './footer.js';
import { displayKey } from './key-table.js';
import { TextInput } from './text-input.js';
import { fitText } from './text-width.js';
import { useViewBindings } from './use-view-keys.js';
import { useViewHelp } from './view-help.js';
import { type ViewBindings, viewFooterHints, viewKeysOf } from './view-keys.js';

export interface StatusLineProps {
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
  readonly sort: Sort;
  readonly syncing: boolean;
  readonly onFilter: (text: string) => void;
  readonly onFilterDone: (keep: boolean) => void;
  readonly onCommandChange: (text: string | undefined) => void;
  readonly onCommand: (text: string) => void;
  readonly completeCommand: (text: string) => string | undefined;
}

/** The first key of one of a field's commands, as the placeholder names it. */
const keyOf = (bindings: ViewBindings, id: string) => {
  const key = viewKeysOf(bindings, id)[0];
  return key === undefined ? '' : displayKey(key);
};

export function StatusLine(props: StatusLineProps): ReactNode {
  const commandKeys = useViewBindings('commandLine');
  const filterKeys = useViewBindings('filter');
  const openHelp = useViewHelp();
  if (props.commandText !== undefined) {
    return (
      <TextInput
        value={props.commandText}
        onChange={props.onCommandChange}
        onSubmit={props.onCommand}
        onCancel={() => props.onCommandChange(undefined)}
        complete={props.completeCommand}
        keys={{
          submit: viewKeysOf(commandKeys, 'commandLine.run'),
          cancel: viewKeysOf(commandKeys, 'commandLine.cancel'),
          complete: viewKeysOf(commandKeys, 'commandLine.complete'),
          help: viewKeysOf(commandKeys, 'commandLine.help'),
        }}
        onHelp={() => openHelp('commandLine')}
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
        keys={{
          submit: viewKeysOf(filterKeys, 'filter.keep'),
          cancel: viewKeysOf(filterKeys, 'filter.clear'),
          complete: [],
          help: viewKeysOf(filterKeys, 'filter.help'),
        }}
        onHelp={() => openHelp('filter')}
        prompt="/"
        placeholder={`filter: type to narrow the rows, ${keyOf(filterKeys, 'filter.keep')} keeps, ${keyOf(filterKeys, 'filter.clear')} clears`}
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

/** The footer while the command line or the filter is typed: its table's keys. */
export function TypingFooter({
  commandLine,
  width,
}: {
  /** The command line, else the filter. */
  readonly commandLine: boolean;
  readonly width: number;
}): ReactNode {
  const bindings = useViewBindings(commandLine ? 'commandLine' : 'filter');
  return <Footer hints={viewFooterHints(bindings)} width={width} />;
}
