// The line below the table: the filter or the command line while one is typed, else the
// counts, the filter, the scope and the sort, with the cursor's place at the right.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { LineageScope } from '../core/internal.js';
import type { Sort } from './app-view.js';
import { TextInput } from './text-input.js';
import { fitText } from './text-width.js';

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

export function StatusLine(props: StatusLineProps): ReactNode {
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
