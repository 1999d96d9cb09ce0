// The examples/ responders, ready to build: examples/http-api's node_modules is not in git, so
// tests install it (npm ci) the first time they need it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

export const examplesDir = path.join(repoRoot, 'examples');

/**
 * Runs `npm ci` in examples/<name> when its node_modules is missing or older than its lockfile.
 * Test files run in parallel processes: a lock folder (mkdir is atomic) lets one install while
 * the others wait.
 */
export async function ensureExampleInstalled(name: string): Promise<string> {
  const dir = path.join(examplesDir, name);
  if (isInstalled(dir)) return dir;
  const lock = path.join(dir, '.npm-ci.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed process goes stale after two minutes.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 120_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (isInstalled(dir)) return dir;
    }
  }
  try {
    if (!isInstalled(dir)) {
      await promisify(execFile)('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        env: npmEnv(),
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

function isInstalled(dir: string): boolean {
  const installed = statSync(path.join(dir, 'node_modules', '.package-lock.json'), {
    throwIfNoEntry: false,
  });
  const lockfile = statSync(path.join(dir, 'package-lock.json'), { throwIfNoEntry: false });
  return !!installed && (!lockfile || lockfile.mtimeMs <= installed.mtimeMs) && existsSync(dir);
}

/** The environment without what `npm test` sets for its script, which would aim npm at the repo. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(npm_config_local_prefix|npm_package_|npm_lifecycle_|npm_command$|INIT_CWD$)/i.test(key),
    ),
  );
}
