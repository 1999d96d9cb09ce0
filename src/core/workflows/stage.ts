// Where a workflow is, told to whoever runs it: the command line prints a line per stage, the
// app shows it with the operation's progress. The core's own events (build steps, push
// progress, waits) go to onEvent as always.
import type { OperationOptions } from '../common/events.js';
import type { LocalImage } from '../images/types.js';

export type WorkflowStage =
  | { readonly step: 'build'; readonly name: string; readonly source: string }
  /** The source is unchanged since this image was built: it is used as it is. */
  | { readonly step: 'reuse'; readonly name: string; readonly image: LocalImage }
  | { readonly step: 'test'; readonly name: string; readonly tested: 'local image' | 'function' }
  | { readonly step: 'push'; readonly name: string }
  | { readonly step: 'function'; readonly name: string; readonly change: 'create' | 'update' };

export interface WorkflowOptions extends OperationOptions {
  readonly onStage?: (stage: WorkflowStage) => void;
}

/** Tells the listener, if any; one that throws must not break the workflow. */
export function reportStage(options: WorkflowOptions, stage: WorkflowStage): void {
  try {
    options.onStage?.(stage);
  } catch {
    // The workflow matters more than its observer.
  }
}

/** Only the signal and the listener: what the core's operations take from a workflow's options. */
export function operationOf(options: OperationOptions): OperationOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
}
