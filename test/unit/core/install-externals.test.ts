// Native addons compiled as they install are refused when this machine is not the image's
// platform: they would be built for the wrong one.
import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/errors.js';
import { checkAddonsFitTarget } from '../../../src/core/install-externals.js';
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
