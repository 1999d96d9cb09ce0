// Bundles a responder into one file for the image's Node version. CommonJS by default: the
// runtime loads it with require(), which starts sooner than the ES module loader. Code with
// top-level await cannot be CommonJS, so it becomes index.mjs. Packages that cannot be bundled
// (native ones, found as the bundler meets them, and the ones the user names) stay outside;
// their exact versions go into a package.json beside the bundle, for the image build to install
// for the image's platform.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { describeEntry } from '../responder/entry-analysis.js';
import { bundleError, tsconfigOptions } from '../responder/esbuild-config.js';
import { relativePath } from '../responder/hash.js';
import { checkDependenciesInstalled } from '../responder/installed-dependencies.js';
import { installDependencies, installGitDependencies } from '../responder/npm.js';
import { readPackageJson } from '../responder/package-json.js';
import type { Responder } from '../responder/responder.js';
import type { Registry } from '../responder/responder-options.js';
import { externalsPlugin } from './externals.js';
import { type RawSourceMap, trimSourceMap } from './source-map-trim.js';

export interface BundleOptions extends OperationOptions {
  /**
   * Write index.js.map beside the bundle (default: true), so that stack traces name the
   * responder's own sources: paths relative to its root, mappings into node_modules left out
   * (source-map-trim.ts says why), no source text.
   */
  sourcemap?: boolean;
  minify?: boolean;
  /** The image's Node major version; default the host's. */
  nodeMajor?: number;
}

export interface Bundle {
  /** outDir: holds index.js (+ index.js.map) and, if any externals, package.json. */
  readonly dir: string;
  /** 'index.js', or 'index.mjs' for code with top-level await. */
  readonly file: string;
  /** `index.<export>`, for _HANDLER. */
  readonly handler: string;
  /** Packages to install in the image: name → exact version. */
  readonly externals: Record<string, string>;
  /** The externals kept out because they are native (not because they were named): name → why. */
  readonly native: Record<string, string>;
  readonly bytes: number;
}

/** What a bundle run owns in outDir: removed first, so no file of an earlier run lingers. */
const OUTPUT_FILES = [
  'index.js',
  'index.js.map',
  'index.mjs',
  'index.mjs.map',
  'package.json',
  '.npmrc',
];

export async function bundleResponder(
  responder: Responder,
  outDir: string,
  options: BundleOptions = {},
): Promise<Bundle> {
  throwIfAborted(options.signal, 'Bundling');
  const started = performance.now();
  const nodeMajor = options.nodeMajor ?? Number(process.versions.node.split('.')[0]);
  if (!Number.isInteger(nodeMajor) || nodeMajor < 14 || nodeMajor > 99) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${String(options.nodeMajor)} is not a Node major version.`,
      'Give the major version of the Node in the image, such as 20.',
    );
  }
  const nodePaths = await prepareDependencies(responder, options);
  throwIfAborted(options.signal, 'Bundling');

  const dir = path.resolve(outDir);
  await mkdir(dir, { recursive: true });
  await Promise.all(OUTPUT_FILES.map((file) => rm(path.join(dir, file), { force: true })));

  const found = { versions: new Map<string, string>(), native: new Map<string, string>() };
  const build = (format: 'cjs' | 'esm') => {
    found.versions.clear();
    found.native.clear();
    return esbuild.build({
      ...tsconfigOptions(responder.kind, responder.root),
      ...(format === 'cjs' ? COMMONJS_SHIMS : ESM_SHIMS),
      entryPoints: [responder.entry],
      absWorkingDir: responder.root,
      outfile: path.join(dir, format === 'cjs' ? 'index.js' : 'index.mjs'),
      bundle: true,
      platform: 'node',
      format,
      target: `node${nodeMajor}`,
      write: false as const,
      metafile: true as const,
      sourcemap: options.sourcemap === false ? false : 'linked',
      // Traces need positions, not the code: the image ships no copy of the sources.
      sourcesContent: false,
      minify: options.minify ?? false,
      logLevel: 'silent',
      nodePaths,
      plugins: [externalsPlugin(new Set(responder.options.externals ?? []), found)],
    });
  };
  const what = `Could not bundle ${describeEntry(responder)}`;
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await build('cjs');
  } catch (error) {
    const messages = (error as { errors?: esbuild.Message[] }).errors ?? [];
    if (!messages.some((m) => m.text.startsWith('Top-level await'))) throw bundleError(error, what);
    try {
      result = await build('esm');
    } catch (again) {
      throw bundleError(again, what);
    }
  }
  throwIfAborted(options.signal, 'Bundling');

  let file = 'index.js';
  let bytes = 0;
  for (const output of result.outputFiles) {
    if (output.path.endsWith('.map')) {
      await writeFile(output.path, rootRelativeSourceMap(output.text, dir, responder.root));
    } else {
      file = path.basename(output.path);
      bytes = output.contents.byteLength;
      await writeFile(output.path, output.contents);
    }
  }
  const sorted = sortedRecord(found.versions);
  const native = sortedRecord(found.native);
  if (found.versions.size > 0) {
    await writeInstallFiles(dir, sorted, responder.options.registries ?? []);
  }
  for (const [name, reason] of Object.entries(native)) {
    emit(options, {
      type: 'build.log',
      text: `${name}@${sorted[name]} is native, ${reason}: kept out of the bundle, installed for the image's platform`,
    });
  }

  emit(options, {
    type: 'bundle.done',
    bytes,
    files: Object.keys(result.metafile.inputs).length,
    ms: Math.round(performance.now() - started),
  });
  return Object.freeze({
    dir,
    file,
    handler: `index.${responder.handler}`,
    externals: Object.freeze(sorted),
    native: Object.freeze(native),
    bytes,
  });
}

function sortedRecord(map: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
}

// ---------------------------------------------------------------------------------------------
// Format shims

/**
 * ES module code bundled as CommonJS loses `import.meta`: esbuild would leave it empty, and
 * `createRequire(import.meta.url)` would throw. Give it the values Node would. The URL is a
 * getter, so bundles that never read it never pay for it.
 */
const COMMONJS_SHIMS: esbuild.BuildOptions = {
  banner: {
    js: 'var __lambdash_import_meta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
  },
  define: {
    'import.meta.url': '__lambdash_import_meta.url',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
};

/** Bundled CommonJS packages call require() for built-ins; an ES module has none of its own. */
const ESM_SHIMS: esbuild.BuildOptions = {
  banner: {
    js: "import { createRequire as __lambdashCreateRequire } from 'node:module'; const require = __lambdashCreateRequire(import.meta.url);",
  },
};

/**
 * Source paths relative to the responder's root, so traces read "handler.ts:12" on any machine,
 * and only the mappings into its own code (trimSourceMap).
 */
function rootRelativeSourceMap(text: string, outDir: string, root: string): string {
  const map = JSON.parse(text) as RawSourceMap;
  map.sources = (map.sources ?? []).map((source) =>
    /^[a-z][a-z0-9+.-]*:/i.test(source) ? source : relativePath(root, path.resolve(outDir, source)),
  );
  return JSON.stringify(trimSourceMap(map));
}

/** package.json (and .npmrc for private registries: URLs and scopes, never tokens). */
async function writeInstallFiles(
  dir: string,
  dependencies: Record<string, string>,
  registries: readonly Registry[],
): Promise<void> {
  const manifest = { private: true, type: 'commonjs', dependencies };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (registries.length > 0) {
    const lines = registries.map((r) =>
      r.scope ? `${r.scope}:registry=${r.url}` : `registry=${r.url}`,
    );
    await writeFile(path.join(dir, '.npmrc'), `${lines.join('\n')}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Dependencies the bundler needs on disk

/** Installs what the code imports when it is missing; returns extra module folders for esbuild. */
async function prepareDependencies(
  responder: Responder,
  options: OperationOptions,
): Promise<string[]> {
  const registries = responder.options.registries ?? [];
  const nodePaths: string[] = [];
  const dependencies = responder.options.dependencies ?? {};
  if (Object.keys(dependencies).length > 0) {
    nodePaths.push(await installDependencies(dependencies, registries, options));
  }
  if (responder.kind === 'file') return nodePaths;

  const manifest = await readPackageJson(responder.root);
  if (responder.kind === 'git') {
    // getResponder installed them; this is for a responder whose checkout lost its packages.
    await installGitDependencies(responder.root, manifest, registries, options);
    return nodePaths;
  }
  // Hoisted to a workspace's root, they are found there, as Node finds them.
  await checkDependenciesInstalled(responder.root, manifest);
  return nodePaths;
}
