// The npm installs lambdash makes on the host: a lone file's extra dependencies (into its cache,
// once per set) and a git checkout's dependencies (into the checkout). Each is made in a
// temporary folder and renamed into place only when complete, so a failed or interrupted
// install never passes for a finished one. Packages' install scripts never run: bundling needs
// their files, not their builds (native addons are installed again for the image).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LambdashError } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import { lambdashCacheDir } from '../common/paths.js';
import { runNpm, ToolFailure } from '../common/run-tool.js';
import { canonicalJson, sha256Hex } from './hash.js';
import type { Registry } from './types.js';

const QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

/**
 * A lone file's extra dependencies, installed once per set of dependencies and registries into
 * lambdash's cache, and reused. Returns the node_modules folder for esbuild.
 */
export async function installDependencies(
  dependencies: Record<string, string>,
  registries: readonly Registry[],
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
    await inTemporaryFolder(dir, async (temporary) => {
      await writeFile(
        path.join(temporary, 'package.json'),
        JSON.stringify({ private: true, dependencies }, null, 2),
      );
      await npm(
        ['install', '--ignore-scripts', ...registryArguments(registries)],
        temporary,
        options,
      );
      await moveIntoPlace(temporary, dir);
    });
  }
  return path.join(dir, 'node_modules');
}

/**
 * The dependencies of a package checked out from git (a clone has no node_modules): `npm ci`
 * with a lockfile, `npm install` without, in a sibling folder whose node_modules is then renamed
 * into the checkout. A sibling, so that `file:../x` dependencies mean the same there.
 */
export async function installGitDependencies(
  tree: string,
  manifest: Record<string, unknown> | undefined,
  registries: readonly Registry[],
  options: OperationOptions,
): Promise<void> {
  const target = path.join(tree, 'node_modules');
  const count = (field: string) =>
    Object.keys((manifest?.[field] as Record<string, unknown> | undefined) ?? {}).length;
  const wanted = ['dependencies', 'optionalDependencies', 'devDependencies'].some(
    (field) => count(field) > 0,
  );
  if (!wanted || existsSync(target)) return;
  const files = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc'].filter(
    (file) => existsSync(path.join(tree, file)),
  );
  const lock = files.includes('package-lock.json') || files.includes('npm-shrinkwrap.json');
  await inTemporaryFolder(`${tree}.deps`, async (temporary) => {
    for (const file of files) await copyFile(path.join(tree, file), path.join(temporary, file));
    await npm(
      [lock ? 'ci' : 'install', '--ignore-scripts', ...registryArguments(registries)],
      temporary,
      options,
    );
    const installed = path.join(temporary, 'node_modules');
    if (existsSync(installed)) await moveIntoPlace(installed, target);
    else await mkdir(target, { recursive: true }); // nothing to install (all optional, skipped)
  });
}

export function registryArguments(registries: readonly Registry[]): string[] {
  return registries.map((r) =>
    r.scope ? `--${r.scope}:registry=${r.url}` : `--registry=${r.url}`,
  );
}

/**
 * The lines of npm's error output that say what went wrong: without the `npm error` prefixes,
 * warnings, stack frames, dumped error objects, bare status codes and the log file's path.
 */
export function npmErrorSummary(stderr: string): string {
  const lines: string[] = [];
  for (const raw of stderr.split('\n')) {
    if (/^npm (warn|notice)/i.test(raw)) continue;
    const line = raw.replace(/^npm (error|ERR!) ?/, '').trimEnd();
    const text = line.trim();
    if (
      !text ||
      /^\d{3}$/.test(text) ||
      /^at /.test(text) ||
      /^[{}]$/.test(text) ||
      (/^\w+: .*,?$/.test(text) && line.startsWith(' ')) ||
      /^(code|errno|syscall|path|dest) \S+$/.test(text) ||
      /complete log of this run/.test(text) ||
      /Unknown (user|env) config/.test(text)
    ) {
      continue;
    }
    if (!lines.includes(text)) lines.push(text);
  }
  return lines.slice(0, 4).join('\n');
}

/** Runs npm in dir; a failure is INSTALL_FAILED with npm's own reason. */
async function npm(args: string[], cwd: string, options: OperationOptions): Promise<void> {
  try {
    await runNpm([...args, ...QUIET], cwd, options);
  } catch (error) {
    if (!(error instanceof ToolFailure)) throw error;
    throw new LambdashError(
      'INSTALL_FAILED',
      `npm ${args[0]} failed in ${cwd}:\n${npmErrorSummary(error.stderr) || error.tail()}`,
      'Check the package names and versions, and that the registry is reachable (npm ping).',
      { cause: error },
    );
  }
}

/** Runs work in a new folder beside `near`, removed afterwards whatever happened. */
async function inTemporaryFolder(
  near: string,
  work: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary = `${near}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(temporary, { recursive: true });
    await work(temporary);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** Renames a finished folder into place; another process that got there first wins. */
async function moveIntoPlace(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!existsSync(to)) throw error;
  }
}
