// The lineage table's columns: responder (coloured by its state), local image, remote image,
// function (marked when it runs older code than the newest build), and, while something runs,
// the operation's progress. Each cell picks the longest form that fits its width (`id tag age
// size`, then `id age size`...), so a narrow terminal loses detail before it loses the id.
// A responder's older chains, when shown, are dim rows under it, marked `└`.
import type { LineageRow } from '../core/internal.js';
import { formatAge, formatBytes, shortHash } from './format.js';
import { textWidth } from './text-width.js';
import type { Theme } from './theme.js';
import type { TableCell, TableColumn } from './windowed-table.js';

export type ResponderStateName = 'current' | 'changed' | 'missing' | 'remote';

/** A mark beside the name, so the state reads without colour too. */
export const STATE_MARKS: Readonly<Record<ResponderStateName | 'unknown', string>> = {
  current: '●',
  changed: '▲',
  missing: '✗',
  remote: '◆',
  unknown: '·',
};

export interface LineageColumnsInput {
  readonly theme: Theme;
  readonly now: Date;
  /** Progress text of the operation running on a row, by row identity (rowIdentity). */
  readonly activity: ReadonlyMap<string, string>;
  /** When each function (by name) was last invoked from this app. */
  readonly lastInvoked: ReadonlyMap<string, Date>;
  /** The rows shown as older chains under their responder's row (withOlderChains). */
  readonly older?: ReadonlySet<LineageRow>;
}

/** Beside a function that runs older code than its responder's newest build. */
export const OUTDATED_MARK = '⚠ older code';
/** Before an older chain's name, under its responder's row. */
export const OLDER_MARK = '└';

const NONE: TableCell = { text: '—', dim: true };

function firstFitting(forms: readonly string[], width: number): string {
  return forms.find((form) => textWidth(form) <= width) ?? forms[forms.length - 1] ?? '';
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part).join(' ');
}

/** The name a row goes by: its responder's, else its repository's or function's. */
export function rowName(row: LineageRow): string {
  return (
    row.responder?.name ??
    row.repo?.name ??
    row.remoteImage?.repo ??
    row.lambdaFunction?.name ??
    row.localImage?.name ??
    row.key
  );
}

/**
 * What a row stands for across refreshes: its responder (source and handler) when known. A
 * row's key follows its most downstream part, so it changes when the image is pushed or the
 * function created; the selection and a running operation stay with the responder.
 */
export function rowIdentity(row: LineageRow): string {
  return row.responder ? `responder:${row.responder.source}#${row.responder.handler}` : row.key;
}

/**
 * What an operation on a row runs under: an older chain's own key (deleting an old image
 * leaves its responder's row free), else the row's identity.
 */
export function operationKey(row: LineageRow, older?: ReadonlySet<LineageRow>): string {
  return older?.has(row) ? row.key : rowIdentity(row);
}

/** The rows as the table shows them: with `show`, each row followed by its older chains. */
export function withOlderChains(
  rows: readonly LineageRow[],
  show: boolean,
): { rows: readonly LineageRow[]; older: ReadonlySet<LineageRow> } {
  if (!show) return { rows, older: new Set() };
  const older = new Set<LineageRow>();
  const shown = rows.flatMap((row) => {
    for (const chain of row.older ?? []) older.add(chain);
    return [row, ...(row.older ?? [])];
  });
  return { rows: shown, older };
}

/** How many older chains the rows hold (shown or not). */
export function countOlder(rows: readonly LineageRow[]): number {
  return rows.reduce((sum, row) => sum + (row.older?.length ?? 0), 0);
}

export function lineageColumns(input: LineageColumnsInput): TableColumn<LineageRow>[] {
  const { theme, now, activity, lastInvoked } = input;
  const older = input.older ?? new Set<LineageRow>();
  const columns: TableColumn<LineageRow>[] = [
    {
      id: 'responder',
      title: 'RESPONDER',
      minWidth: 10,
      grow: 2,
      maxWidth: 36,
      cell: (row) => {
        const state = row.responder?.state ?? 'unknown';
        const sub = older.has(row);
        return {
          text: `${sub ? ` ${OLDER_MARK} ` : ''}${STATE_MARKS[state]} ${rowName(row)}`,
          color: state === 'unknown' ? theme.lineage.unknown : theme.lineage[state],
        };
      },
    },
    {
      id: 'local',
      title: 'LOCAL IMAGE',
      minWidth: 12,
      grow: 3,
      maxWidth: 42,
      cell: (row, width) => {
        const image = row.localImage;
        if (!image) return NONE;
        const id = shortHash(image.id);
        const age = formatAge(image.created, now);
        const size = formatBytes(image.size);
        return {
          text: firstFitting(
            [join(id, image.tag, age, size), join(id, age, size), join(id, age), id],
            width,
          ),
        };
      },
    },
    {
      id: 'remote',
      title: 'REMOTE IMAGE',
      minWidth: 12,
      grow: 2,
      maxWidth: 34,
      cell: (row, width) => {
        const image = row.remoteImage;
        if (!image) return row.repo ? { text: `${row.repo.name} (empty)`, dim: true } : NONE;
        const digest = shortHash(image.digest);
        const tags = image.tags.join(',');
        return {
          text: firstFitting(
            [join(digest, tags, formatAge(image.pushed, now)), join(digest, tags), digest],
            width,
          ),
        };
      },
    },
    {
      id: 'function',
      title: 'FUNCTION',
      minWidth: 12,
      grow: 3,
      maxWidth: 48,
      cell: (row, width) => {
        const fn = row.lambdaFunction;
        if (!fn) return NONE;
        const invoked = lastInvoked.get(fn.name);
        const state = fn.lastUpdateStatus === 'InProgress' ? 'Updating' : fn.state;
        const last = invoked ? `invoked ${formatAge(invoked, now)} ago` : undefined;
        // The mark outlasts the state and the last invocation on a narrow terminal.
        const mark = row.outdated ? OUTDATED_MARK : undefined;
        return {
          text: firstFitting(
            [
              join(fn.name, state, mark, last),
              join(fn.name, state, mark),
              join(fn.name, mark),
              join(fn.name, row.outdated ? '⚠' : undefined),
            ],
            width,
          ),
          color:
            fn.state === 'Failed' || fn.lastUpdateStatus === 'Failed'
              ? theme.status.error
              : state === 'Updating' || fn.state !== 'Active'
                ? theme.status.busy
                : row.outdated
                  ? theme.status.warning
                  : undefined,
        };
      },
    },
  ];
  if (activity.size > 0) {
    columns.push({
      id: 'activity',
      title: 'ACTIVITY',
      minWidth: 14,
      grow: 1,
      maxWidth: 28,
      cell: (row) => {
        const text = activity.get(operationKey(row, older));
        return text ? { text, color: theme.status.busy } : { text: '' };
      },
    });
  }
  if (older.size === 0) return columns;
  // Older chains are dim throughout: history under the row, not rows of their own.
  return columns.map((column) => ({
    ...column,
    cell: (row, width) => {
      const cell = column.cell(row, width);
      return older.has(row) ? { ...cell, dim: true } : cell;
    },
  }));
}

export type SortKey = 'responder' | 'local' | 'remote' | 'function';
export const SORT_KEYS: readonly SortKey[] = ['responder', 'local', 'remote', 'function'];

/** Rows in the chosen order: names alphabetically, images newest first (reversed on demand). */
export function sortRows(
  rows: readonly LineageRow[],
  key: SortKey,
  reverse: boolean,
): LineageRow[] {
  const time = (date: Date | undefined) => -(date?.getTime() ?? -Infinity);
  const compare: (a: LineageRow, b: LineageRow) => number = {
    responder: (a: LineageRow, b: LineageRow) => rowName(a).localeCompare(rowName(b)),
    local: (a: LineageRow, b: LineageRow) =>
      time(a.localImage?.created) - time(b.localImage?.created),
    remote: (a: LineageRow, b: LineageRow) =>
      time(a.remoteImage?.pushed) - time(b.remoteImage?.pushed),
    function: (a: LineageRow, b: LineageRow) =>
      (a.lambdaFunction?.name ?? '\uffff').localeCompare(b.lambdaFunction?.name ?? '\uffff'),
  }[key];
  const sorted = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const order = compare(a.row, b.row);
      // Equal rows keep their order; NaN (both missing) counts as equal.
      return (Number.isNaN(order) ? 0 : order) || a.index - b.index;
    })
    .map(({ row }) => row);
  return reverse ? sorted.reverse() : sorted;
}

/** Rows whose names, images or function match every word of the filter (case-insensitive). */
export function filterRows(rows: readonly LineageRow[], filter: string): readonly LineageRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const haystack = [
      rowName(row),
      row.responder?.source,
      row.responder?.state,
      row.localImage?.ref,
      shortHash(row.localImage?.id),
      row.remoteImage?.repo,
      shortHash(row.remoteImage?.digest),
      row.lambdaFunction?.name,
      row.lambdaFunction?.state,
    ]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
