// Who may import whom (../shared/DESIGN.md, "Layers"), checked on every source file: a rule
// that only lives in a document drifts the first time it is inconvenient.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

type Layer = 'runtime' | 'aws-rules' | 'core' | 'localcloud' | 'tui' | 'cli';

const FOLDERS: Record<Layer, string> = {
  runtime: 'runtime',
  'aws-rules': 'src/aws-rules',
  core: 'src/core',
  localcloud: 'src/localcloud',
  tui: 'src/tui',
  cli: 'src/cli',
};

/** The other layers each one may import. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  runtime: [],
  'aws-rules': [],
  // The local cloud runs the runtime's Runtime API server; the library starts a local cloud
  // when no AWS is configured, and types its event templates by the runtime's classifier.
  localcloud: ['runtime', 'aws-rules'],
  core: ['runtime', 'aws-rules', 'localcloud'],
  tui: ['core'],
  cli: ['core', 'tui'],
};

/** Packages a layer must never import (beyond "only Node's built-ins" for the runtime). */
const NEVER: Partial<Record<Layer, RegExp>> = {
  'aws-rules': /^(?!node:)/,
  runtime: /^(?!node:)/,
  core: /^(ink|react|@alcalzone\/ink-table)(\/|$)/,
  localcloud: /^(ink|react|@aws-sdk\/)/,
  tui: /^(dockerode|@aws-sdk\/)/,
  cli: /^(dockerode|@aws-sdk\/|ink|react)(\/|$)/,
};

/**
 * The core's rooms, lowest first: a room may import only the rooms before it (index.ts, the
 * public entry at the top, may import them all). A room holds one stage of the work.
 */
const ROOMS = [
  'common',
  'aws',
  'logs',
  'responder',
  'build',
  'images',
  'ecr',
  'lambda',
  'lineage',
  'project',
  'workflows',
] as const;

function roomOf(file: string): string | undefined {
  const relative = path.relative(path.join(repoRoot, FOLDERS.core), file);
  if (relative.startsWith('..')) return undefined;
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '(entry)';
}

/** The files a relative import names, as they are on disk (`./x.js` is ./x.ts or ./x.tsx). */
function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier).replace(/\.(m|c)?js$/, '');
  return ['.ts', '.tsx', '.mts', '/index.ts'].map((ext) => base + ext).find(existsSync);
}

/** Every import cycle among the files (Tarjan's strongly connected components). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, order.get(next)!));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) cycles.push(component);
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return cycles;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|cts)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function layerOf(file: string): Layer | undefined {
  const relative = path.relative(repoRoot, file);
  return (Object.keys(FOLDERS) as Layer[]).find(
    (layer) => relative === FOLDERS[layer] || relative.startsWith(`${FOLDERS[layer]}/`),
  );
}

/** Every module a file names (import, export … from, import(), require()), from its syntax tree. */
function importsOf(source: string): string[] {
  const tree = ts.createSourceFile(
    'file.tsx',
    source,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TSX,
  );
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** A file's imports, parsed once: each rule below reads every file. */
const importsByFile = new Map<string, string[]>();
function importsOfFile(file: string): string[] {
  let found = importsByFile.get(file);
  if (!found) {
    found = importsOf(readFileSync(file, 'utf8'));
    importsByFile.set(file, found);
  }
  return found;
}

describe('layers', () => {
  const files = (Object.keys(FOLDERS) as Layer[]).flatMap((layer) =>
    sourceFiles(path.join(repoRoot, FOLDERS[layer])).map((file) => ({ file, layer })),
  );

  it('finds the sources of every layer', () => {
    for (const layer of Object.keys(FOLDERS) as Layer[]) {
      expect(files.filter((f) => f.layer === layer).length, layer).toBeGreaterThan(0);
    }
  });

  it('each file imports only from its own layer, the layers it may use, and allowed packages', () => {
    const broken: string[] = [];
    for (const { file, layer } of files) {
      for (const specifier of importsOfFile(file)) {
        const where = `${path.relative(repoRoot, file)} imports ${specifier}`;
        if (specifier.startsWith('.')) {
          const target = layerOf(path.resolve(path.dirname(file), specifier));
          if (target === undefined) broken.push(`${where}: outside every layer`);
          else if (target !== layer && !MAY_IMPORT[layer].includes(target))
            broken.push(`${where}: ${layer} may not import ${target}`);
        } else if (NEVER[layer]?.test(specifier)) {
          broken.push(`${where}: not a package ${layer} may use`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the command line and the app reach the core only through its entries', () => {
    // index.ts is the public library; internal.ts adds the few parts only they use.
    const entries = ['index.ts', 'internal.ts'].map((name) =>
      path.join(repoRoot, FOLDERS.core, name),
    );
    const broken: string[] = [];
    for (const { file } of files.filter((f) => f.layer === 'cli' || f.layer === 'tui')) {
      for (const specifier of importsOfFile(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolveLocal(file, specifier);
        if (target && layerOf(target) === 'core' && !entries.includes(target))
          broken.push(
            `${path.relative(repoRoot, file)} imports ${specifier}: use core/internal.js`,
          );
      }
    }
    expect(broken).toEqual([]);
  });

  it('no core module is imported only for its side effects', () => {
    // scripts/core-entry-imports.mjs points bundled imports of the entries at the modules that
    // define each name, which is sound only while modules do nothing when merely loaded.
    const broken: string[] = [];
    for (const { file } of files.filter((f) => f.layer === 'core')) {
      const source = readFileSync(file, 'utf8');
      if (/^import\s+['"]/m.test(source))
        broken.push(`${path.relative(repoRoot, file)}: a bare import`);
    }
    expect(broken).toEqual([]);
  });

  it("the core's rooms import only the rooms below them", () => {
    const broken: string[] = [];
    for (const { file } of files.filter((f) => f.layer === 'core')) {
      const room = roomOf(file)!;
      expect([...ROOMS, '(entry)'], path.relative(repoRoot, file)).toContain(room);
      if (room === '(entry)') continue;
      for (const specifier of importsOfFile(file)) {
        const target = specifier.startsWith('.') ? resolveLocal(file, specifier) : undefined;
        const other = target && roomOf(target);
        if (!other || other === room) continue;
        const below = ROOMS.indexOf(other as (typeof ROOMS)[number]) < ROOMS.indexOf(room as never);
        if (!below)
          broken.push(
            `${path.relative(repoRoot, file)} imports ${specifier}: ${room} may not import ${other}`,
          );
      }
    }
    expect(broken).toEqual([]);
  });

  it('no file imports itself through others, type-only imports included', () => {
    const graph = new Map(
      files.map(({ file }) => [
        file,
        importsOfFile(file)
          .filter((specifier) => specifier.startsWith('.'))
          .flatMap((specifier) => resolveLocal(file, specifier) ?? []),
      ]),
    );
    const cycles = importCycles(graph).map((cycle) =>
      cycle.map((file) => path.relative(repoRoot, file)).join(' → '),
    );
    expect(cycles).toEqual([]);
  });

  it('the cycle finder finds a cycle and its members', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(importCycles(graph).map((cycle) => [...cycle].sort())).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('the import scanner sees each form of import', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export * as all from './all.js';",
      "import './side-effect.js';",
      "const d = await import('../d.js');",
      'import {',
      "  e, // the 'e' one",
      "} from 'e-package';",
      "const f = require('f-package'); import g from './g.js';",
      "// read from 'not-an-import'",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './all.js',
      './side-effect.js',
      '../d.js',
      'e-package',
      'f-package',
      './g.js',
    ]);
  });
});
