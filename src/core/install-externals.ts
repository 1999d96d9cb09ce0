// Packages the bundle leaves out (native addons, explicit externals) are installed on the
// host, production dependencies only, from the package.json (and registry-only .npmrc) the
// bundle wrote, then copied into the build context. Installing here rather than in a RUN
// step keeps registry credentials (the user's own npm config) out of every image layer and
// needs no network inside the build; the .npmrc itself stays out of the image too.
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Bundle } from './bundle.js';
import { LambdashError } from './errors.js';
import type { OperationOptions } from './events.js';
import { npmErrorSummary } from './npm.js';
import { runNpm, ToolFailure } from './run-tool.js';

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
    try {
      await runNpm(COMMAND, workdir, options);
    } catch (error) {
      if (!(error instanceof ToolFailure)) throw error; // ABORTED
      throw new LambdashError(
        'INSTALL_FAILED',
        `Could not install ${names.join(', ')} for the image: ${npmErrorSummary(error.stderr) || error.tail()}`,
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
