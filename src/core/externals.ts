// Packages the bundle leaves out: native addons (their compiled parts cannot be inlined) and
// the ones the user names. They are recorded with their installed versions, for the image build
// to install.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type * as esbuild from 'esbuild';
import { LambdashError } from './errors.js';
import { NESTED_RESOLVE, packageDirOf, packageName } from './esbuild-config.js';
import { packageVersion, readPackageJson } from './package-json.js';

export function externalsPlugin(
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

/** Packages native addons build or load with: depending on one marks a package native. */
const ADDON_TOOLS = [
  'node-gyp-build',
  'node-gyp',
  'bindings',
  'node-addon-api',
  'nan',
  'prebuild-install',
  'node-pre-gyp',
  '@mapbox/node-pre-gyp',
  'cmake-js',
];
/** Where packages keep compiled addons: a `.node` file in one of these marks a package native. */
const ADDON_FOLDERS = ['', 'lib', 'bin', 'build/Release', 'prebuilds'];

const nativeByPackage = new Map<string, Promise<boolean>>();

/**
 * A native addon: node-gyp builds it (binding.gyp, "gypfile"), it depends on a tool addons are
 * built or loaded with, it ships prebuilds, or it holds compiled .node files in the usual
 * places. A handful of file checks, kept per folder and version for the process.
 */
export function isNativePackage(dir: string): Promise<boolean> {
  return (async () => {
    const manifest = await readPackageJson(dir).catch(() => undefined);
    const key = `${dir}\0${String(manifest?.version ?? '')}`;
    let known = nativeByPackage.get(key);
    if (!known) {
      known = detectNative(dir, manifest);
      nativeByPackage.set(key, known);
    }
    return known;
  })();
}

async function detectNative(
  dir: string,
  manifest: Record<string, unknown> | undefined,
): Promise<boolean> {
  if (manifest?.gypfile === true || existsSync(path.join(dir, 'binding.gyp'))) return true;
  const dependencies = {
    ...(manifest?.dependencies as Record<string, unknown> | undefined),
    ...(manifest?.optionalDependencies as Record<string, unknown> | undefined),
  };
  if (ADDON_TOOLS.some((tool) => tool in dependencies)) return true;
  if (existsSync(path.join(dir, 'prebuilds'))) return true;
  for (const folder of ADDON_FOLDERS) {
    const entries = await readdir(path.join(dir, folder)).catch(() => [] as string[]);
    if (entries.some((entry) => entry.endsWith('.node'))) return true;
  }
  return false;
}

/** The nearest folder above a resolved file that holds a package.json. */
async function findPackageRoot(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}
