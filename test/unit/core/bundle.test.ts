import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '../../../runtime/handler-loader.js';
import { bundleResponder } from '../../../src/core/build/bundle.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { bundle, failure } from '../../support/bundle-source.js';
import { examplesDir } from '../../support/examples.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

beforeAll(() => {
  // Lone files' extra dependencies are installed under $XDG_CACHE_HOME/lambdash/deps.
  process.env.XDG_CACHE_HOME = makeTempDir('lambdash-cache-');
});
afterAll(removeTempDirs);

const requireFile = createRequire(import.meta.url);
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe('the examples', () => {
  it('bundles hello-ts into one CommonJS file whose handler answers', async () => {
    const { result, events, out } = await bundle(path.join(examplesDir, 'hello-ts/handler.ts'));
    const bytes = statSync(path.join(out, 'index.js')).size;
    expect(result).toEqual({
      dir: out,
      file: 'index.js',
      handler: 'index.handler',
      externals: {},
      native: {},
      bytes,
    });
    expect(events).toEqual([{ type: 'bundle.done', bytes, files: 1, ms: expect.any(Number) }]);
    const { handler } = requireFile(path.join(out, 'index.js')) as { handler: Handler };
    expect(await handler({ name: 'Ada', language: 'fr' }, { awsRequestId: 'req-1' })).toEqual({
      message: 'Bonjour, Ada!',
      requestId: 'req-1',
    });
    // A source map by default, for traces at the TypeScript's lines.
    expect(existsSync(path.join(out, 'index.js.map'))).toBe(true);
    expect(existsSync(path.join(out, 'package.json'))).toBe(false);
  });

  it('writes no source map when told not to', async () => {
    const { code, out } = await bundle(path.join(examplesDir, 'hello-ts/handler.ts'), {
      sourcemap: false,
    });
    expect(code).not.toContain('sourceMappingURL');
    expect(existsSync(path.join(out, 'index.js.map'))).toBe(false);
  });
});

describe('output', () => {
  it('is byte for byte the same from two copies of the code in different folders', async () => {
    const files = {
      'fn.ts': "import { a } from './lib/a.js';\nexport const handler = () => a;\n",
      'lib/a.ts': 'export const a = 1;\n',
    };
    const one = await bundle(path.join(writeTree(makeTempDir(), files), 'fn.ts'), {
      sourcemap: true,
    });
    const two = await bundle(path.join(writeTree(makeTempDir(), files), 'fn.ts'), {
      sourcemap: true,
    });
    expect(two.code).toBe(one.code);
    expect(readFileSync(path.join(two.out, 'index.js.map'), 'utf8')).toBe(
      readFileSync(path.join(one.out, 'index.js.map'), 'utf8'),
    );
  });

  it("targets the image's Node version", async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts': 'export const handler = (o: { x?: number }) => {\n  o.x ??= 1;\n  return o;\n};\n',
    });
    expect((await bundle(path.join(dir, 'fn.ts'), { nodeMajor: 20 })).code).toContain('??=');
    const old = await bundle(path.join(dir, 'fn.ts'), { nodeMajor: 14 });
    expect(old.code).not.toContain('??=');
    const { handler } = requireFile(path.join(old.out, 'index.js')) as {
      handler: (o: object) => object;
    };
    expect(handler({})).toEqual({ x: 1 });
  });

  it('refuses a Node version that is not one', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': 'export const handler = () => 1;\n' });
    const responder = await getResponder(path.join(dir, 'fn.ts'));
    const error = await failure(bundleResponder(responder, makeTempDir(), { nodeMajor: 20.5 }));
    expect(error.code).toBe('INVALID_OPTION');
  });

  it('gives CommonJS bundles the import.meta values Node would', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.mts': [
        "import { createRequire } from 'node:module';",
        'export const handler = () => ({',
        '  url: import.meta.url,',
        '  dirname: import.meta.dirname,',
        '  filename: import.meta.filename,',
        "  path: createRequire(import.meta.url).resolve('node:path'),",
        '});',
        '',
      ].join('\n'),
    });
    const { out, result } = await bundle(path.join(dir, 'fn.mts'));
    expect(result.file).toBe('index.js');
    const { handler } = requireFile(path.join(out, 'index.js')) as { handler: () => unknown };
    expect(handler()).toEqual({
      url: pathToFileURL(path.join(out, 'index.js')).href,
      dirname: out,
      filename: path.join(out, 'index.js'),
      path: 'node:path',
    });
  });

  it('makes code with top-level await an ES module, index.mjs, whose bundled CommonJS can still require', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts': [
        "import eol from 'cjs-dep';",
        'const config = await Promise.resolve({ greeting: "hi" });',
        'export const handler = async () => config.greeting + eol();',
        '',
      ].join('\n'),
      'node_modules/cjs-dep/package.json': { name: 'cjs-dep', version: '1.0.0', main: 'index.js' },
      'node_modules/cjs-dep/index.js':
        "const os = require('os');\nmodule.exports = () => os.EOL;\n",
    });
    const { out, result } = await bundle(path.join(dir, 'fn.ts'), { sourcemap: true });
    expect(result).toMatchObject({ file: 'index.mjs', handler: 'index.handler' });
    expect(existsSync(path.join(out, 'index.js'))).toBe(false);
    expect(existsSync(path.join(out, 'index.mjs.map'))).toBe(true);
    const loaded = await loadHandler(result.handler, out);
    expect(await loaded.fn({}, {})).toBe('hi\n');
  });

  it('removes what an earlier bundle left in the folder', async () => {
    const awaits = writeTree(makeTempDir(), {
      'fn.ts': 'await 0;\nexport const handler = () => 1;\n',
    });
    const plain = writeTree(makeTempDir(), { 'fn.ts': 'export const handler = () => 2;\n' });
    const out = makeTempDir();
    await bundleResponder(await getResponder(path.join(awaits, 'fn.ts')), out, { sourcemap: true });
    expect(existsSync(path.join(out, 'index.mjs'))).toBe(true);
    const result = await bundleResponder(await getResponder(path.join(plain, 'fn.ts')), out);
    expect(result.file).toBe('index.js');
    for (const stale of ['index.mjs', 'index.mjs.map']) {
      expect(existsSync(path.join(out, stale))).toBe(false);
    }
  });

  it('names a nested export path in the handler', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': 'export const api = { orders: () => 3 };\n' });
    const { result, out } = await bundle(path.join(dir, 'fn.ts'), { handler: 'api.orders' });
    expect(result.handler).toBe('index.api.orders');
    expect(await (await loadHandler(result.handler, out)).fn({}, {})).toBe(3);
  });
});

describe('externals', () => {
  const project = (marker: Record<string, string | object>) => ({
    'fn.ts': [
      "import native from 'fake-native';",
      "import { version } from 'fake-native/lib/version.js';",
      "import pure from 'pure-dep';",
      'export const handler = () => [native, version, pure()];',
      '',
    ].join('\n'),
    'node_modules/fake-native/index.js': 'module.exports = "native";\n',
    'node_modules/fake-native/lib/version.js': 'exports.version = 1;\n',
    'node_modules/pure-dep/package.json': { name: 'pure-dep', version: '2.0.0', main: 'index.js' },
    'node_modules/pure-dep/index.js':
      "const deep = require('deep-native');\nmodule.exports = () => 'pure:' + deep;\n",
    'node_modules/deep-native/package.json': { name: 'deep-native', version: '0.3.1' },
    'node_modules/deep-native/binding.gyp': '{}\n',
    'node_modules/deep-native/index.js': 'module.exports = "deep";\n',
    ...marker,
  });
  const fakeNative = { name: 'fake-native', version: '1.2.3', main: 'index.js' };

  it.each([
    [
      'a binding.gyp',
      {
        'node_modules/fake-native/package.json': fakeNative,
        'node_modules/fake-native/binding.gyp': '{}\n',
      },
    ],
    [
      '"gypfile": true',
      { 'node_modules/fake-native/package.json': { ...fakeNative, gypfile: true } },
    ],
    [
      'a compiled .node file',
      {
        'node_modules/fake-native/package.json': fakeNative,
        'node_modules/fake-native/prebuilds/linux-x64/addon.node': 'ELF',
      },
    ],
  ])(
    'keeps a native addon with %s out of the bundle, at its installed version',
    async (_, marker) => {
      const dir = writeTree(makeTempDir(), project(marker));
      const { result, code, out } = await bundle(path.join(dir, 'fn.ts'));
      expect(result.externals).toEqual({ 'deep-native': '0.3.1', 'fake-native': '1.2.3' });
      expect(JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'))).toEqual({
        private: true,
        type: 'commonjs',
        dependencies: { 'deep-native': '0.3.1', 'fake-native': '1.2.3' },
      });
      expect(code).toContain('require("fake-native")');
      expect(code).toContain('require("fake-native/lib/version.js")');
      expect(code).toContain('require("deep-native")');
      // The pure package is inlined.
      expect(code).not.toContain('require("pure-dep")');
      expect(code).toContain('"pure:" + deep');
    },
  );

  it('keeps out a package that loads a build per platform (as sharp does), and says why', async () => {
    // Shaped like sharp: ES module code that loads its platform's build with a require() of its
    // own making, which esbuild cannot follow, so a bundle would hold no build at all.
    const dir = writeTree(makeTempDir(), {
      'fn.mjs': "import img from 'fake-img';\nexport const handler = () => img();\n",
      'node_modules/fake-img/package.json': {
        name: 'fake-img',
        version: '0.9.0',
        type: 'module',
        exports: './index.mjs',
        optionalDependencies: { 'fake-img-linux-x64': '0.9.0', 'fake-img-darwin-arm64': '0.9.0' },
      },
      'node_modules/fake-img/index.mjs': [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "export default () => require('fake-img-' + process.platform + '-' + process.arch);",
        '',
      ].join('\n'),
      'node_modules/fake-img-linux-x64/package.json': {
        name: 'fake-img-linux-x64',
        version: '0.9.0',
        os: ['linux'],
        cpu: ['x64'],
      },
    });
    const { result, code, events } = await bundle(path.join(dir, 'fn.mjs'));
    expect(result.externals).toEqual({ 'fake-img': '0.9.0' });
    const reason = 'it loads a build per platform from optional packages (fake-img-linux-x64)';
    expect(result.native).toEqual({ 'fake-img': reason });
    expect(code).toContain('require("fake-img")');
    expect(code).not.toContain('createRequire');
    expect(events).toContainEqual({
      type: 'build.log',
      text: `fake-img@0.9.0 is native, ${reason}: kept out of the bundle, installed for the image's platform`,
    });
  });

  it('inlines a package whose only platform builds are for other systems', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.mjs': "import watch from 'fake-watch';\nexport const handler = () => watch;\n",
      'node_modules/fake-watch/package.json': {
        name: 'fake-watch',
        version: '3.0.0',
        main: 'index.js',
        optionalDependencies: { fsevents: '~2.3.2' },
      },
      'node_modules/fake-watch/index.js': 'module.exports = "watching";\n',
    });
    const { result, code } = await bundle(path.join(dir, 'fn.mjs'));
    expect(result.externals).toEqual({});
    expect(result.native).toEqual({});
    expect(code).toContain('"watching"');
  });

  it('keeps the packages named in externals out, with their versions and the registries', async () => {
    const dir = writeTree(
      makeTempDir(),
      project({ 'node_modules/fake-native/package.json': fakeNative }),
    );
    const { result, code, out } = await bundle(path.join(dir, 'fn.ts'), {
      externals: ['pure-dep', 'fake-native'],
      registries: [
        { url: 'https://npm.acme.dev/', scope: '@acme' },
        { url: 'https://registry.example/' },
      ],
    });
    expect(result.externals).toEqual({ 'fake-native': '1.2.3', 'pure-dep': '2.0.0' });
    expect(result.native).toEqual({}); // kept out because they were named
    expect(code).toContain('require("pure-dep")');
    // deep-native is only reached through pure-dep, which is not bundled.
    expect(code).not.toContain('deep-native');
    expect(readFileSync(path.join(out, '.npmrc'), 'utf8')).toBe(
      'registry=https://registry.example/\n@acme:registry=https://npm.acme.dev/\n',
    );
  });

  it('refuses an external that is not installed: its version would be unknown', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts': "import pad from 'left-pad';\nexport const handler = () => pad;\n",
    });
    const responder = await getResponder(path.join(dir, 'fn.ts'), { externals: ['left-pad'] });
    const error = await failure(bundleResponder(responder, makeTempDir()));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message).toBe(
      'The external package left-pad is not installed, so its version is unknown.',
    );
  });
});

describe('dependencies', () => {
  it('shows an import of a package that is not installed with its place and a hint', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts': "import x from 'not-installed-pkg';\nexport const handler = () => x;\n",
    });
    const responder = await getResponder(path.join(dir, 'fn.ts'));
    const error = await failure(bundleResponder(responder, makeTempDir()));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message.split('\n')).toContain(
      'fn.ts:1:15: Could not resolve "not-installed-pkg"',
    );
    expect(error.hint).toContain('npm install not-installed-pkg');
  });

  it('names the missing dependencies and the folder to run npm install in', async () => {
    const dir = writeTree(makeTempDir(), {
      'package.json': { name: 'p', main: 'fn.ts', dependencies: { zod: '^4.1.0' } },
      'fn.ts': 'export const handler = () => 1;\n',
    });
    const error = await failure(bundleResponder(await getResponder(dir), makeTempDir()));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message).toBe(
      `The dependencies of ${dir} are not installed: zod is in no node_modules of that folder or a folder above it.`,
    );
    expect(error.hint).toBe(`Install them: cd ${dir} && npm install`);
  });
});

it('stops at once when cancelled', async () => {
  const dir = writeTree(makeTempDir(), { 'fn.ts': 'export const handler = () => 1;\n' });
  const responder = await getResponder(path.join(dir, 'fn.ts'));
  const error = await failure(
    bundleResponder(responder, makeTempDir(), { signal: AbortSignal.abort() }),
  );
  expect(error.code).toBe('ABORTED');
});

it('copies nothing of the source folder into the output', async () => {
  const dir = writeTree(makeTempDir(), {
    'fn.ts': 'export const handler = () => 1;\n',
    'secret.env': 'KEY=1\n',
  });
  const { out } = await bundle(path.join(dir, 'fn.ts'));
  cpSync(out, path.join(makeTempDir(), 'copy'), { recursive: true });
  expect(existsSync(path.join(out, 'secret.env'))).toBe(false);
});
