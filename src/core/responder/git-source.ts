// Responders from git: the URL checked (it ends up in labels: no credentials), the repository
// cloned bare into lambdash's cache once and fetched afterwards, and each commit's files
// exported into a folder of their own, all at once or not at all.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { hasControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { lambdashCacheDir } from '../common/paths.js';
import { runTool, ToolFailure } from '../common/run-tool.js';
import { sha256Hex } from './hash.js';

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

/**
 * The folder holding the files of the commit `ref` names (the default branch without one),
 * and a name for the image made from the repository's.
 */
export async function checkoutGit(
  url: string,
  ref: string | undefined,
  options: OperationOptions,
): Promise<{ readonly tree: string; readonly defaultName: string }> {
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
  return { tree, defaultName: repositoryName(url) };
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
export async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!(existsSync(to) && (code === 'ENOTEMPTY' || code === 'EEXIST'))) throw error;
  }
}

/** Runs git with arguments (never a shell), without prompts; failures carry git's stderr. */
async function git(
  args: string[],
  options: { env?: Record<string, string>; signal?: AbortSignal | undefined } = {},
): Promise<string> {
  try {
    return await runTool('git', ['-c', 'protocol.ext.allow=never', ...args], {
      env: { ...options.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C' },
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof ToolFailure)) throw error;
    if (error.missing) {
      throw new LambdashError(
        'GIT_FAILED',
        'git is not installed.',
        'Install git (apt-get install git) to build responders from git URLs.',
        { cause: error },
      );
    }
    throw new LambdashError(
      'GIT_FAILED',
      `git ${subcommand(args)} failed: ${error.stderr.trim() || error.tail()}`,
      'Check the URL and that you can reach it: git ls-remote <url> must work from this machine.',
      { cause: error },
    );
  }
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
