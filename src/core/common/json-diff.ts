// A line diff of two JSON values, as people read test failures: pretty-printed, lines both
// share kept once, what the expected value has marked "-", what the actual one has "+".

/** Cells of the longest-common-subsequence table beyond which a plain line-by-line pairing is used. */
const MAX_DIFF_CELLS = 4_000_000;

/**
 * A line diff of two pretty-printed JSON texts: lines both share are kept once, so a key the
 * answer adds shows as one added line. Lines compare without their trailing comma, which
 * only says whether another key follows.
 */
function diffLines(want: readonly string[], got: readonly string[]): string[] {
  const key = (line: string) => line.replace(/,$/, '');
  const n = want.length;
  const m = got.length;
  const lines: string[] = [];
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS) {
    for (let i = 0; i < Math.max(n, m); i++) {
      if (want[i] === got[i]) lines.push(`  ${got[i]}`);
      else {
        if (want[i] !== undefined) lines.push(`- ${want[i]}`);
        if (got[i] !== undefined) lines.push(`+ ${got[i]}`);
      }
    }
    return lines;
  }
  // common[i * (m + 1) + j]: length of the longest common subsequence of want[i..] and got[j..].
  const common = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => common[i * (m + 1) + j]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i * (m + 1) + j] =
        key(want[i]!) === key(got[j]!)
          ? at(i + 1, j + 1) + 1
          : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(want[i]!) === key(got[j]!)) {
      lines.push(`  ${got[j]}`);
      i++;
      j++;
    } else if (j >= m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
      lines.push(`- ${want[i++]}`);
    } else {
      lines.push(`+ ${got[j++]}`);
    }
  }
  return lines;
}
/** The line diff of two JSON values, pretty-printed (`  ` shared, `- ` expected, `+ ` actual). */
export function diffJson(expected: unknown, actual: unknown): string[] {
  const want = (JSON.stringify(expected, null, 2) ?? 'undefined').split('\n');
  const got = (JSON.stringify(actual, null, 2) ?? 'undefined').split('\n');
  return diffLines(want, got);
}
