// Where lambdash's own files are: found from this module's location, so it works from the
// sources (tests), from a build, and from an installed package alike.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lambdash'
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('lambdash: cannot find its own package folder');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
/** The built runtime that goes into every image (`npm run build` makes it). */
export const runtimeDistDir = path.join(packageRoot, 'dist', 'runtime');
export const templatesDir = path.join(packageRoot, 'templates');
export const lambdashVersion = (
  JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** Where lambdash keeps what it can make again: $XDG_CACHE_HOME/lambdash or ~/.cache/lambdash. */
export function lambdashCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lambdash');
}
