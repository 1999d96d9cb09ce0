// Which files and packages a responder's entry uses, and what it exports. esbuild reads the
// code; nothing of the user's runs.
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import {
  bundleError,
  NESTED_RESOLVE,
  packageDirOf,
  packageName,
  tsconfigOptions,
} from './esbuild-config.js';
import { relativePath } from './hash.js';
import { packageVersion } from './package-json.js';
import type { Responder } from './types.js';

export interface Analysis {
  /** Local files the entry imports (the entry among them). */
  readonly sources: string[];
  /** `name@version` of each npm package imported, `name@` when it is not installed. */
  readonly packages: string[];
  /** Folders whose node_modules the packages came from: their lockfiles decide the rest. */
  readonly projectDirs: string[];
  /** The entry's exports; undefined for CommonJS, whose exports only running it would tell. */
  readonly exports: string[] | undefined;
}

export async function analyzeEntry(
  located: Pick<Responder, 'kind' | 'source' | 'root' | 'entry'>,
): Promise<Analysis> {
  const { kind, root, entry } = located;
  const packages = new Set<string>();
  const projectDirs = new Set<string>();
  const plugin: esbuild.Plugin = {
    name: 'lambdash-analyze',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, async (args) => {
        if (args.pluginData === NESTED_RESOLVE) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: NESTED_RESOLVE,
        });
        if (resolved.errors.length > 0 || !resolved.path) {
          packages.add(`${name}@`);
          return { path: args.path, external: true };
        }
        const dir = packageDirOf(resolved.path, name);
        // A linked package (a workspace sibling) is bundled like local code: hash its files.
        if (!dir) return undefined;
        packages.add(`${name}@${await packageVersion(dir)}`);
        projectDirs.add(projectDirOf(dir, name));
        return { path: args.path, external: true };
      });
    },
  };
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'esnext',
      outfile: path.join(root, '__lambdash_analysis__.mjs'),
      logLevel: 'silent',
      plugins: [plugin],
      ...tsconfigOptions(kind, root),
    });
  } catch (error) {
    throw bundleError(error, `Could not read ${describeEntry(located)}`);
  }
  const { inputs, outputs } = result.metafile;
  const sources: string[] = [];
  for (const key of Object.keys(inputs)) {
    const file = path.resolve(root, key);
    if (!existsSync(file)) continue; // virtual modules
    const segments = file.split(path.sep);
    const modules = segments.lastIndexOf('node_modules');
    if (modules >= 0) {
      // Reached through a relative path: the package's version stands for its files.
      const scoped = segments[modules + 1]?.startsWith('@');
      const name = segments.slice(modules + 1, modules + (scoped ? 3 : 2)).join('/');
      const dir = segments.slice(0, modules + (scoped ? 3 : 2)).join(path.sep);
      packages.add(`${name}@${await packageVersion(dir)}`);
      projectDirs.add(projectDirOf(dir, name));
    } else {
      sources.push(file);
    }
  }
  const entryKey = relativePath(root, entry);
  const output = Object.values(outputs).find((o) => o.entryPoint === entryKey);
  const exports = inputs[entryKey]?.format === 'cjs' ? undefined : (output?.exports ?? []);
  return { sources, packages: [...packages], projectDirs: [...projectDirs], exports };
}

export function checkHandler(
  root: string,
  entry: string,
  handler: string,
  exports: string[] | undefined,
): void {
  if (exports === undefined) return;
  const first = handler.split('.')[0]!;
  if (exports.includes(first)) return;
  // Every part is the user's (a path, a handler, export names, which may be any string), and
  // no part has a line of its own: escaped whole.
  const shown = (text: string) => escapeControlCharacters(text);
  const file = relativePath(root, entry);
  const real = exports.filter((name) => name !== 'default');
  if (exports.length === 0) {
    throw new LambdashError(
      'HANDLER_NOT_FOUND',
      shown(`${file} exports nothing, so it has no "${first}" to call.`),
      shown(`Export the function: export const ${first} = async (event) => { ... }`),
    );
  }
  throw new LambdashError(
    'HANDLER_NOT_FOUND',
    shown(`${file} does not export "${first}". Its exports: ${exports.join(', ')}.`),
    shown(
      real.length > 0
        ? `Choose one of its exports as the handler (for example handler: '${real[0]}'), or export a function named "${first}".`
        : `Export the function by name: export const ${first} = async (event) => { ... }`,
    ),
  );
}

/** The entry as people know it: "handler.ts in <git URL>", or its path from here. */
export function describeEntry(
  responder: Pick<Responder, 'kind' | 'source' | 'root' | 'entry'>,
): string {
  if (responder.kind === 'git')
    return `${relativePath(responder.root, responder.entry)} in ${responder.source}`;
  const relative = relativePath(process.cwd(), responder.entry);
  return relative.startsWith('..') ? responder.entry : relative;
}

/** "/app/node_modules/@a/b" → "/app": the folder whose lockfile installed it. */
function projectDirOf(packageDir: string, name: string): string {
  return path.resolve(packageDir, ...name.split('/').map(() => '..'), '..');
}
