// Segment lengths → terminal cells. Rounding each length on its own would lose or gain cells
// (the bar would not end at the edge) and would hide short segments (a 0.3 ms runtime
// overhead next to an 800 ms init); so every segment that took any time gets at least one
// cell and the cells add up to the width exactly, the rest shared out by largest remainder.

/**
 * Cells for each length, in order. The result sums to `cells` exactly whenever some length
 * is positive; zero, negative and non-finite lengths get 0 cells. When there are more
 * non-zero lengths than cells, the longest ones get one cell each (the earliest on ties).
 */
export function scaleToCells(lengths: readonly number[], cells: number): number[] {
  const width = Math.max(0, Math.floor(cells));
  const sizes = lengths.map((length) => (Number.isFinite(length) && length > 0 ? length : 0));
  const out = sizes.map(() => 0);
  const shown = sizes.flatMap((size, i) => (size > 0 ? [i] : []));
  if (width === 0 || shown.length === 0) return out;
  if (shown.length >= width) {
    const longest = [...shown].sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
    for (const i of longest.slice(0, width)) out[i] = 1;
    return out;
  }
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const ideal = sizes.map((size) => (size / total) * width);
  for (const i of shown) out[i] = Math.max(1, Math.floor(ideal[i] as number));
  let used = out.reduce((sum, n) => sum + n, 0);
  // Too many cells (the minimum of one pushed some up): take from the most over-served.
  while (used > width) {
    const i = pick(
      shown.filter((j) => (out[j] as number) > 1),
      (j) => (out[j] as number) - (ideal[j] as number),
    );
    out[i] = (out[i] as number) - 1;
    used--;
  }
  // Too few: give to the most under-served.
  while (used < width) {
    const i = pick(shown, (j) => (ideal[j] as number) - (out[j] as number));
    out[i] = (out[i] as number) + 1;
    used++;
  }
  return out;
}

/** Where each segment starts, in cells, given the cells of each (running sum). */
export function cellOffsets(widths: readonly number[]): number[] {
  let at = 0;
  return widths.map((width) => {
    const start = at;
    at += width;
    return start;
  });
}

/** The index with the highest score; the earliest on ties. */
function pick(indices: readonly number[], score: (i: number) => number): number {
  let best = indices[0] as number;
  for (const i of indices) if (score(i) > score(best)) best = i;
  return best;
}
