// Plain-text formatting for the command line: sizes, ages, durations and tables that line up.

export { formatBytes, shortId } from '../core/format.js';

/** How long ago, in the largest whole unit: "12s", "5m", "3h", "2d". */
export function formatAge(date: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** 0.1234 → "123 ms"; 4.5 → "4.50 s". */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/**
 * Rows under a header, each column as wide as its widest cell, two spaces apart. With `width`,
 * the last column is cut to fit (with "…").
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width?: number,
): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  return all.map((row) => {
    const line = row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
    return width && line.length > width ? `${line.slice(0, Math.max(1, width - 1))}…` : line;
  });
}

/** JSON as the command line prints it: two-space indented. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}
