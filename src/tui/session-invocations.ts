// The invocations made in the REPL this session, per function (the logs view draws their
// timelines), and when each function was invoked last (the table's "invoked 3s ago").
import { useState } from 'react';
import type { LineageRow } from '../core/internal.js';
import { rowIdentity } from './lineage-columns.js';
import type { Invocation } from './timeline/invocation.js';

/** The invocations kept per function, the newest last. */
const KEPT = 20;

export interface SessionInvocations {
  /** By function name. */
  readonly lastInvoked: ReadonlyMap<string, Date>;
  /** The row's invocations, oldest first. */
  of(row: LineageRow): readonly Invocation[];
  record(row: LineageRow, invocation: Invocation): void;
}

export function useSessionInvocations(clock: () => Date): SessionInvocations {
  const [invocations, setInvocations] = useState<ReadonlyMap<string, readonly Invocation[]>>(
    new Map(),
  );
  const [lastInvoked, setLastInvoked] = useState<ReadonlyMap<string, Date>>(new Map());
  return {
    lastInvoked,
    of: (row) => invocations.get(invocationKey(row)) ?? [],
    record: (row, invocation) => {
      const key = invocationKey(row);
      setInvocations((current) =>
        new Map(current).set(key, [...(current.get(key) ?? []), invocation].slice(-KEPT)),
      );
      if (row.lambdaFunction) {
        const name = row.lambdaFunction.name;
        setLastInvoked((current) => new Map(current).set(name, clock()));
      }
    },
  };
}

function invocationKey(row: LineageRow): string {
  return row.lambdaFunction?.name ?? rowIdentity(row);
}
