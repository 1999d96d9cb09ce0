// The table's cursor. It stays on the row it shows, wherever a refresh, a rebuild, a sort or a
// filter moves it: remembered by key (stable for a responder), then by what the row stands for,
// then by its place.
import { useEffect, useState } from 'react';
import type { LineageRow } from '../core/internal.js';
import { rowIdentity } from './lineage-columns.js';

/** Where a row was selected (its key, what it stands for, its place), to find it again. */
interface Selection {
  readonly key: string | undefined;
  readonly identity: string | undefined;
  readonly index: number;
}

export interface RowSelection {
  readonly index: number;
  readonly row: LineageRow | undefined;
  /** Moves the cursor to `index`, kept inside the rows. */
  select(index: number): void;
}

export function useRowSelection(rows: readonly LineageRow[]): RowSelection {
  const [selection, setSelection] = useState<Selection>({
    key: undefined,
    identity: undefined,
    index: 0,
  });
  const index = selectedIndex(rows, selection);
  const row: LineageRow | undefined = rows[index];
  useEffect(() => {
    if (row && (row.key !== selection.key || index !== selection.index)) {
      setSelection({ key: row.key, identity: rowIdentity(row), index });
    }
  }, [row, index, selection]);
  return {
    index,
    row,
    select: (next) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, next));
      const chosen = rows[clamped];
      setSelection({ key: chosen?.key, identity: chosen && rowIdentity(chosen), index: clamped });
    },
  };
}

/**
 * The selected row's index after the rows changed: the same row, else the row of the same
 * responder (its key changes when it is pushed or deployed), else the same place.
 */
function selectedIndex(rows: readonly LineageRow[], selection: Selection): number {
  if (rows.length === 0) return 0;
  const byKey = rows.findIndex((row) => row.key === selection.key);
  if (byKey >= 0) return byKey;
  const byIdentity = selection.identity
    ? rows.findIndex((row) => rowIdentity(row) === selection.identity)
    : -1;
  return byIdentity >= 0 ? byIdentity : Math.min(selection.index, rows.length - 1);
}
