// Whether an installed package is native: it has compiled parts esbuild cannot inline, or it
// loads a build made for each platform from packages of its own (sharp loads
// @img/sharp-linux-x64). Either way it must be installed in the image, for the image's platform,
// rather than bundled: a bundle holds only the host's build, or none.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readPackageJson } from '../responder/package-json.js';

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
/** A package name built for Linux: `@img/sharp-linux-x64`, `@esbuild/linux-arm64`, `…-linuxmusl-x64`. */
const LINUX_BUILD_NAME = /(^|[-/_.])linux/;

const reasonByPackage = new Map<string, Promise<string | undefined>>();

/**
 * Why the package in `dir` is native ("it has a binding.gyp", "it loads a build per platform
 * (@img/sharp-linux-x64, ...)"), or undefined for plain JavaScript. A handful of file checks,
 * kept per folder and version for the process.
 */
export function nativeReason(dir: string): Promise<string | undefined> {
  return (async () => {
    const manifest = await readPackageJson(dir).catch(() => undefined);
    const key = `${dir}\0${String(manifest?.version ?? '')}`;
    let known = reasonByPackage.get(key);
    if (!known) {
      known = detect(dir, manifest);
      reasonByPackage.set(key, known);
    }
    return known;
  })();
}

export async function isNativePackage(dir: string): Promise<boolean> {
  return (await nativeReason(dir)) !== undefined;
}

async function detect(
  dir: string,
  manifest: Record<string, unknown> | undefined,
): Promise<string | undefined> {
  if (manifest?.gypfile === true) return 'node-gyp builds it ("gypfile": true)';
  if (existsSync(path.join(dir, 'binding.gyp'))) return 'node-gyp builds it (binding.gyp)';
  const dependencies = {
    ...objectField(manifest, 'dependencies'),
    ...objectField(manifest, 'optionalDependencies'),
  };
  const tool = ADDON_TOOLS.find((name) => name in dependencies);
  if (tool) return `it depends on ${tool}, which addons are built or loaded with`;
  if (existsSync(path.join(dir, 'prebuilds'))) return 'it ships compiled addons (prebuilds/)';
  for (const folder of ADDON_FOLDERS) {
    const entries = await readdir(path.join(dir, folder)).catch(() => [] as string[]);
    const addon = entries.find((entry) => entry.endsWith('.node'));
    if (addon) return `it holds a compiled addon (${path.posix.join(folder, addon)})`;
  }
  const builds = await linuxBuilds(dir, manifest);
  if (builds.length === 0) return undefined;
  // The shortest name is the plainest example (@img/sharp-linux-x64, not …-libvips-linux-x64).
  const [example] = [...builds].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const more = builds.length > 1 ? ` and ${builds.length - 1} more` : '';
  return `it loads a build per platform from optional packages (${example}${more})`;
}

/**
 * The optional dependencies of a package that are its builds for Linux: named for Linux, or
 * installed here with `"os": ["linux", ...]` in their package.json. A package with none for
 * Linux (chokidar's fsevents is for macOS only) runs without them and is not native.
 */
export async function linuxBuilds(
  dir: string,
  manifest: Record<string, unknown> | undefined,
  top?: string,
): Promise<string[]> {
  const builds: string[] = [];
  for (const name of Object.keys(objectField(manifest, 'optionalDependencies')).sort()) {
    if (LINUX_BUILD_NAME.test(name)) {
      builds.push(name);
      continue;
    }
    const installed = installedDir(dir, name, top);
    const os = installed
      ? (await readPackageJson(installed).catch(() => undefined))?.os
      : undefined;
    if (Array.isArray(os) && os.includes('linux')) builds.push(name);
  }
  return builds;
}

/**
 * Where Node would find package `name` from the package folder `dir`, if it is installed;
 * with `top` (a modules folder above `dir`), only in top and the modules folders below it.
 */
export function installedDir(dir: string, name: string, top?: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const modules =
      at === top || path.basename(at) === 'node_modules' ? at : path.join(at, 'node_modules');
    const candidate = path.join(modules, name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (at === top || path.dirname(at) === at) return undefined;
  }
}

function objectField(
  manifest: Record<string, unknown> | undefined,
  field: string,
): Record<string, unknown> {
  const value = manifest?.[field];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
