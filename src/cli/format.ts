// Plain-text formatting for the command line: sizes, ages, durations and tables that line up.

export { formatAge, formatBytes, formatSeconds, shortId } from '../core/internal.js';

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
