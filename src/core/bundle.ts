// Bundles a responder into one file for the image's Node version. CommonJS by default: the
// runtime loads it with require(), which starts sooner than the ES module loader. Code with
// top-level await cannot be CommonJS, so it becomes index.mjs. Packages that cannot be bundled
// (native addons, and the ones the user names) stay outside; their exact versions go into a
// package.json beside the bundle, for the image build to install.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit, type OperationOptions } from './events.js';
import { canonicalJson, relativePath, sha256Hex } from './hash.js';
import { lambdashCacheDir } from './paths.js';
import {
  bundleError,
  describeEntry,
  NESTED_RESOLVE,
  packageDirOf,
  packageName,
  packageVersion,
  type Responder,
  readPackageJson,
  tsconfigOptions,
} from './responder.js';

export interface BundleOptions extends OperationOptions {
  /** Write index.js.map beside the bundle (sources relative to the responder's root). */
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

  const externals = new Map<string, string>();
  const build = (format: 'cjs' | 'esm') => {
    externals.clear();
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
      sourcemap: options.sourcemap ? 'linked' : false,
      minify: options.minify ?? false,
      logLevel: 'silent',
      nodePaths,
      plugins: [externalsPlugin(new Set(responder.options.externals ?? []), externals)],
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
  const sorted = Object.fromEntries([...externals].sort(([a], [b]) => (a < b ? -1 : 1)));
  if (externals.size > 0) await writeInstallFiles(dir, sorted, responder.options.registries ?? []);

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
    bytes,
  });
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

/** Source paths relative to the responder's root, so traces read "handler.ts:12" on any machine. */
function rootRelativeSourceMap(text: string, outDir: string, root: string): string {
  const map = JSON.parse(text) as { sources?: string[] };
  map.sources = (map.sources ?? []).map((source) =>
    /^[a-z][a-z0-9+.-]*:/i.test(source) ? source : relativePath(root, path.resolve(outDir, source)),
  );
  return JSON.stringify(map);
}

// ---------------------------------------------------------------------------------------------
// Externals

function externalsPlugin(
  explicit: ReadonlySet<string>,
  found: Map<string, string>,
): esbuild.Plugin {
  const native = new Map<string, Promise<boolean>>();
  return {
    name: 'lambdash-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, async (args) => {
        if (args.pluginData === NESTED_RESOLVE || isBuiltin(args.path)) return undefined;
        if (args.namespace !== 'file') return undefined;
        const name = packageName(args.path);
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: NESTED_RESOLVE,
        });
        if (resolved.errors.length > 0 || !resolved.path) {
          if (!explicit.has(name)) return undefined; // esbuild reports it, with its place
          throw new LambdashError(
            'BUNDLE_FAILED',
            `The external package ${name} is not installed, so its version is unknown.`,
            `Install it where the code lives (npm install ${name}), or for a lone file add it to the dependencies option.`,
          );
        }
        const dir = packageDirOf(resolved.path, name) ?? (await findPackageRoot(resolved.path));
        if (!dir) return undefined;
        if (!explicit.has(name)) {
          if (!native.has(dir)) native.set(dir, isNativePackage(dir));
          if (!(await native.get(dir))) return undefined;
        }
        const version = await packageVersion(dir);
        if (!version) {
          throw new LambdashError(
            'BUNDLE_FAILED',
            `The external package ${name} (${dir}) has no version in its package.json.`,
            'Install it from a registry so the image can install the same version.',
          );
        }
        if (!found.has(name)) found.set(name, version);
        return { path: args.path, external: true };
      });
    },
  };
}

/** A native addon: node-gyp builds it (binding.gyp, "gypfile"), or it ships compiled .node files. */
export async function isNativePackage(dir: string): Promise<boolean> {
  if (existsSync(path.join(dir, 'binding.gyp'))) return true;
  const manifest = await readPackageJson(dir).catch(() => undefined);
  if (manifest?.gypfile === true) return true;
  return (await listFiles(dir, 5000)).some((file) => file.endsWith('.node'));
}

/** The nearest folder above a resolved file that holds a package.json. */
async function findPackageRoot(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** Every file under dir, skipping nested node_modules, up to a limit. */
async function listFiles(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string, depth: number): Promise<void> => {
    if (found.length >= limit || depth > 8) return;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= limit) return;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(full, depth + 1);
      } else {
        found.push(full);
      }
    }
  };
  await walk(dir, 0);
  return found;
}

/** package.json (and .npmrc for private registries: URLs and scopes, never tokens). */
async function writeInstallFiles(
  dir: string,
  dependencies: Record<string, string>,
  registries: readonly { url: string; scope?: string }[],
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
  const count = (field: string) =>
    Object.keys((manifest?.[field] as Record<string, unknown> | undefined) ?? {}).length;
  const runtimeDependencies = count('dependencies') + count('optionalDependencies');
  if (existsSync(path.join(responder.root, 'node_modules'))) return nodePaths;
  if (responder.kind === 'git') {
    // A clone has no node_modules. Install without running the packages' scripts: bundling
    // needs their files, not their builds (native addons are installed again in the image).
    if (runtimeDependencies + count('devDependencies') > 0) {
      const lock = ['package-lock.json', 'npm-shrinkwrap.json'].some((f) =>
        existsSync(path.join(responder.root, f)),
      );
      await npm(
        [lock ? 'ci' : 'install', '--ignore-scripts', ...registryArguments(registries)],
        responder.root,
        options,
      );
    }
  } else if (runtimeDependencies > 0) {
    throw new LambdashError(
      'BUNDLE_FAILED',
      `The dependencies of ${responder.root} are not installed (there is no node_modules).`,
      `Install them first: cd ${responder.root} && npm ci`,
    );
  }
  return nodePaths;
}

/**
 * A lone file's extra dependencies, installed once per set of dependencies and registries into
 * lambdash's cache, and reused.
 */
async function installDependencies(
  dependencies: Record<string, string>,
  registries: readonly { url: string; scope?: string }[],
  options: OperationOptions,
): Promise<string> {
  const dir = path.join(
    lambdashCacheDir(),
    'deps',
    sha256Hex(canonicalJson({ dependencies, registries })),
  );
  // Only a finished install is renamed into place, so the folder's presence means complete.
  if (!existsSync(dir)) {
    await mkdir(path.dirname(dir), { recursive: true });
    const temporary = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(temporary);
      await writeFile(
        path.join(temporary, 'package.json'),
        JSON.stringify({ private: true, dependencies }, null, 2),
      );
      await npm(
        ['install', '--ignore-scripts', ...registryArguments(registries)],
        temporary,
        options,
      );
      try {
        await rename(temporary, dir);
      } catch (error) {
        if (!existsSync(dir)) throw error;
      }
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }
  return path.join(dir, 'node_modules');
}

function registryArguments(registries: readonly { url: string; scope?: string }[]): string[] {
  return registries.map((r) =>
    r.scope ? `--${r.scope}:registry=${r.url}` : `--registry=${r.url}`,
  );
}

/** Runs npm (never through a shell) in dir; failures carry npm's own message. */
function npm(args: string[], cwd: string, options: OperationOptions): Promise<void> {
  const full = [...args, '--no-audit', '--no-fund', '--loglevel=error'];
  emit(options, { type: 'npm.install', dir: cwd, command: `npm ${full.join(' ')}` });
  // Variables npm sets for a running script (npm test...) would point the child at our project.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(npm_config_local_prefix|npm_package_|npm_lifecycle_|npm_command$|INIT_CWD$)/i.test(key),
    ),
  );
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      full,
      { cwd, env, signal: options.signal, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        if (error.name === 'AbortError') {
          return reject(
            new LambdashError('ABORTED', 'npm was cancelled', undefined, { cause: error }),
          );
        }
        const detail = String(stderr)
          .split('\n')
          .filter((line) => line.trim() && !/Unknown (user|env) config/.test(line))
          .slice(-15)
          .join('\n');
        reject(
          new LambdashError(
            'INSTALL_FAILED',
            `npm ${args[0]} failed in ${cwd}:\n${detail || error.message}`,
            'Check the package names and versions, and that the registry is reachable (npm ping).',
            { cause: error },
          ),
        );
      },
    );
  });
}
