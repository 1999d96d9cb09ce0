// Searching the raw log lines, as `less` and vim do it: smart case (a query with a capital
// letter matches case, else it ignores it), n and N step through the matching lines and wrap.

function matcher(query: string): (text: string) => string {
  const sensitive = query !== query.toLowerCase();
  return sensitive ? (text) => text : (text) => text.toLowerCase();
}

/** Indexes of the lines holding the query; none for an empty query. */
export function findMatches(lines: readonly string[], query: string): number[] {
  if (query === '') return [];
  const fold = matcher(query);
  const needle = fold(query);
  return lines.flatMap((line, i) => (fold(line).includes(needle) ? [i] : []));
}

/**
 * The matching line to go to from `line`: the first at or after it (forward) or the last
 * before it (backward), wrapping around; undefined when nothing matches.
 */
export function stepMatch(
  matches: readonly number[],
  line: number,
  direction: 'forward' | 'backward',
): number | undefined {
  if (matches.length === 0) return undefined;
  if (direction === 'forward') return matches.find((m) => m >= line) ?? matches[0];
  return matches.findLast((m) => m < line) ?? matches[matches.length - 1];
}

/** Where the query occurs in a line, as [start, end) ranges, not overlapping. */
export function matchRanges(text: string, query: string): [number, number][] {
  if (query === '') return [];
  const fold = matcher(query);
  const haystack = fold(text);
  const needle = fold(query);
  const ranges: [number, number][] = [];
  for (
    let at = haystack.indexOf(needle);
    at >= 0;
    at = haystack.indexOf(needle, at + needle.length)
  ) {
    ranges.push([at, at + needle.length]);
  }
  return ranges;
}
