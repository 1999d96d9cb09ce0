// Short forms for the table's cells: ages, sizes, ids and digests as people scan them.

export {
  formatAge,
  formatBytesCompact as formatBytes,
  shortId as shortHash,
} from '../core/internal.js';

/** `1.2 ms`, `340 ms`, `2.4 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `HH:MM:SS` in local time, for the header and the command log. */
export function formatClock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}
