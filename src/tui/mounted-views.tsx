// The full-panel views the app mounts over the table: the invoke REPL (i, Enter) and the
// invocations' logs and timelines (l). Until those components land, a plain panel says so.
import { Text, useInput } from 'ink';
import type { ReactNode } from 'react';
import type { AwsTarget } from '../core/aws-target.js';
import type { Invocation } from '../core/invoke.js';
import type { LineageRow } from '../core/lineage.js';
import { rowName } from './lineage-columns.js';
import { Panel } from './panel.js';

export interface InvokeViewProps {
  readonly row: LineageRow;
  readonly target: AwsTarget | undefined;
  readonly onClose: () => void;
  readonly onInvoked?: (invocation: Invocation) => void;
  readonly width: number;
  readonly height: number;
}

export function InvokeView(props: InvokeViewProps): ReactNode {
  useInput((_input, key) => {
    if (key.escape) props.onClose();
  });
  return (
    <Panel title={`Invoke ${rowName(props.row)}`} width={props.width} height={props.height}>
      <Text>The invoke REPL is not available in this build.</Text>
    </Panel>
  );
}

export interface LogsViewProps {
  readonly row: LineageRow;
  readonly invocations: readonly Invocation[];
  readonly onClose: () => void;
  readonly width: number;
  readonly height: number;
}

export function LogsView(props: LogsViewProps): ReactNode {
  useInput((_input, key) => {
    if (key.escape) props.onClose();
  });
  return (
    <Panel title={`Logs of ${rowName(props.row)}`} width={props.width} height={props.height}>
      <Text>{props.invocations.length} invocations this session.</Text>
    </Panel>
  );
}
