// The operations the app runs (one per row at a time) and the command log they write: each
// gets an AbortController (Esc cancels it), folds the core's events into its progress, and
// ends with a toast and a log line; a failure is kept for the errors panel, never thrown.
import { useCallback, useRef, useState } from 'react';
import {
  escapeControlCharacters,
  isLambdashError,
  type LambdashError,
  type LambdashEvent,
  type OperationOptions,
  StateRepeats,
} from '../core/internal.js';
import {
  applyEvent,
  LOG_LIMIT,
  type LogEntry,
  type LogLevel,
  logLineOf,
  type Operation,
  type OperationKind,
  START_PROGRESS,
} from './operations.js';
import type { KeptError } from './panels.js';
import type { ToastLevel, ToastOptions } from './toasts.js';

export interface OperationsApi {
  /** By row key. */
  readonly operations: ReadonlyMap<string, Operation>;
  readonly log: readonly LogEntry[];
  readonly errors: readonly KeptError[];
  start(
    kind: OperationKind,
    row: { key: string; name: string },
    run: (options: OperationOptions) => Promise<string>,
  ): void;
  cancel(rowKey: string): boolean;
  cancelAll(): void;
  write(level: LogLevel, text: string): void;
  keepError(doing: string, error: LambdashError | Error): void;
}

const MAX_ERRORS = 50;

export function useOperations(
  toast: (level: ToastLevel, text: string, hint?: string, options?: ToastOptions) => void,
  onSettled: () => void,
  clock: () => Date,
): OperationsApi {
  const [operations, setOperations] = useState<ReadonlyMap<string, Operation>>(new Map());
  const [log, setLog] = useState<readonly LogEntry[]>([]);
  const [errors, setErrors] = useState<readonly KeptError[]>([]);
  const live = useRef(new Map<string, Operation>());
  const nextId = useRef(1);

  const write = useCallback(
    (level: LogLevel, text: string) =>
      setLog((entries) =>
        // One line per entry, shown and never obeyed by the terminal (messages quote user input).
        [...entries, { at: clock(), level, text: escapeControlCharacters(text) }].slice(-LOG_LIMIT),
      ),
    [clock],
  );
  const keepError = useCallback(
    (doing: string, error: LambdashError | Error) =>
      setErrors((kept) => [...kept, { at: clock(), doing, error }].slice(-MAX_ERRORS)),
    [clock],
  );
  const publish = useCallback(() => setOperations(new Map(live.current)), []);

  const start = useCallback<OperationsApi['start']>(
    (kind, row, run) => {
      if (live.current.has(row.key)) return;
      const controller = new AbortController();
      const id = nextId.current++;
      const doing = `${kind} ${row.name}`;
      live.current.set(row.key, {
        id,
        kind,
        rowKey: row.key,
        name: row.name,
        started: clock(),
        controller,
        progress: START_PROGRESS,
      });
      publish();
      write('info', `${doing}: started`);
      const repeats = new StateRepeats();
      const onEvent = (event: LambdashEvent) => {
        const line = logLineOf(event, repeats);
        if (line) write(line.level, line.text);
        const current = live.current.get(row.key);
        if (!current || current.id !== id) return;
        const progress = applyEvent(current.progress, event);
        if (progress === current.progress) return;
        live.current.set(row.key, { ...current, progress });
        publish();
      };
      void (async () => {
        try {
          const message = await run({ signal: controller.signal, onEvent });
          write('success', `${doing}: ${message}`);
          toast('success', message);
        } catch (caught) {
          const error = caught instanceof Error ? caught : new Error(String(caught));
          if (controller.signal.aborted || isLambdashError(error, 'ABORTED')) {
            write('warning', `${doing}: cancelled`);
            toast('info', `${capitalize(doing)} was cancelled.`);
          } else {
            write('error', `${doing}: ${error.message}`);
            keepError(doing, error);
            toast(
              'error',
              `${capitalize(kind)} failed: ${error.message}`,
              (error as LambdashError).hint,
              { kept: true },
            );
          }
        } finally {
          if (live.current.get(row.key)?.id === id) live.current.delete(row.key);
          publish();
          onSettled();
        }
      })();
    },
    [clock, keepError, onSettled, publish, toast, write],
  );

  const cancel = useCallback((rowKey: string) => {
    const operation = live.current.get(rowKey);
    if (!operation) return false;
    operation.controller.abort();
    return true;
  }, []);

  const cancelAll = useCallback(() => {
    for (const operation of live.current.values()) operation.controller.abort();
  }, []);

  return { operations, log, errors, start, cancel, cancelAll, write, keepError };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
