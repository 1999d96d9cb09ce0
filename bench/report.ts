// Shared by the benchmarks: statistics and writing a section of docs/benchmarks.md, which
// keeps each benchmark's latest figures between markers so reruns replace them.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function writeBenchmarkSection(
  id: string,
  title: string,
  body: string,
): Promise<void> {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const section = `${start}\n## ${title}\n\n${body}\n${end}`;
  let doc: string;
  try {
    doc = await readFile(file, 'utf8');
  } catch {
    doc =
      '# Benchmarks\n\nFigures from `npm run bench` on the project machine (2 cores). Each benchmark compares against a peer in the same run.\n';
  }
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc =
    from >= 0 && to > from
      ? doc.slice(0, from) + section + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  await writeFile(file, doc);
}
