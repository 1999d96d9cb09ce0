// Throw-away folders of files (and git repositories) for tests that need real code on disk.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A new empty folder under the system's temp folder (its real path: esbuild reports real paths). */
export function makeTempDir(prefix = 'lambdash-test-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Removes every folder makeTempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes files (path relative to root → content); objects are written as JSON. */
export function writeTree(root: string, files: Readonly<Record<string, string | object>>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  }
  return root;
}

/** Runs the system git in cwd with a fixed identity; returns its trimmed output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A git repository in a new temp folder with the given files committed on branch main. */
export function makeGitRepo(files: Readonly<Record<string, string | object>>): string {
  const dir = makeTempDir('lambdash-git-');
  git(dir, 'init', '--quiet', '--initial-branch=main');
  commitAll(dir, files, 'initial');
  return dir;
}

/** Writes files and commits everything; returns the new commit's id. */
export function commitAll(
  dir: string,
  files: Readonly<Record<string, string | object>>,
  message: string,
): string {
  writeTree(dir, files);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--message', message);
  return git(dir, 'rev-parse', 'HEAD');
}
