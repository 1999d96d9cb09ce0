// Packages the bundle leaves out (native addons, explicit externals) are installed on the
// host, production dependencies only, from the package.json (and registry-only .npmrc) the
// bundle wrote, then copied into the build context. Installing here rather than in a RUN
// step keeps registry credentials (the user's own npm config) out of every image layer and
// needs no network inside the build; the .npmrc itself stays out of the image too.
//
// npm picks platform-specific optional packages for the image's platform (--os, --cpu, and
// --libc: the images are glibc systems, Debian's node images and Amazon Linux alike), but an
// addon compiled at install time is compiled for this machine: when this machine is not the
// image's platform, such an addon is refused rather than shipped for the wrong one. So is a
// package that loads a build per platform when npm found none for the image's.
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LambdashError } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import type { Platform } from '../common/platform.js';
import { runNpm, ToolFailure } from '../common/run-tool.js';
import { npmErrorSummary } from '../responder/npm.js';
import type { Bundle } from './bundle.js';
import { installedDir, linuxBuilds } from './native-package.js';

const COMMAND = [
  'install',
  '--omit=dev',
  '--no-audit',
  '--no-fund',
  '--no-package-lock',
  '--loglevel=error',
];

export interface InstallExternalsOptions extends OperationOptions {
  /** The image's platform, whose addons npm installs; default linux/amd64. */
  readonly platform?: Platform;
}

export async function installExternals(
  bundle: Bundle,
  nodeModules: string,
  options: InstallExternalsOptions = {},
): Promise<void> {
  const cpu = options.platform === 'linux/arm64' ? 'arm64' : 'x64';
  const npmrc = path.join(bundle.dir, '.npmrc');
  const names = Object.keys(bundle.externals);
  if (names.length === 0) return;
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'lambdash-externals-'));
  try {
    await copyFile(path.join(bundle.dir, 'package.json'), path.join(workdir, 'package.json'));
    if (existsSync(npmrc)) await copyFile(npmrc, path.join(workdir, '.npmrc'));
    try {
      await runNpm([...COMMAND, '--os=linux', `--cpu=${cpu}`, '--libc=glibc'], workdir, options);
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
    await checkAddonsFitTarget(installed, { os: 'linux', cpu });
    await checkPlatformBuildsInstalled(installed, { os: 'linux', cpu });
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

interface Target {
  readonly os: string;
  readonly cpu: string;
}

/**
 * Refuses installed packages that were compiled as they installed (a binding.gyp or
 * "gypfile", and no prebuilt binaries) when this machine is not the image's platform: their
 * addon was built for this machine and would not load in the image.
 */
export async function checkAddonsFitTarget(
  nodeModules: string,
  target: Target,
  host: Target = { os: process.platform, cpu: process.arch },
): Promise<void> {
  if (host.os === target.os && host.cpu === target.cpu) return;
  const compiled: string[] = [];
  for (const dir of await packageDirs(nodeModules)) {
    const manifest = await readFile(path.join(dir, 'package.json'), 'utf8')
      .then((text) => JSON.parse(text) as { name?: unknown; gypfile?: unknown })
      .catch(() => undefined);
    const built = existsSync(path.join(dir, 'binding.gyp')) || manifest?.gypfile === true;
    if (built && !existsSync(path.join(dir, 'prebuilds'))) {
      compiled.push(typeof manifest?.name === 'string' ? manifest.name : path.basename(dir));
    }
  }
  if (compiled.length === 0) return;
  compiled.sort();
  const image = `${target.os}/${target.cpu}`;
  throw new LambdashError(
    'INSTALL_FAILED',
    `${compiled.join(', ')} ${compiled.length === 1 ? 'is a native addon' : 'are native addons'} compiled as ${compiled.length === 1 ? 'it installs' : 'they install'}, and this machine (${host.os}/${host.cpu}) would compile ${compiled.length === 1 ? 'it' : 'them'} for itself, not for the image (${image}).`,
    `Build the image on a ${image} machine (or in a ${image} container), or use a version that ships prebuilt binaries for ${image}.`,
  );
}

/**
 * Refuses installed packages that load a build per platform (their optional dependencies for
 * Linux, such as sharp's @img/sharp-linux-x64) when npm installed none of those builds: there is
 * none for the image's platform, and the package would fail to load in the image.
 */
export async function checkPlatformBuildsInstalled(
  nodeModules: string,
  target: Target,
): Promise<void> {
  const missing: { name: string; builds: string[] }[] = [];
  for (const dir of await packageDirs(nodeModules)) {
    const manifest = await readFile(path.join(dir, 'package.json'), 'utf8')
      .then((text) => JSON.parse(text) as Record<string, unknown>)
      .catch(() => undefined);
    const builds = await linuxBuilds(dir, manifest, nodeModules);
    if (builds.length === 0 || builds.some((build) => installedDir(dir, build, nodeModules))) {
      continue;
    }
    const name = typeof manifest?.name === 'string' ? manifest.name : path.basename(dir);
    missing.push({ name, builds });
  }
  if (missing.length === 0) return;
  missing.sort((a, b) => (a.name < b.name ? -1 : 1));
  const image = `${target.os}/${target.cpu}`;
  const names = missing.map((m) => m.name).join(', ');
  const listed = missing.map((m) => `${m.name} (${m.builds.join(', ')})`).join('; ');
  throw new LambdashError(
    'INSTALL_FAILED',
    `${names} ${missing.length === 1 ? 'loads a build' : 'load builds'} for each platform, and none of ${missing.length === 1 ? 'its' : 'their'} builds fits the image (${image}, glibc): ${listed}.`,
    `Use a version of ${names} that publishes a build for ${image}, build for a platform it has one for ("architecture" in lambdash.json), or keep the code that uses it out of this responder.`,
  );
}

/** The package folders directly in node_modules (scoped ones included). */
async function packageDirs(nodeModules: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const entry of await readdir(nodeModules).catch(() => [] as string[])) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of await readdir(path.join(nodeModules, entry)).catch(
        () => [] as string[],
      )) {
        dirs.push(path.join(nodeModules, entry, scoped));
      }
    } else {
      dirs.push(path.join(nodeModules, entry));
    }
  }
  return dirs;
}
