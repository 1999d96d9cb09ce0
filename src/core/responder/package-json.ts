// What a package folder says about itself: its package.json, its entry (as Node would choose
// it), and the version of an installed package.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LambdashError } from '../common/errors.js';

/** The files a responder can be made of. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** The package.json in dir, or undefined when there is none. */
export async function readPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    throw new Error('not an object');
  } catch (error) {
    throw new LambdashError(
      'UNSUPPORTED_SOURCE',
      `${file} is not a valid package.json: ${(error as Error).message}`,
      'Fix the JSON in package.json.',
    );
  }
}

/** The entry as Node would choose it: `exports['.']`, then `main`, then an index file. */
export async function packageEntry(
  root: string,
  manifest: Record<string, unknown> | undefined,
): Promise<string> {
  const fromExports = exportsTarget(manifest?.exports);
  const declared: [string, string] | undefined = fromExports
    ? ['"exports"', fromExports]
    : typeof manifest?.main === 'string' && manifest.main
      ? ['"main"', manifest.main]
      : undefined;
  if (declared) {
    const [field, target] = declared;
    const file = await resolveModulePath(path.resolve(root, target));
    if (!file || !isInside(root, file)) {
      throw new LambdashError(
        'RESPONDER_NOT_FOUND',
        `package.json's ${field} points to ${target}, which does not exist in ${root}.`,
        `Build the package first, or point ${field} at the source file (for example "main": "src/index.ts").`,
      );
    }
    return file;
  }
  for (const base of ['index', 'src/index']) {
    const file = await resolveModulePath(path.join(root, base));
    if (file) return file;
  }
  throw new LambdashError(
    'RESPONDER_NOT_FOUND',
    `${root} has no entry: no "main" or "exports" in a package.json, and no index.ts or index.js.`,
    'Add "main": "handler.ts" (or your entry file) to package.json, or give the file itself.',
  );
}

/** The target of `exports['.']` (or of a sugar `exports`) under the node/require/import/default conditions. */
function exportsTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const target = exportsTarget(item);
      if (target) return target;
    }
    return undefined;
  }
  if (exports === null || typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((key) => key.startsWith('.'))) return exportsTarget(map['.']);
  // Conditions in the package's own order, as Node reads them.
  for (const key of keys) {
    if (['node', 'require', 'import', 'default'].includes(key)) {
      const target = exportsTarget(map[key]);
      if (target) return target;
    }
  }
  return undefined;
}

/** A file as given, with a source extension added, or a folder's index file. */
async function resolveModulePath(base: string): Promise<string | undefined> {
  const info = await stat(base).catch(() => undefined);
  if (info?.isFile()) return base;
  for (const extension of SOURCE_EXTENSIONS) {
    if ((await stat(base + extension).catch(() => undefined))?.isFile()) return base + extension;
  }
  if (info?.isDirectory()) {
    for (const extension of SOURCE_EXTENSIONS) {
      const file = path.join(base, `index${extension}`);
      if ((await stat(file).catch(() => undefined))?.isFile()) return file;
    }
  }
  return undefined;
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export function pickFields(
  manifest: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in manifest).map((f) => [f, manifest[f]]));
}

export async function packageVersion(dir: string): Promise<string> {
  const manifest = await readPackageJson(dir).catch(() => undefined);
  return typeof manifest?.version === 'string' ? manifest.version : '';
}
