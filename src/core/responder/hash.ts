// A responder's content hash: sha256 over exactly what goes into its image. The same code
// gives the same hash on every run and every machine (paths relative to the responder's root,
// file contents and never their times, JSON with sorted keys), and any change that would change
// the image changes it. Jot gave scripts a random hash on every build; images then never match
// their source, and lineage cannot tell "current" from "changed".
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Bumped whenever what is hashed changes, so old and new hashes never collide by accident. */
export const HASH_SCHEME = 'lambdash-responder/1';

export interface ResponderHashInput {
  /** Every path below is hashed relative to this folder. */
  readonly root: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Absolute paths of the local files the entry imports (the entry among them). */
  readonly sources: readonly string[];
  /** Absolute paths of the lockfiles that decide the installed packages. */
  readonly lockfiles: readonly string[];
  /** Absolute paths of build configuration the bundler reads (tsconfig.json). */
  readonly configFiles: readonly string[];
  /** npm packages the sources import, as `name@version` (`name@` when not installed). */
  readonly packages: readonly string[];
  /** The package.json fields that change the image (dependencies, module type...). */
  readonly manifest: Readonly<Record<string, unknown>> | undefined;
  /** The options that change the image: handler, dependencies, externals, registries. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * JSON with object keys sorted at every depth, so equal values always give equal text.
 * `undefined` members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(source)
        .filter((key) => source[key] !== undefined)
        .sort()
        .map((key) => [key, sortKeys(source[key])]),
    );
  }
  return value;
}

/** A path relative to root with '/' separators: the same on every machine. */
export function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Relative path and sha256 of each file, sorted by path, duplicates removed. */
async function fileDigests(root: string, files: readonly string[]): Promise<[string, string][]> {
  const unique = [...new Set(files.map((file) => path.resolve(file)))];
  const digests = await Promise.all(
    unique.map(
      async (file): Promise<[string, string]> => [
        relativePath(root, file),
        sha256Hex(await readFile(file)),
      ],
    ),
  );
  return digests.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function hashResponderInputs(input: ResponderHashInput): Promise<string> {
  const [sources, lockfiles, configFiles] = await Promise.all([
    fileDigests(input.root, input.sources),
    fileDigests(input.root, input.lockfiles),
    fileDigests(input.root, input.configFiles),
  ]);
  return sha256Hex(
    canonicalJson({
      scheme: HASH_SCHEME,
      entry: relativePath(input.root, input.entry),
      sources,
      lockfiles,
      configFiles,
      packages: [...new Set(input.packages)].sort(),
      manifest: input.manifest ?? null,
      settings: input.settings,
    }),
  );
}
