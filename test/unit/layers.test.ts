// Who may import whom (../shared/DESIGN.md, "Layers"), checked on every source file: a rule
// that only lives in a document drifts the first time it is inconvenient.
import { readdirSync, readFileSync } from 'node:fs';
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
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
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
