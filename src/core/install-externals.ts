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
import { LambdashError } from './errors.js';
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
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new LambdashError(
        'INSTALL_FAILED',
        `Could not install ${names.join(', ')} for the image: ${stderr.split('\n').slice(-5).join('\n') || (error as Error).message}`,
        'Check that the packages and versions exist in your registry (and your npm login, for private ones).',
        { cause: error },
      );
    }
    await cp(path.join(workdir, 'node_modules'), nodeModules, { recursive: true });
  } finally {
    await rm(workdir, { recursive: true, force: true });
    await rm(npmrc, { force: true });
  }
}
