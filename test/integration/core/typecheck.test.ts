// The type check of TypeScript responders, with the real TypeScript compiler in its worker: a
// program over @types/node per check, seconds each, so it runs with the integration tests.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typecheckResponder } from '../../../src/core/build/typecheck.js';
import { isLambdashError, type LambdashError } from '../../../src/core/common/errors.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

let cacheHome: string;
beforeAll(() => {
  // Results are cached under $XDG_CACHE_HOME/lambdash/typecheck: this test's own folder.
  cacheHome = makeTempDir('lambdash-cache-');
  process.env.XDG_CACHE_HOME = cacheHome;
});
afterAll(removeTempDirs);

async function check(dir: string, entry: string): Promise<LambdashError | undefined> {
  const responder = await getResponder(path.join(dir, entry));
  const error = await typecheckResponder(responder).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error !== undefined && !isLambdashError(error)) throw error;
  return error;
}

const MATH = 'export const add = (a: number, b: number): number => a + b;\n';

describe('typecheckResponder', () => {
  it('reports a type error in the entry with its file, line and column', async () => {
    const dir = writeTree(makeTempDir(), {
      'handler.ts':
        "export const handler = async () => {\n  const x: number = 'a';\n  return x;\n};\n",
    });
    const error = await check(dir, 'handler.ts');
    expect(error?.code).toBe('TYPECHECK_FAILED');
    expect(error?.message).toBe(
      `Type errors in ${path.join(dir, 'handler.ts')}:\nhandler.ts:2:9: Type 'string' is not assignable to type 'number'.`,
    );
    expect(error?.hint).toBe(
      'Fix the types at the places shown, or skip the check: `--no-typecheck` (lambdash build, deploy), or "typecheck": false on the responder in lambdash.json.',
    );
  });

  it('checks a call against the types of a local file the entry imports', async () => {
    const dir = writeTree(makeTempDir(), {
      'lib/math.ts': MATH,
      'handler.ts':
        "import { add } from './lib/math.js';\nexport const handler = async () => add(1, 'two');\n",
    });
    const error = await check(dir, 'handler.ts');
    expect(error?.message.split('\n').slice(1)).toEqual([
      "handler.ts:2:43: Argument of type 'string' is not assignable to parameter of type 'number'.",
    ]);
  });

  it('reports errors inside the imported file by its own path', async () => {
    const dir = writeTree(makeTempDir(), {
      'lib/math.ts': `${MATH}export const wrong: string = add(1, 2);\n`,
      'handler.ts':
        "import { add } from './lib/math';\nexport const handler = async () => add(1, 2);\n",
    });
    const error = await check(dir, 'handler.ts');
    expect(error?.message.split('\n').slice(1)).toEqual([
      "lib/math.ts:2:14: Type 'number' is not assignable to type 'string'.",
    ]);
  });

  it('passes correct code using Node, extension-less, .js and .ts imports and untyped packages', async () => {
    const dir = writeTree(makeTempDir(), {
      'math.ts': MATH,
      'more.ts': "export { add as plus } from './math.ts';\n",
      'handler.ts': [
        "import type { Handler } from 'aws-lambda';",
        "import { add } from './math';",
        "import { plus } from './more.js';",
        "import { readFileSync } from 'node:fs';",
        'export const handler: Handler = async () =>',
        "  add(plus(1, 2), Number(process.env.N ?? readFileSync('/dev/null', 'utf8').length));",
        '',
      ].join('\n'),
    });
    expect(await check(dir, 'handler.ts')).toBeUndefined();
  });

  it('is strict without a tsconfig, and follows the package tsconfig.json when there is one', async () => {
    const code = 'export function handler(event) {\n  return event;\n}\n';
    const strict = await check(writeTree(makeTempDir(), { 'handler.ts': code }), 'handler.ts');
    expect(strict?.message.split('\n').slice(1)).toEqual([
      "handler.ts:1:25: Parameter 'event' implicitly has an 'any' type.",
    ]);
    const loose = writeTree(makeTempDir(), {
      'package.json': { name: 'loose', main: 'handler.ts' },
      'tsconfig.json': { compilerOptions: { strict: false, composite: true, outDir: 'out' } },
      'handler.ts': code,
    });
    expect(await check(loose, '')).toBeUndefined();
  });

  it('shows the first eight errors and counts the rest', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `export const v${i}: number = '${i}';`);
    const dir = writeTree(makeTempDir(), {
      'handler.ts': `${lines.join('\n')}\nexport const handler = async () => 1;\n`,
    });
    const shown = (await check(dir, 'handler.ts'))?.message.split('\n').slice(1);
    expect(shown).toHaveLength(9);
    expect(shown?.[7]).toBe("handler.ts:8:14: Type 'string' is not assignable to type 'number'.");
    expect(shown?.[8]).toBe('...and 2 more');
  });

  it('keeps each result by responder, and checks again when a file it read changes', async () => {
    const dir = writeTree(makeTempDir(), {
      'globals.d.ts': 'declare const LIMIT: number;\n',
      'handler.ts':
        '/// <reference path="./globals.d.ts" />\nexport const handler = async () => LIMIT + 1;\n',
    });
    expect(await check(dir, 'handler.ts')).toBeUndefined();
    const cacheDir = path.join(cacheHome, 'lambdash', 'typecheck');
    const [cached] = readdirSync(cacheDir).filter((f) =>
      readFileSync(path.join(cacheDir, f), 'utf8').includes(path.join(dir, 'globals.d.ts')),
    );
    if (!cached) throw new Error('no cached result names globals.d.ts');
    // A result planted in the cache is what the next check reports: nothing was checked again.
    const planted = JSON.parse(readFileSync(path.join(cacheDir, cached), 'utf8')) as {
      diagnostics: unknown[];
    };
    planted.diagnostics = [
      { file: path.join(dir, 'handler.ts'), line: 9, column: 9, code: 1, message: 'planted' },
    ];
    writeFileSync(path.join(cacheDir, cached), JSON.stringify(planted));
    expect((await check(dir, 'handler.ts'))?.message).toContain('handler.ts:9:9: planted');
    // The ambient file is no part of the responder's hash, but the result depends on it.
    writeFileSync(path.join(dir, 'globals.d.ts'), 'declare const LIMIT: { n: number };\n');
    expect((await check(dir, 'handler.ts'))?.message).toBe(
      `Type errors in ${path.join(dir, 'handler.ts')}:\nhandler.ts:2:36: Operator '+' cannot be applied to types '{ n: number; }' and 'number'.`,
    );
  });
});
