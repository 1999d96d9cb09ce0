// Packages the bundle leaves out (native addons, explicit externals) are installed on the
// host, production dependencies only, from the package.json (and registry-only .npmrc) the
// bundle wrote, then copied into the build context. Installing here rather than in a RUN
// step keeps registry credentials (the user's own npm config) out of every image layer and
// needs no network inside the build; the .npmrc itself stays out of the image too.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Bundle } from './bundle.js';
import { LambdashError, throwIfAborted } from './errors.js';
import { emit, type OperationOptions } from './events.js';

const run = promisify(execFile);
const COMMAND = [
  'install',
  '--omit=dev',
  '--no-audit',
  '--no-fund',
  '--no-package-lock',
  '--loglevel=error',
];

export async function installExternals(
  bundle: Bundle,
  nodeModules: string,
  options: OperationOptions = {},
): Promise<void> {
  const npmrc = path.join(bundle.dir, '.npmrc');
  const names = Object.keys(bundle.externals);
  if (names.length === 0) return;
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'lambdash-externals-'));
  try {
    await copyFile(path.join(bundle.dir, 'package.json'), path.join(workdir, 'package.json'));
    if (existsSync(npmrc)) await copyFile(npmrc, path.join(workdir, '.npmrc'));
    emit(options, { type: 'npm.install', dir: workdir, command: `npm ${COMMAND.join(' ')}` });
    try {
      await run('npm', COMMAND, {
        cwd: workdir,
        signal: options.signal,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      throwIfAborted(options.signal, 'Installing the packages kept out of the bundle');
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      throw new LambdashError(
        'INSTALL_FAILED',
        `Could not install ${names.join(', ')} for the image: ${npmErrorSummary(stderr) || (error as Error).message}`,
        'Check that the packages and versions exist in your registry (and your npm login, for private ones).',
        { cause: error },
      );
    }
    // npm makes no node_modules when every package was optional and skipped. Its hidden
    // lockfile (which names the registries) is of no use at run time and stays out.
    const installed = path.join(workdir, 'node_modules');
    const hiddenLockfile = path.join(installed, '.package-lock.json');
    if (existsSync(installed)) {
      await cp(installed, nodeModules, {
        recursive: true,
        filter: (file) => file !== hiddenLockfile,
      });
    }
  } finally {
    await rm(workdir, { recursive: true, force: true });
    await rm(npmrc, { force: true });
  }
}

/**
 * The lines of npm's error output that say what went wrong: without the `npm error` prefixes,
 * warnings, stack frames, dumped error objects, bare status codes and the log file's path.
 */
function npmErrorSummary(stderr: string): string {
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
      /complete log of this run/.test(text)
    ) {
      continue;
    }
    if (!lines.includes(text)) lines.push(text);
  }
  return lines.slice(0, 4).join('\n');
}
