// Short forms people scan, shared by the command line and the terminal app: sizes in decimal
// units, ids in 12 hex digits as Docker shows them, and ages.

/** 1234567 → "1.2 MB": one decimal below 100. */
export function formatBytes(bytes: number): string {
  const { value, unit } = scale(bytes);
  if (!unit) return `${bytes} B`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}

/** 1234567 → "1.2MB", for narrow cells: one decimal below 10, no space. */
export function formatBytesCompact(bytes: number): string {
  const { value, unit } = scale(bytes);
  if (!unit) return `${bytes}B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${unit}`;
}

/** The first 12 hex digits of an image id or digest, without `sha256:` ("" for none). */
export function shortId(idOrDigest: string | undefined): string {
  return (idOrDigest ?? '').replace(/^sha256:/, '').slice(0, 12);
}

/**
 * How long ago, in the largest whole unit: "12s", "5m", "3h", "9d", "3w" ("" for no date).
 * Days up to two weeks, since "1w" would hide whether it was 7 days or 13.
 */
export function formatAge(date: Date | undefined, now: Date = new Date()): string {
  if (!date) return '';
  const seconds = Math.max(0, Math.floor((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 14 * 86_400) return `${Math.floor(seconds / 86_400)}d`;
  return `${Math.floor(seconds / (7 * 86_400))}w`;
}

function scale(bytes: number): { value: number; unit: string | undefined } {
  if (bytes < 1000) return { value: bytes, unit: undefined };
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return { value, unit: units[index] };
}

/** 0.1234 → "123 ms"; 4.5 → "4.50 s". */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}
