// The trimmed source map: every position in the owner's code maps where the whole map mapped
// it, every position in a package maps nowhere (never to the owner's code before it), and the
// VLQ digits are the format's.
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeVlq,
  encodeVlq,
  isPackageSource,
  type RawSourceMap,
  trimSourceMap,
} from '../../../src/core/build/source-map-trim.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

/** A bundle whose code goes: the owner's module, a package, the owner's entry. */
async function bundleWithPackageBetween(): Promise<{ map: RawSourceMap; code: string }> {
  const root = writeTree(makeTempDir(), {
    'fn.ts': [
      "import { total } from './lib/total.js';",
      "import { pad } from 'pad-package';",
      'export const handler = (items: number[]) => pad(String(total(items)));',
      '',
    ].join('\n'),
    'lib/total.ts': [
      'export function total(items: number[]): number {',
      '  let sum = 0;',
      '  for (const item of items) sum += item;',
      '  return sum;',
      '}',
      '',
    ].join('\n'),
    'node_modules/pad-package/package.json': { name: 'pad-package', main: 'index.mjs' },
    'node_modules/pad-package/index.mjs': [
      'export function pad(text) {',
      '  const width = 8;',
      "  return text.padStart(width, ' ');",
      '}',
      '',
    ].join('\n'),
  });
  const result = await esbuild.build({
    entryPoints: ['fn.ts'],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: 'out/index.js',
    sourcemap: 'external',
    sourcesContent: false,
    write: false,
  });
  const file = (suffix: string) => result.outputFiles.find((f) => f.path.endsWith(suffix))!.text;
  return { map: JSON.parse(file('.js.map')) as RawSourceMap, code: file('.js') };
}

describe('trimSourceMap', () => {
  it("keeps the owner's mappings as they were and maps package code to nothing", async () => {
    const { map, code } = await bundleWithPackageBetween();
    expect([...map.sources!].sort()).toEqual([
      '../fn.ts',
      '../lib/total.ts',
      '../node_modules/pad-package/index.mjs',
    ]);
    const trimmed = trimSourceMap(map);
    expect([...trimmed.sources!].sort()).toEqual(['../fn.ts', '../lib/total.ts']);
    expect(trimmed.mappings!.length).toBeLessThan(map.mappings!.length);

    const whole = new SourceMap(map as unknown as SourceMapPayload);
    const cut = new SourceMap(trimmed as unknown as SourceMapPayload);
    let own = 0;
    let inPackage = 0;
    let firstOwnRow: number | undefined;
    let lastPackageRow = -1;
    code.split('\n').forEach((line, row) => {
      for (let column = 0; column < line.length; column++) {
        const before = whole.findEntry(row, column) as Partial<{
          originalSource: string;
          originalLine: number;
          originalColumn: number;
          name: string;
        }>;
        const after = cut.findEntry(row, column) as typeof before;
        if (before.originalSource === undefined) continue;
        if (isPackageSource(before.originalSource)) {
          inPackage++;
          lastPackageRow = row;
          expect(after.originalSource, `${row}:${column}`).toBeUndefined();
        } else {
          own++;
          firstOwnRow ??= row;
          expect(after, `${row}:${column}`).toEqual(before);
        }
      }
    });
    expect(own).toBeGreaterThan(50);
    expect(inPackage).toBeGreaterThan(20);
    // The package's code comes after some of the owner's: "nearest mapping before" would be wrong.
    expect(lastPackageRow).toBeGreaterThan(firstOwnRow!);
  });

  it('returns a map without package sources as it is', () => {
    const map = { version: 3, sources: ['fn.ts'], names: [], mappings: 'AAAA;AACA' };
    expect(trimSourceMap(map)).toBe(map);
  });

  it('drops sourcesContent with the sources it belongs to', () => {
    const map = {
      version: 3,
      sources: ['node_modules/p/index.js', 'fn.ts'],
      sourcesContent: ['package code', 'own code'],
      names: [],
      mappings: 'AAAA,CCAA',
    };
    const trimmed = trimSourceMap(map);
    expect(trimmed.sources).toEqual(['fn.ts']);
    expect(trimmed.sourcesContent).toEqual(['own code']);
    // An unmapped column 0, then column 1 at fn.ts:1:1 (index 0 now).
    expect(trimmed.mappings).toBe('A,CAAA');
  });
});

describe('base64 VLQ', () => {
  it('reads and writes the digits of the source map format', () => {
    expect(decodeVlq('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlq('CADE')).toEqual([1, 0, -1, 2]);
    expect(decodeVlq('gB')).toEqual([16]);
    expect(encodeVlq(16)).toBe('gB');
    expect(encodeVlq(-1)).toBe('D');
    for (const value of [0, 1, -1, 15, 16, -16, 1023, -1024, 123_456, -(2 ** 30)]) {
      expect(decodeVlq(encodeVlq(value))).toEqual([value]);
    }
  });

  it('refuses a character that is no digit', () => {
    expect(() => decodeVlq('A!')).toThrow('"!" is not a source map digit');
  });
});

describe('isPackageSource', () => {
  it('is a path through node_modules, hoisted or not', () => {
    expect(isPackageSource('node_modules/zod/index.js')).toBe(true);
    expect(isPackageSource('../../node_modules/@scope/p/a.js')).toBe(true);
    expect(isPackageSource('src/node_modules_helper.ts')).toBe(false);
    expect(isPackageSource('handler.ts')).toBe(false);
  });
});
