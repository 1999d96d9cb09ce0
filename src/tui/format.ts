// Short forms for the table's cells: ages, sizes, ids and digests as people scan them.

export { formatBytesCompact as formatBytes, shortId as shortHash } from '../core/format.js';

/** `42s`, `5m`, `3h`, `2d`, `7w`: the age of something at `now`. */
export function formatAge(date: Date | undefined, now: Date): string {
  if (!date) return '';
  const seconds = Math.max(0, Math.floor((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)}d`;
  return `${Math.floor(seconds / (7 * 86_400))}w`;
}

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
