import { cpSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  HASH_SCHEME,
  hashResponderInputs,
  relativePath,
  sha256Hex,
} from '../../../src/core/responder/hash.js';
import { getResponder, type ResponderOptions } from '../../../src/core/responder/responder.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}',
    );
  });

  it('gives equal text for objects built in different orders', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(
      canonicalJson({ y: { q: 2, p: 1 }, x: 1 }),
    );
  });
});

describe('sha256Hex and relativePath', () => {
  it('is sha256 in hex', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('writes paths relative to the root with forward slashes', () => {
    expect(relativePath('/a/b', '/a/b/src/x.ts')).toBe('src/x.ts');
    expect(relativePath('/a/b', '/a/shared/y.ts')).toBe('../shared/y.ts');
  });
});

describe('hashResponderInputs', () => {
  const files = {
    'handler.ts': 'export const handler = () => 1;\n',
    'lib/util.ts': 'export const two = 2;\n',
    'package-lock.json': '{"lockfileVersion":3}\n',
  };
  const input = (root: string, sources = ['handler.ts', 'lib/util.ts']) => ({
    root,
    entry: path.join(root, 'handler.ts'),
    sources: sources.map((file) => path.join(root, file)),
    lockfiles: [path.join(root, 'package-lock.json')],
    configFiles: [],
    packages: ['zod@4.1.0', 'dep@1.0.0'],
    manifest: { dependencies: { zod: '^4.1.0' } },
    settings: { handler: 'handler', dependencies: {}, externals: [], registries: [] },
  });

  it('is pinned: the same code hashes the same on every machine and run', async () => {
    // Absolute paths, times or the machine leaking in would change this value. When what is
    // hashed changes on purpose, bump HASH_SCHEME and update the value.
    const root = writeTree(makeTempDir(), files);
    expect(HASH_SCHEME).toBe('lambdash-responder/1');
    expect(await hashResponderInputs(input(root))).toBe(
      '797122cebfa724f9b61a2488ce020fbd0db50476cd3dcf92b1bcb38921ffa9c5',
    );
  });

  it('ignores the order of sources and packages, and duplicates', async () => {
    const root = writeTree(makeTempDir(), files);
    const reordered = {
      ...input(root, ['lib/util.ts', 'handler.ts', 'lib/util.ts']),
      packages: ['dep@1.0.0', 'zod@4.1.0', 'dep@1.0.0'],
    };
    expect(await hashResponderInputs(reordered)).toBe(await hashResponderInputs(input(root)));
  });

  it('depends on relative paths, not on where the folder is; a renamed file counts', async () => {
    const first = writeTree(makeTempDir(), files);
    const second = writeTree(makeTempDir(), files);
    expect(await hashResponderInputs(input(second))).toBe(await hashResponderInputs(input(first)));
    const renamed = writeTree(makeTempDir(), files);
    renameSync(path.join(renamed, 'lib/util.ts'), path.join(renamed, 'lib/helpers.ts'));
    expect(await hashResponderInputs(input(renamed, ['handler.ts', 'lib/helpers.ts']))).not.toBe(
      await hashResponderInputs(input(first)),
    );
  });
});

// The hash as getResponder computes it: which inputs reach it, and which do not.
describe('responder hash', () => {
  const pkg = {
    name: 'orders',
    version: '1.0.0',
    description: 'Orders',
    main: 'src/index.ts',
    scripts: { test: 'vitest' },
    dependencies: { dep: '^1.0.0' },
    devDependencies: { typescript: '^5.9.0' },
  };
  const tree = {
    'package.json': pkg,
    'package-lock.json': {
      lockfileVersion: 3,
      packages: { 'node_modules/dep': { version: '1.0.0' } },
    },
    'tsconfig.json': { compilerOptions: { strict: true } },
    'src/index.ts': [
      "import dep from 'dep';",
      "import { price } from './price.js';",
      'export const handler = async () => ({ total: price(2), dep });',
      'export const other = () => 1;',
      '',
    ].join('\n'),
    'src/price.ts': 'export const price = (n: number) => n * 3;\n',
    'src/unused.ts': 'export const unused = 1;\n',
    'README.md': '# Orders\n',
    'node_modules/dep/package.json': { name: 'dep', version: '1.0.0', main: 'index.js' },
    'node_modules/dep/index.js': 'module.exports = 42;\n',
  };
  let baseline: string;

  beforeAll(async () => {
    baseline = (await getResponder(writeTree(makeTempDir(), tree))).hash;
  });

  it('is a sha256 hex', () => {
    expect(baseline).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same on a second call', async () => {
    const dir = writeTree(makeTempDir(), tree);
    const first = await getResponder(dir);
    const second = await getResponder(dir);
    expect(second.hash).toBe(first.hash);
    expect(first.hash).toBe(baseline);
  });

  it('is the same for a copy of the code in another folder', async () => {
    const dir = writeTree(makeTempDir(), tree);
    const copy = path.join(makeTempDir(), 'elsewhere', 'orders-copy');
    cpSync(dir, copy, { recursive: true });
    expect((await getResponder(copy)).hash).toBe(baseline);
  });

  type Change = {
    readonly what: string;
    readonly files?: Record<string, string | object>;
    readonly options?: ResponderOptions;
    readonly touch?: string;
  };
  const changes: Change[] = [
    { what: 'the entry file', files: { 'src/index.ts': `${tree['src/index.ts']}// edited\n` } },
    {
      what: 'an imported file',
      files: { 'src/price.ts': 'export const price = (n: number) => n * 4;\n' },
    },
    {
      what: 'the lockfile',
      files: {
        'package-lock.json': {
          lockfileVersion: 3,
          packages: { 'node_modules/dep': { version: '1.0.1' } },
        },
      },
    },
    {
      what: 'a dependency range',
      files: { 'package.json': { ...pkg, dependencies: { dep: '^1.1.0' } } },
    },
    {
      what: 'an added dependency',
      files: { 'package.json': { ...pkg, dependencies: { dep: '^1.0.0', left: '1.0.0' } } },
    },
    { what: 'the module type', files: { 'package.json': { ...pkg, type: 'module' } } },
    {
      what: 'the installed version of an imported package',
      files: {
        'node_modules/dep/package.json': { name: 'dep', version: '1.0.1', main: 'index.js' },
      },
    },
    {
      what: 'tsconfig.json',
      files: {
        'tsconfig.json': { compilerOptions: { strict: true, experimentalDecorators: true } },
      },
    },
    { what: 'the handler name', options: { handler: 'other' } },
    { what: 'extra dependencies', options: { dependencies: { zod: '^4.1.0' } } },
    { what: 'externals', options: { externals: ['dep'] } },
    {
      what: 'registries',
      options: { registries: [{ url: 'https://npm.example.com/', scope: '@acme' }] },
    },
  ];
  it.each(changes)('changes with $what', async ({ files, options }) => {
    const dir = writeTree(writeTree(makeTempDir(), tree), files ?? {});
    expect((await getResponder(dir, options)).hash).not.toBe(baseline);
  });

  const nonChanges: Change[] = [
    { what: 'an unrelated source file', files: { 'src/unused.ts': 'export const unused = 2;\n' } },
    { what: 'a new unrelated file', files: { 'notes/todo.md': 'later\n' } },
    { what: 'the README', files: { 'README.md': '# Orders, revised\n' } },
    {
      what: "package.json's description and scripts",
      files: { 'package.json': { ...pkg, description: 'Other', scripts: {} } },
    },
    { what: 'devDependencies alone', files: { 'package.json': { ...pkg, devDependencies: {} } } },
    {
      what: "an installed package's files (its version stands for them)",
      files: { 'node_modules/dep/index.js': 'module.exports = 43;\n' },
    },
    { what: 'the image name', options: { name: 'another-name' } },
    { what: 'file times', touch: 'src/index.ts' },
  ];
  it.each(nonChanges)('does not change with $what', async ({ files, options, touch }) => {
    const dir = writeTree(writeTree(makeTempDir(), tree), files ?? {});
    if (touch) utimesSync(path.join(dir, touch), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await getResponder(dir, { ...options, onEvent: () => undefined })).hash).toBe(baseline);
  });

  it('does not depend on the order options are given in', async () => {
    const dir = writeTree(makeTempDir(), tree);
    const a = await getResponder(dir, {
      externals: ['b', 'a'],
      dependencies: { y: '1', x: '2' },
      registries: [{ url: 'https://b.example/' }, { url: 'https://a.example/', scope: '@a' }],
    });
    const b = await getResponder(dir, {
      externals: ['a', 'b', 'a'],
      dependencies: { x: '2', y: '1' },
      registries: [{ url: 'https://a.example/', scope: '@a' }, { url: 'https://b.example/' }],
    });
    expect(b.hash).toBe(a.hash);
  });
});

describe('lone file hash', () => {
  it('counts the lockfile beside the packages it imports', async () => {
    const tree = {
      'fn.ts': "import dep from 'dep';\nexport const handler = () => dep;\n",
      'package-lock.json': '{"v":1}\n',
      'node_modules/dep/package.json': { name: 'dep', version: '1.0.0' },
      'node_modules/dep/index.js': 'module.exports = 1;\n',
    };
    const dir = writeTree(makeTempDir(), tree);
    const before = (await getResponder(path.join(dir, 'fn.ts'))).hash;
    writeFileSync(path.join(dir, 'package-lock.json'), '{"v":2}\n');
    expect((await getResponder(path.join(dir, 'fn.ts'))).hash).not.toBe(before);
  });

  it('ignores a lockfile in its folder when it imports no package', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts':
        "import { readFileSync } from 'node:fs';\nexport const handler = () => readFileSync;\n",
      'package-lock.json': '{"v":1}\n',
      'other.ts': 'export const x = 1;\n',
    });
    const before = (await getResponder(path.join(dir, 'fn.ts'))).hash;
    writeTree(dir, { 'package-lock.json': '{"v":2}\n', 'other.ts': 'export const x = 2;\n' });
    expect((await getResponder(path.join(dir, 'fn.ts'))).hash).toBe(before);
  });

  it('is pinned for a lone file: nothing of the machine reaches it', async () => {
    const dir = writeTree(makeTempDir(), {
      'hello.ts': "import { b } from './b.js';\nexport const handler = async () => b;\n",
      'b.ts': 'export const b = "b";\n',
    });
    expect((await getResponder(path.join(dir, 'hello.ts'))).hash).toBe(
      '9bd8099e1068b7f143c716a4229829b855b5c9a2940f211eceb5b447daa5d64e',
    );
  });
});
