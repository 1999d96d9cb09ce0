// A responder is the user's function: a lone .ts/.js file, a package folder, or a git URL,
// plus the name of the export that handles events. getResponder finds its entry, checks that
// the export exists (without running any of the user's code), and hashes exactly what will
// go into its image.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit, type OperationOptions } from './events.js';
import { hashResponderInputs, relativePath, sha256Hex } from './hash.js';
import { toImageName, validateImageName } from './names.js';
import { lambdashCacheDir } from './paths.js';

export interface ResponderOptions extends OperationOptions {
  /** The export that handles events; nested paths such as `api.handler` are allowed. Default `handler`. */
  handler?: string;
  /** Image name; by default made from the file, package or repository name. */
  name?: string;
  /** Extra npm dependencies for a lone file: name → version range. */
  dependencies?: Record<string, string>;
  /** Private registries, by URL and optional scope. Never tokens: those stay in the user's .npmrc. */
  registries?: { url: string; scope?: string }[];
  /** Packages not to bundle: they are installed into the image instead. */
  externals?: string[];
}

export interface Responder {
  readonly kind: 'file' | 'package' | 'git';
  /** As given: the absolute path, or the git URL (with its #ref). */
  readonly source: string;
  /** Absolute folder holding the code (for git, the checked-out commit). */
  readonly root: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  readonly handler: string;
  /** A valid image name. */
  readonly name: string;
  /** sha256 hex over exactly what goes into the image; the same on every run and machine. */
  readonly hash: string;
  /** The options, normalised, without signal and onEvent. */
  readonly options: Readonly<ResponderOptions>;
}

export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;
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
  const located = git
    ? await checkoutGit(source, git.url, git.ref, options)
    : await locateLocal(source);
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

// ---------------------------------------------------------------------------------------------
// Options

interface Settings {
  readonly handler: string;
  readonly dependencies: Record<string, string>;
  readonly externals: string[];
  readonly registries: { url: string; scope?: string }[];
}

const HANDLER_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const SCOPE = /^@[a-z0-9-~][a-z0-9-._~]*$/;

function invalid(message: string, hint: string): LambdashError {
  return new LambdashError('INVALID_OPTION', message, hint);
}

function normalizeOptions(options: ResponderOptions): Settings {
  const handler = options.handler ?? 'handler';
  // The handler ends up in the image's CMD: only identifiers, so nothing can be injected.
  if (!HANDLER_NAME.test(handler)) {
    throw invalid(
      `"${handler}" is not a valid handler export name.`,
      'Name an exported function, such as "handler", or a path through exported objects, such as "api.handler".',
    );
  }
  const dependencies: Record<string, string> = {};
  for (const [name, range] of Object.entries(options.dependencies ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    checkPackageName(name, 'dependencies');
    if (typeof range !== 'string' || range.trim() === '' || hasControlCharacters(range)) {
      throw invalid(
        `The version of dependency "${name}" must be a version or range, such as "^4.1.0".`,
        'Give each dependency a version range as npm understands it.',
      );
    }
    dependencies[name] = range.trim();
  }
  const externals = [...new Set(options.externals ?? [])].sort();
  for (const name of externals) checkPackageName(name, 'externals');
  const registries = (options.registries ?? []).map(checkRegistry);
  registries.sort((a, b) => {
    const ka = `${a.scope ?? ''} ${a.url}`;
    const kb = `${b.scope ?? ''} ${b.url}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { handler, dependencies, externals, registries };
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function checkPackageName(name: string, option: string): void {
  if (typeof name !== 'string' || name.length > 214 || !PACKAGE_NAME.test(name)) {
    throw invalid(
      `"${name}" in ${option} is not a valid npm package name.`,
      'Use the name as it appears on npm, such as "zod" or "@aws-sdk/client-s3".',
    );
  }
}

function checkRegistry(registry: { url: string; scope?: string }): { url: string; scope?: string } {
  let url: URL | undefined;
  try {
    url = new URL(registry.url);
  } catch {
    url = undefined;
  }
  // Whitespace would let a URL add lines to the .npmrc written beside a bundle.
  const clean =
    typeof registry.url === 'string' &&
    !/\s/.test(registry.url) &&
    !hasControlCharacters(registry.url);
  if (!clean || !url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalid(
      `"${registry.url}" is not a registry URL.`,
      'Give the registry as an http(s) URL, such as "https://npm.example.com/".',
    );
  }
  if (url.username || url.password) {
    throw invalid(
      `The registry URL for ${registry.scope ?? 'all packages'} carries credentials.`,
      'Leave tokens out of lambdash: put them in your ~/.npmrc (//npm.example.com/:_authToken=...), where npm finds them.',
    );
  }
  if (registry.scope !== undefined && !SCOPE.test(registry.scope)) {
    throw invalid(
      `"${registry.scope}" is not an npm scope.`,
      'Give the scope with its "@", such as "@acme".',
    );
  }
  return registry.scope === undefined
    ? { url: registry.url }
    : { url: registry.url, scope: registry.scope };
}

// ---------------------------------------------------------------------------------------------
// Local files and packages

interface Located {
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
      `There is no file or folder at ${absolute}.`,
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
      `${file} is not a TypeScript or JavaScript module (${path.extname(file) || 'no extension'}).`,
      `Give a file ending in ${SOURCE_EXTENSIONS.join(', ')}, a package folder or a git URL.`,
    );
  }
}

/** `orders.ts` → "orders"; generic names (`handler.ts`, `index.js`) take their folder's name. */
function nameFromFile(file: string): string {
  const stem = path.basename(file, path.extname(file));
  return GENERIC_FILE_NAMES.has(stem.toLowerCase()) ? path.basename(path.dirname(file)) : stem;
}

async function locatePackage(
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
async function packageEntry(
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

function pickFields(
  manifest: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in manifest).map((f) => [f, manifest[f]]));
}

// ---------------------------------------------------------------------------------------------
// Git

/** Splits a git source into URL and ref, or says it is not one (a local path). */
export function parseGitSource(
  source: string,
): { url: string; ref: string | undefined } | undefined {
  const hash = source.lastIndexOf('#');
  const url = hash >= 0 ? source.slice(0, hash) : source;
  const ref = hash >= 0 ? source.slice(hash + 1) : undefined;
  const isUrl =
    /^(https?|ssh|git|file|git\+ssh|git\+https):\/\//i.test(url) ||
    /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(url);
  if (isUrl) return { url: url.replace(/^git\+/i, ''), ref };
  if (/\.git\/?$/.test(url)) return { url: path.resolve(url), ref };
  return undefined;
}

const REF = /^[A-Za-z0-9_][A-Za-z0-9._/+-]*$/;

async function checkoutGit(
  source: string,
  url: string,
  ref: string | undefined,
  options: OperationOptions,
): Promise<Located> {
  checkGitUrl(url);
  if (ref !== undefined && (!REF.test(ref) || ref.includes('..') || ref.endsWith('.lock'))) {
    throw new LambdashError(
      'GIT_FAILED',
      `"${ref}" is not a branch, tag or commit name.`,
      'Put a branch, tag or commit after the "#", such as "#main", "#v1.2.0" or "#3f2c1ab".',
    );
  }
  const base = path.join(lambdashCacheDir(), 'git', sha256Hex(url));
  const repo = path.join(base, 'repo');
  emit(options, { type: 'git.clone', url, ref });
  const signal = options.signal;

  if (!existsSync(path.join(repo, 'HEAD'))) {
    await mkdir(base, { recursive: true });
    const temporary = `${repo}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await git(['clone', '--bare', '--quiet', '--end-of-options', url, temporary], { signal });
      await moveInto(temporary, repo);
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  } else if (!(ref && /^[0-9a-f]{40}$/i.test(ref) && (await hasCommit(repo, ref)))) {
    // A full commit id never moves: the copy we have is the right one, no network needed.
    await git(
      [
        '-C',
        repo,
        'fetch',
        '--quiet',
        '--prune',
        '--tags',
        'origin',
        '--end-of-options',
        '+refs/heads/*:refs/heads/*',
      ],
      { signal },
    );
  }

  let commit = await resolveCommit(repo, ref ?? 'HEAD');
  if (!commit && ref && /^[0-9a-f]{7,40}$/i.test(ref)) {
    // A commit no branch or tag reaches: ask the server for it by id (full ids only).
    await git(['-C', repo, 'fetch', '--quiet', 'origin', '--end-of-options', ref], {
      signal,
    }).catch(() => undefined);
    commit = await resolveCommit(repo, ref);
  }
  if (!commit) {
    throw new LambdashError(
      'GIT_FAILED',
      ref
        ? `${url} has no branch, tag or commit "${ref}".`
        : `${url} has no commits on its default branch.`,
      ref
        ? `Check the name after "#": git ls-remote ${url} lists the branches and tags.`
        : 'Push a commit, or name a branch, tag or commit after "#".',
    );
  }

  const tree = path.join(base, 'trees', commit);
  if (!existsSync(tree)) await exportTree(repo, commit, tree, signal);
  return locatePackage('git', source, tree, repositoryName(url));
}

/**
 * Refuses a git URL that is not one, or that carries credentials: the source ends up in image
 * labels and tags, where a password or token would be published. A password is refused in any
 * scheme (ssh://user:pass@..., git://...); a user name alone only over http(s), where it is
 * how tokens travel (https://TOKEN@host/...). An SSH user name such as git@ is no secret.
 */
export function checkGitUrl(url: string): void {
  if (url.startsWith('-') || /\s/.test(url) || hasControlCharacters(url)) {
    throw new LambdashError(
      'GIT_FAILED',
      `"${url}" is not a git URL.`,
      'Use https://host/owner/repo.git, git@host:owner/repo.git or file:///path/to/repo.',
    );
  }
  // The userinfo of scheme://userinfo@host/..., read by hand: URL() refuses some forms git
  // takes (ssh://host:path), and would then hide what they carry.
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const web = /^(git\+)?https?:\/\//i.test(url);
  if (userinfo.includes(':') || (web && userinfo !== '')) {
    throw new LambdashError(
      'GIT_FAILED',
      'The git URL carries credentials.',
      'Leave tokens out of the URL: use a git credential helper or an SSH URL (git@host:owner/repo.git).',
    );
  }
}

/** "git@github.com:acme/orders.git#v1" → "orders". */
function repositoryName(url: string): string {
  const last =
    url
      .replace(/[/\\]+$/, '')
      .split(/[/:\\]/)
      .pop() ?? '';
  return last.replace(/\.git$/, '') || 'responder';
}

async function hasCommit(repo: string, sha: string): Promise<boolean> {
  return (await resolveCommit(repo, sha)) === sha.toLowerCase();
}

async function resolveCommit(repo: string, ref: string): Promise<string | undefined> {
  try {
    const out = await git([
      '-C',
      repo,
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]);
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes the commit's files (no .git) into `tree`, all at once or not at all. */
async function exportTree(
  repo: string,
  commit: string,
  tree: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const temporary = `${tree}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env = { GIT_INDEX_FILE: `${temporary}.index` };
  try {
    await mkdir(temporary, { recursive: true });
    await git(['--git-dir', repo, 'read-tree', '--end-of-options', commit], { env, signal });
    await git(['--git-dir', repo, '--work-tree', temporary, 'checkout-index', '--all', '--force'], {
      env,
      signal,
    });
    await moveInto(temporary, tree);
  } finally {
    await rm(temporary, { recursive: true, force: true });
    await rm(`${temporary}.index`, { force: true });
  }
}

/** Renames a finished folder into place; another process that got there first wins. */
async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!(existsSync(to) && (code === 'ENOTEMPTY' || code === 'EEXIST'))) throw error;
  }
}

/** Runs git with arguments (never a shell), without prompts; failures carry git's stderr. */
function git(
  args: string[],
  options: { env?: Record<string, string>; signal?: AbortSignal | undefined } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'protocol.ext.allow=never', ...args],
      {
        env: {
          ...process.env,
          ...options.env,
          GIT_TERMINAL_PROMPT: '0',
          GCM_INTERACTIVE: 'never',
          LC_ALL: 'C',
        },
        maxBuffer: 16 * 1024 * 1024,
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (error.name === 'AbortError') {
          return reject(
            new LambdashError('ABORTED', 'git was cancelled', undefined, { cause: error }),
          );
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(
            new LambdashError(
              'GIT_FAILED',
              'git is not installed.',
              'Install git (apt-get install git) to build responders from git URLs.',
              { cause: error },
            ),
          );
        }
        const detail = String(stderr).trim() || error.message;
        reject(
          new LambdashError(
            'GIT_FAILED',
            `git ${subcommand(args)} failed: ${detail}`,
            'Check the URL and that you can reach it: git ls-remote <url> must work from this machine.',
            { cause: error },
          ),
        );
      },
    );
  });
}

/** The git command in an argument list: "fetch" in ['-C', repo, 'fetch', ...]. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-C' || arg === '--git-dir' || arg === '--work-tree') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// Analysis: which files and packages the entry uses, and what it exports. esbuild reads the code;
// nothing of the user's runs.

interface Analysis {
  /** Local files the entry imports (the entry among them). */
  readonly sources: string[];
  /** `name@version` of each npm package imported, `name@` when it is not installed. */
  readonly packages: string[];
  /** Folders whose node_modules the packages came from: their lockfiles decide the rest. */
  readonly projectDirs: string[];
  /** The entry's exports; undefined for CommonJS, whose exports only running it would tell. */
  readonly exports: string[] | undefined;
}

/** Passed to build.resolve so our own onResolve hook lets the nested lookup through. */
export const NESTED_RESOLVE = Symbol('lambdash.nested-resolve');

async function analyzeEntry(located: Located): Promise<Analysis> {
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

function checkHandler(
  root: string,
  entry: string,
  handler: string,
  exports: string[] | undefined,
): void {
  if (exports === undefined) return;
  const first = handler.split('.')[0]!;
  if (exports.includes(first)) return;
  const file = relativePath(root, entry);
  const real = exports.filter((name) => name !== 'default');
  if (exports.length === 0) {
    throw new LambdashError(
      'HANDLER_NOT_FOUND',
      `${file} exports nothing, so it has no "${first}" to call.`,
      `Export the function: export const ${first} = async (event) => { ... }`,
    );
  }
  throw new LambdashError(
    'HANDLER_NOT_FOUND',
    `${file} does not export "${first}". Its exports: ${exports.join(', ')}.`,
    real.length > 0
      ? `Choose one of its exports as the handler (for example handler: '${real[0]}'), or export a function named "${first}".`
      : `Export the function by name: export const ${first} = async (event) => { ... }`,
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with bundle.ts

/** The entry as people know it: "handler.ts in <git URL>", or its path from here. */
export function describeEntry(
  responder: Pick<Responder, 'kind' | 'source' | 'root' | 'entry'>,
): string {
  if (responder.kind === 'git')
    return `${relativePath(responder.root, responder.entry)} in ${responder.source}`;
  const relative = relativePath(process.cwd(), responder.entry);
  return relative.startsWith('..') ? responder.entry : relative;
}

/** "@scope/pkg/sub/path" → "@scope/pkg"; "pkg/sub" → "pkg". */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The installed package folder a resolved file belongs to, or undefined outside node_modules. */
export function packageDirOf(resolvedFile: string, name: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}`;
  const at = resolvedFile.lastIndexOf(marker + path.sep);
  return at >= 0 ? resolvedFile.slice(0, at + marker.length) : undefined;
}

/** "/app/node_modules/@a/b" → "/app": the folder whose lockfile installed it. */
function projectDirOf(packageDir: string, name: string): string {
  return path.resolve(packageDir, ...name.split('/').map(() => '..'), '..');
}

export async function packageVersion(dir: string): Promise<string> {
  const manifest = await readPackageJson(dir).catch(() => undefined);
  return typeof manifest?.version === 'string' ? manifest.version : '';
}

/** tsconfig.json is read from a package's root only; a lone file ignores the folders above it. */
export function tsconfigPath(kind: Responder['kind'], root: string): string | undefined {
  const file = path.join(root, 'tsconfig.json');
  return kind !== 'file' && existsSync(file) ? file : undefined;
}

export function tsconfigOptions(
  kind: Responder['kind'],
  root: string,
): Pick<esbuild.BuildOptions, 'tsconfig' | 'tsconfigRaw'> {
  const file = tsconfigPath(kind, root);
  // Without an explicit config esbuild would read any tsconfig.json above the code (the
  // user's home, another project), which the hash knows nothing about.
  return file ? { tsconfig: file } : { tsconfigRaw: {} };
}

/** esbuild's errors as `file:line:column: message` lines (columns count from 1, as editors do). */
export function bundleError(error: unknown, what: string): LambdashError {
  if (error instanceof LambdashError) return error;
  const messages = (error as { errors?: esbuild.Message[] } | null)?.errors;
  if (!Array.isArray(messages) || messages.length === 0) {
    return new LambdashError(
      'BUNDLE_FAILED',
      `${what}: ${(error as Error | null)?.message ?? String(error)}`,
      undefined,
      { cause: error },
    );
  }
  for (const message of messages) {
    if (message.detail instanceof LambdashError) return message.detail;
  }
  const shown = messages.slice(0, 5).map((message) => {
    const at = message.location;
    if (!at) return message.text;
    const place = `${at.file}:${at.line}:${at.column + 1}: ${message.text}`;
    return at.lineText.trim() ? `${place}\n    ${at.lineText.trim()}` : place;
  });
  if (messages.length > shown.length) shown.push(`...and ${messages.length - shown.length} more`);
  const missing = messages
    .map((m) => /^Could not resolve "([^"]+)"/.exec(m.text)?.[1])
    .find((spec) => spec !== undefined && /^[^./]/.test(spec));
  const hint = missing
    ? `Install ${packageName(missing)} (npm install ${packageName(missing)}) where the code lives, or pass it in the dependencies option for a lone file.`
    : 'Fix the code at the place shown, then build again.';
  return new LambdashError('BUNDLE_FAILED', `${what}:\n${shown.join('\n')}`, hint, {
    cause: error,
  });
}
