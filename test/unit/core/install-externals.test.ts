// Native addons compiled as they install are refused when this machine is not the image's
// platform: they would be built for the wrong one. So are packages that load a build per
// platform when npm installed none for the image's.
import { describe, expect, it } from 'vitest';
import {
  checkAddonsFitTarget,
  checkPlatformBuildsInstalled,
} from '../../../src/core/build/install-externals.js';
import { isLambdashError } from '../../../src/core/common/errors.js';
import { makeTempDir, writeTree } from '../../support/temp-tree.js';

const linuxX64 = { os: 'linux', cpu: 'x64' };
const linuxArm = { os: 'linux', cpu: 'arm64' };
const mac = { os: 'darwin', cpu: 'arm64' };

function modules(files: Record<string, string | object>): string {
  return writeTree(makeTempDir(), {
    'pure/package.json': { name: 'pure', version: '1.0.0' },
    ...files,
  });
}

const compiled = {
  'addon/package.json': { name: 'addon', version: '1.0.0' },
  'addon/binding.gyp': '{}',
  '@scope/gyp/package.json': { name: '@scope/gyp', version: '1.0.0', gypfile: true },
};

describe('checkAddonsFitTarget', () => {
  it.each([
    ['an x64 machine for linux/arm64', linuxX64, linuxArm],
    ['a Mac for linux/x64', mac, linuxX64],
  ])('refuses compiled addons on %s, naming them and what to do', async (_, host, target) => {
    const error = await checkAddonsFitTarget(modules(compiled), target, host).catch((e) => e);
    expect(isLambdashError(error, 'INSTALL_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      `@scope/gyp, addon are native addons compiled as they install, and this machine (${host.os}/${host.cpu}) would compile them for itself, not for the image (${target.os}/${target.cpu}).`,
    );
    expect((error as { hint?: string }).hint).toBe(
      `Build the image on a ${target.os}/${target.cpu} machine (or in a ${target.os}/${target.cpu} container), or use a version that ships prebuilt binaries for ${target.os}/${target.cpu}.`,
    );
  });

  it('lets them through when this machine is the image platform', async () => {
    await expect(checkAddonsFitTarget(modules(compiled), linuxX64, linuxX64)).resolves.toBe(
      undefined,
    );
  });

  it('lets through addons that ship prebuilt binaries, and plain packages', async () => {
    const dir = modules({
      'addon/package.json': { name: 'addon', version: '1.0.0' },
      'addon/binding.gyp': '{}',
      'addon/prebuilds/linux-arm64/addon.node': 'ELF',
    });
    await expect(checkAddonsFitTarget(dir, linuxArm, linuxX64)).resolves.toBe(undefined);
  });
});

describe('checkPlatformBuildsInstalled', () => {
  const sharpLike = {
    'img/package.json': {
      name: 'img',
      version: '1.0.0',
      optionalDependencies: { '@img/img-linux-x64': '1.0.0', '@img/img-darwin-arm64': '1.0.0' },
    },
  };

  it('lets a package through when npm installed one of its builds for Linux', async () => {
    const dir = modules({
      ...sharpLike,
      '@img/img-linux-x64/package.json': { name: '@img/img-linux-x64', version: '1.0.0' },
    });
    await expect(checkPlatformBuildsInstalled(dir, linuxX64)).resolves.toBe(undefined);
  });

  it('finds a build npm nested in the package', async () => {
    const dir = modules({
      ...sharpLike,
      'img/node_modules/@img/img-linux-x64/package.json': { name: '@img/img-linux-x64' },
    });
    await expect(checkPlatformBuildsInstalled(dir, linuxX64)).resolves.toBe(undefined);
  });

  it('refuses one with no build for the image, naming it, its builds and what to do', async () => {
    const dir = modules(sharpLike);
    const error = await checkPlatformBuildsInstalled(dir, linuxArm).catch((e) => e);
    expect(isLambdashError(error, 'INSTALL_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      'img loads a build for each platform, and none of its builds fits the image (linux/arm64, glibc): img (@img/img-linux-x64).',
    );
    expect((error as { hint?: string }).hint).toBe(
      'Use a version of img that publishes a build for linux/arm64, build for a platform it has one for ("architecture" in lambdash.json), or keep the code that uses it out of this responder.',
    );
  });

  it('lets through packages whose optional builds are for other systems only', async () => {
    const dir = modules({
      'watch/package.json': {
        name: 'watch',
        version: '3.0.0',
        optionalDependencies: { fsevents: '2.3.3' },
      },
    });
    await expect(checkPlatformBuildsInstalled(dir, linuxX64)).resolves.toBe(undefined);
  });
});
