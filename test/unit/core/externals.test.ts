// Which installed packages are native addons, told from a few files rather than a walk.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNativePackage } from '../../../src/core/externals.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

const manifest = (extra: object = {}) => ({ name: 'pkg', version: '1.0.0', ...extra });

describe('isNativePackage', () => {
  it.each([
    ['a binding.gyp', { 'binding.gyp': '{}' }],
    ['"gypfile": true', { 'package.json': manifest({ gypfile: true }) }],
    [
      'a dependency on node-gyp-build',
      { 'package.json': manifest({ dependencies: { 'node-gyp-build': '^4' } }) },
    ],
    [
      'a dependency on bindings',
      { 'package.json': manifest({ dependencies: { bindings: '^1' } }) },
    ],
    [
      'an optional dependency on prebuild-install',
      { 'package.json': manifest({ optionalDependencies: { 'prebuild-install': '^7' } }) },
    ],
    ['a prebuilds folder', { 'prebuilds/linux-x64/pkg.node': 'ELF' }],
    ['a compiled addon in build/Release', { 'build/Release/pkg.node': 'ELF' }],
    ['a compiled addon in lib/', { 'lib/pkg-linux-x64.node': 'ELF' }],
    ['a compiled addon at its top', { 'pkg.node': 'ELF' }],
  ])('knows one by %s', async (_, files) => {
    const dir = writeTree(makeTempDir(), { 'package.json': manifest(), ...files });
    expect(await isNativePackage(dir)).toBe(true);
  });

  it.each([
    ['plain JavaScript', { 'index.js': '' }],
    ['a .node file deep in its docs', { 'docs/examples/old/x.node': '' }],
    [
      'a dependency on an ordinary package',
      { 'package.json': manifest({ dependencies: { zod: '^4' } }) },
    ],
  ])('takes a package of %s for plain', async (_, files) => {
    const dir = writeTree(makeTempDir(), { 'package.json': manifest(), ...files });
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
