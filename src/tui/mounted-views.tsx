// The full-panel views the app mounts over the table: the invoke REPL (i, Enter) and the
// invocations' logs and timelines (l), both components of their own (src/tui/repl,
// src/tui/timeline) given the panel's size and a way back.
import type { ReactNode } from 'react';
import type { AwsTarget } from '../core/aws-target.js';
import type { LineageRow } from '../core/lineage.js';
import { InvokeRepl } from './repl/invoke-repl.js';
import type { Invocation } from './timeline/invocation.js';
import { TimelineView } from './timeline/timeline-view.js';

export interface InvokeViewProps {
  readonly row: LineageRow;
  readonly target: AwsTarget | undefined;
  readonly onClose: () => void;
  readonly onInvoked?: (invocation: Invocation) => void;
  readonly width: number;
  readonly height: number;
}

/** The invoke REPL on the row: its deployed function or a container of its local image. */
export function InvokeView(props: InvokeViewProps): ReactNode {
  return (
    <InvokeRepl
      row={props.row}
      target={props.target}
      onClose={props.onClose}
      {...(props.onInvoked ? { onInvoked: props.onInvoked } : {})}
      width={props.width}
      height={props.height}
    />
  );
}

export interface LogsViewProps {
  readonly invocations: readonly Invocation[];
  readonly onClose: () => void;
  readonly width: number;
  readonly height: number;
}

/** The timeline view of the row's invocations made this session (oldest first). */
export function LogsView(props: LogsViewProps): ReactNode {
  return (
    <TimelineView
      invocations={props.invocations}
      width={props.width}
      height={props.height}
      onClose={props.onClose}
    />
  );
}
