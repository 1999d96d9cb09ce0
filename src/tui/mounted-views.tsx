// The full-panel views the app mounts over the table: the invoke REPL (i, Enter) and the
// invocations' logs and timelines (l), both components of their own (src/tui/repl,
// src/tui/timeline) given the panel's size and a way back. They are loaded when first opened
// (run-app preloads them once the first frame is drawn): the REPL brings the AWS SDK's Lambda
// client, which the first frame does not need.
import { Text } from 'ink';
import { lazy, type ReactNode, Suspense } from 'react';
import type { AwsTarget, LineageRow } from '../core/internal.js';
import type { Invocation } from './timeline/invocation.js';

/** Starts loading the views' code, so opening one is instant. */
export function preloadViews(): Promise<unknown> {
  return Promise.all([loadRepl(), loadTimeline()]);
}

const loadRepl = () => import('./repl/invoke-repl.js');
const loadTimeline = () => import('./timeline/timeline-view.js');
const InvokeRepl = lazy(() => loadRepl().then((module) => ({ default: module.InvokeRepl })));
const TimelineView = lazy(() =>
  loadTimeline().then((module) => ({ default: module.TimelineView })),
);

function Loading({ what }: { what: string }): ReactNode {
  return <Text dimColor>Loading the {what}…</Text>;
}

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
    <Suspense fallback={<Loading what="invoke REPL" />}>
      <InvokeRepl
        row={props.row}
        target={props.target}
        onClose={props.onClose}
        {...(props.onInvoked ? { onInvoked: props.onInvoked } : {})}
        width={props.width}
        height={props.height}
      />
    </Suspense>
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
    <Suspense fallback={<Loading what="timeline" />}>
      <TimelineView
        invocations={props.invocations}
        width={props.width}
        height={props.height}
        onClose={props.onClose}
      />
    </Suspense>
  );
}
