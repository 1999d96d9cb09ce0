// Short forms for the table's cells: ages, sizes, ids and digests as people scan them.

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

/** `812B`, `4.2kB`, `85MB`, `1.3GB` (decimal units, as Docker shows image sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

/** The first 12 hex digits of an image id or digest (`sha256:` dropped), as Docker shows them. */
export function shortHash(idOrDigest: string | undefined): string {
  if (!idOrDigest) return '';
  const hex = idOrDigest.startsWith('sha256:') ? idOrDigest.slice(7) : idOrDigest;
  return hex.slice(0, 12);
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
