// A responder is the user's function: a lone .ts/.js file, a package folder, or a git URL,
// plus the name of the export that handles events. getResponder finds its entry, checks that
// the export exists (without running any of the user's code), and hashes exactly what will
// go into its image.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { toImageName, validateImageName } from '../common/names.js';
import { analyzeEntry, checkHandler } from './entry-analysis.js';
import { tsconfigPath } from './esbuild-config.js';
import { checkoutGit, parseGitSource } from './git-source.js';
import { hashResponderInputs } from './hash.js';
import { installGitDependencies } from './npm.js';
import { packageEntry, pickFields, readPackageJson, SOURCE_EXTENSIONS } from './package-json.js';
import { normalizeOptions } from './responder-options.js';
import type { Responder, ResponderOptions } from './types.js';

export type { Responder, ResponderOptions } from './types.js';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'];

/** package.json fields that change what is installed or how the code is read. */
const MANIFEST_FIELDS = [
  'type',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'overrides',
  'imports',
];

const GENERIC_FILE_NAMES = new Set(['index', 'handler', 'main', 'app', 'lambda', 'function']);

export async function getResponder(
  source: string,
  options: ResponderOptions = {},
): Promise<Responder> {
  throwIfAborted(options.signal, 'Reading the responder');
  const settings = normalizeOptions(options);
  const git = parseGitSource(source);
  let located: Located;
  if (git) {
    const { tree, defaultName } = await checkoutGit(git.url, git.ref, options);
    located = await locatePackage('git', source, tree, defaultName);
    // Installed before the analysis reads the code: the analysis then sees the packages the
    // bundle will use, on the first run as on every later one, and the hash does not change.
    await installGitDependencies(tree, located.manifest, settings.registries, options);
  } else {
    located = await locateLocal(source);
  }
  throwIfAborted(options.signal, 'Reading the responder');

  const analysis = await analyzeEntry(located);
  checkHandler(located.root, located.entry, settings.handler, analysis.exports);

  const lockfiles = new Set<string>();
  for (const dir of located.kind === 'file'
    ? analysis.projectDirs
    : [located.root, ...analysis.projectDirs]) {
    for (const name of LOCKFILES) {
      if (existsSync(path.join(dir, name))) lockfiles.add(path.join(dir, name));
    }
  }
  const tsconfig = tsconfigPath(located.kind, located.root);
  const hash = await hashResponderInputs({
    root: located.root,
    entry: located.entry,
    sources: analysis.sources,
    lockfiles: [...lockfiles],
    configFiles: tsconfig ? [tsconfig] : [],
    packages: analysis.packages,
    manifest: located.manifest && pickFields(located.manifest, MANIFEST_FIELDS),
    settings: {
      handler: settings.handler,
      dependencies: settings.dependencies,
      externals: settings.externals,
      registries: settings.registries,
    },
  });

  const name = options.name ? validateImageName(options.name) : toImageName(located.defaultName);
  const normalized: ResponderOptions = { handler: settings.handler, name };
  if (Object.keys(settings.dependencies).length > 0)
    normalized.dependencies = settings.dependencies;
  if (settings.registries.length > 0) normalized.registries = settings.registries;
  if (settings.externals.length > 0) normalized.externals = settings.externals;
  return Object.freeze({
    kind: located.kind,
    source: located.source,
    root: located.root,
    entry: located.entry,
    handler: settings.handler,
    name,
    hash,
    options: Object.freeze(normalized),
  });
}

export interface Located {
  readonly kind: Responder['kind'];
  readonly source: string;
  readonly root: string;
  readonly entry: string;
  readonly manifest: Record<string, unknown> | undefined;
  readonly defaultName: string;
}

async function locateLocal(source: string): Promise<Located> {
  const absolute = path.resolve(source);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new LambdashError(
      'RESPONDER_NOT_FOUND',
      `There is no file or folder at ${escapeControlCharacters(absolute)}.`,
      'Give the path of a .ts or .js file, of a package folder, or a git URL (https://..., git@host:repo.git, file://...).',
    );
  }
  if (info.isDirectory()) {
    return locatePackage('package', absolute, absolute, path.basename(absolute));
  }
  checkExtension(absolute);
  return {
    kind: 'file',
    source: absolute,
    root: path.dirname(absolute),
    entry: absolute,
    manifest: undefined,
    defaultName: nameFromFile(absolute),
  };
}

function checkExtension(file: string): void {
  if (!(SOURCE_EXTENSIONS as readonly string[]).includes(path.extname(file))) {
    throw new LambdashError(
      'UNSUPPORTED_SOURCE',
      escapeControlCharacters(
        `${file} is not a TypeScript or JavaScript module (${path.extname(file) || 'no extension'}).`,
      ),
      `Give a file ending in ${SOURCE_EXTENSIONS.join(', ')}, a package folder or a git URL.`,
    );
  }
}

/** `orders.ts` → "orders"; generic names (`handler.ts`, `index.js`) take their folder's name. */
function nameFromFile(file: string): string {
  const stem = path.basename(file, path.extname(file));
  return GENERIC_FILE_NAMES.has(stem.toLowerCase()) ? path.basename(path.dirname(file)) : stem;
}

export async function locatePackage(
  kind: 'package' | 'git',
  source: string,
  root: string,
  fallbackName: string,
): Promise<Located> {
  const manifest = await readPackageJson(root);
  const entry = await packageEntry(root, manifest);
  checkExtension(entry);
  const name = typeof manifest?.name === 'string' && manifest.name ? manifest.name : fallbackName;
  return { kind, source, root, entry, manifest, defaultName: name };
}
