// Short forms people scan, shared by the command line and the terminal app: sizes in decimal
// units and ids in 12 hex digits, as Docker shows them.

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
