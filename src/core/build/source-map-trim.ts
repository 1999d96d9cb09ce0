// A source map cut down to the code its owner wrote. Node reads and parses a bundle's whole map
// at every cold start when source maps are on, and decodes every mapping at the first stack
// trace: for a 3 MB bundle of express and fastify that was 40 ms more per cold start and 300 ms
// at the first error. Mappings into node_modules are what makes a map large, and the frames a
// function's owner reads are their own, so those mappings go. Where a dropped run starts, an
// unmapped segment (a generated column alone) stays, so that a frame inside a package shows
// the bundle's line rather than the nearest line of the owner's code before it.

export interface RawSourceMap {
  version?: number;
  sources?: string[];
  sourcesContent?: (string | null)[];
  names?: string[];
  mappings?: string;
  [field: string]: unknown;
}

/** A path of installed code: `node_modules/` at its start or after a slash. */
export function isPackageSource(source: string): boolean {
  return /(^|\/)node_modules\//.test(source);
}

/** The map with only the mappings into sources `keep` accepts (and only those sources). */
export function trimSourceMap(
  map: RawSourceMap,
  keep: (source: string) => boolean = (source) => !isPackageSource(source),
): RawSourceMap {
  const sources = map.sources ?? [];
  const kept = new Map<number, number>();
  sources.forEach((source, index) => {
    if (keep(source)) kept.set(index, kept.size);
  });
  if (kept.size === sources.length) return map;

  const names = new Map<number, number>();
  const out: string[] = [];
  // Absolute values, carried from segment to segment as the format's deltas require, for what
  // is read and for what is written.
  const read = [0, 0, 0, 0, 0];
  const written = [0, 0, 0, 0, 0];
  let segments: string[] = [];
  const write = (fields: readonly number[]) => {
    let text = '';
    fields.forEach((value, index) => {
      text += encodeVlq(value - written[index]!);
      written[index] = value;
    });
    segments.push(text);
  };
  // A dropped run may go on over many lines: one unmapped segment at its start covers it all.
  let dropping = false;
  for (const line of (map.mappings ?? '').split(';')) {
    read[0] = 0;
    written[0] = 0; // the generated column starts again on each line; the rest carry on
    segments = [];
    for (const segment of line ? line.split(',') : []) {
      const fields = decodeVlq(segment);
      fields.forEach((delta, index) => {
        read[index] = read[index]! + delta;
      });
      const generated = read[0]!;
      const to = fields.length >= 4 ? kept.get(read[1]!) : undefined;
      if (fields.length < 4) {
        write([generated]);
        dropping = false;
      } else if (to === undefined) {
        if (!dropping) write([generated]);
        dropping = true;
      } else {
        dropping = false;
        if (fields.length < 5) write([generated, to, read[2]!, read[3]!]);
        else {
          if (!names.has(read[4]!)) names.set(read[4]!, names.size);
          write([generated, to, read[2]!, read[3]!, names.get(read[4]!)!]);
        }
      }
    }
    out.push(segments.join(','));
  }

  const trimmed: RawSourceMap = {
    ...map,
    sources: sources.filter((_, index) => kept.has(index)),
    names: [...names.keys()].map((index) => map.names?.[index] ?? ''),
    mappings: out.join(';'),
  };
  if (map.sourcesContent) {
    trimmed.sourcesContent = map.sourcesContent.filter((_, index) => kept.has(index));
  }
  return trimmed;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = new Map([...BASE64].map((char, index) => [char, index]));

/** A segment's fields: base64 VLQ, five bits a digit, the sign in the lowest bit. */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGITS.get(char);
    if (digit === undefined) throw new Error(`"${char}" is not a source map digit`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

export function encodeVlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = '';
  do {
    let digit = rest % 32;
    rest = Math.floor(rest / 32);
    if (rest > 0) digit += 32;
    text += BASE64[digit];
  } while (rest > 0);
  return text;
}
