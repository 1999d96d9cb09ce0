// Which installed packages are native, told from a few files rather than a walk: compiled
// addons, and packages that load a build per platform from packages of their own (sharp).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isNativePackage,
  linuxBuilds,
  nativeReason,
} from '../../../src/core/build/native-package.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

const manifest = (extra: object = {}) => ({ name: 'pkg', version: '1.0.0', ...extra });

/** A node_modules folder holding `pkg` (its files under pkg/) and any other packages given. */
function installed(files: Record<string, string | object>): string {
  const modules = path.join(makeTempDir(), 'node_modules');
  writeTree(modules, { 'pkg/package.json': manifest(), ...files });
  return path.join(modules, 'pkg');
}

describe('nativeReason', () => {
  it.each([
    ['a binding.gyp', { 'pkg/binding.gyp': '{}' }, 'node-gyp builds it (binding.gyp)'],
    [
      '"gypfile": true',
      { 'pkg/package.json': manifest({ gypfile: true }) },
      'node-gyp builds it ("gypfile": true)',
    ],
    [
      'a dependency on node-gyp-build',
      { 'pkg/package.json': manifest({ dependencies: { 'node-gyp-build': '^4' } }) },
      'it depends on node-gyp-build, which addons are built or loaded with',
    ],
    [
      'a dependency on bindings',
      { 'pkg/package.json': manifest({ dependencies: { bindings: '^1' } }) },
      'it depends on bindings, which addons are built or loaded with',
    ],
    [
      'an optional dependency on prebuild-install',
      { 'pkg/package.json': manifest({ optionalDependencies: { 'prebuild-install': '^7' } }) },
      'it depends on prebuild-install, which addons are built or loaded with',
    ],
    [
      'a prebuilds folder',
      { 'pkg/prebuilds/linux-x64/pkg.node': 'ELF' },
      'it ships compiled addons (prebuilds/)',
    ],
    [
      'a compiled addon in build/Release',
      { 'pkg/build/Release/pkg.node': 'ELF' },
      'it holds a compiled addon (build/Release/pkg.node)',
    ],
    [
      'a compiled addon in lib/',
      { 'pkg/lib/pkg-linux-x64.node': 'ELF' },
      'it holds a compiled addon (lib/pkg-linux-x64.node)',
    ],
    [
      'a compiled addon at its top',
      { 'pkg/pkg.node': 'ELF' },
      'it holds a compiled addon (pkg.node)',
    ],
    [
      'optional builds named for each platform, as sharp has (none of them installed)',
      {
        'pkg/package.json': manifest({
          optionalDependencies: {
            '@img/sharp-darwin-arm64': '1.0.0',
            '@img/sharp-linux-x64': '1.0.0',
            '@img/sharp-linuxmusl-arm64': '1.0.0',
            '@img/sharp-linux-arm64': '1.0.0',
            '@img/colour': '1.0.0',
          },
        }),
      },
      'it loads a build per platform from optional packages (@img/sharp-linux-x64 and 2 more)',
    ],
    [
      'an installed optional build for Linux, whatever its name',
      {
        'pkg/package.json': manifest({ optionalDependencies: { 'pkg-binary-amd': '1.0.0' } }),
        'pkg-binary-amd/package.json': { name: 'pkg-binary-amd', version: '1.0.0', os: ['linux'] },
      },
      'it loads a build per platform from optional packages (pkg-binary-amd)',
    ],
  ])('knows one by %s, and says so', async (_, files, reason) => {
    const dir = installed(files);
    expect(await nativeReason(dir)).toBe(reason);
    expect(await isNativePackage(dir)).toBe(true);
  });

  it.each([
    ['plain JavaScript', { 'pkg/index.js': '' }],
    ['a .node file deep in its docs', { 'pkg/docs/examples/old/x.node': '' }],
    ['a binding.gyp in its sources only', { 'pkg/src/binding.gyp': '{}' }],
    [
      'a dependency on an ordinary package',
      { 'pkg/package.json': manifest({ dependencies: { zod: '^4' } }) },
    ],
    [
      'an optional build for macOS only (fsevents)',
      {
        'pkg/package.json': manifest({ optionalDependencies: { fsevents: '~2.3.2' } }),
        'fsevents/package.json': { name: 'fsevents', version: '2.3.3', os: ['darwin'] },
      },
    ],
    [
      'an optional plain dependency',
      {
        'pkg/package.json': manifest({ optionalDependencies: { colors: '1.0.0' } }),
        'colors/package.json': { name: 'colors', version: '1.0.0' },
      },
    ],
  ])('takes a package of %s for plain', async (_, files) => {
    const dir = installed(files);
    expect(await nativeReason(dir)).toBeUndefined();
    expect(await isNativePackage(dir)).toBe(false);
  });

  it('looks once per folder and version, and again for another version', async () => {
    const dir = writeTree(makeTempDir(), { 'package.json': manifest(), 'binding.gyp': '{}' });
    expect(await isNativePackage(dir)).toBe(true);
    rmSync(path.join(dir, 'binding.gyp'));
    expect(await isNativePackage(dir)).toBe(true); // the same version: the answer is kept
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest({ version: '1.0.1' })));
    expect(await isNativePackage(dir)).toBe(false);
    mkdirSync(path.join(dir, 'prebuilds'));
    expect(await isNativePackage(dir)).toBe(false); // 1.0.1 was looked at already
  });
});

describe('linuxBuilds', () => {
  it('finds installed builds as Node would, and none above the top folder', async () => {
    const pkg = manifest({ optionalDependencies: { 'b-amd': '1.0.0', 'b-arm': '1.0.0' } });
    const modules = path.join(makeTempDir(), 'node_modules');
    const inner = path.join(modules, 'outer', 'node_modules');
    writeTree(modules, {
      'outer/node_modules/pkg/package.json': pkg,
      'b-amd/package.json': { name: 'b-amd', version: '1.0.0', os: ['linux'], cpu: ['x64'] },
      'outer/node_modules/pkg/node_modules/b-arm/package.json': { name: 'b-arm', os: ['linux'] },
    });
    const dir = path.join(inner, 'pkg');
    expect(await linuxBuilds(dir, pkg)).toEqual(['b-amd', 'b-arm']);
    expect(await linuxBuilds(dir, pkg, modules)).toEqual(['b-amd', 'b-arm']);
    expect(await linuxBuilds(dir, pkg, inner)).toEqual(['b-arm']);
  });
});
