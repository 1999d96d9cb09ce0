import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { sha256Hex } from '../../../src/core/responder/hash.js';
import {
  getResponder,
  type Responder,
  type ResponderOptions,
} from '../../../src/core/responder/responder.js';
import { examplesDir } from '../../support/examples.js';
import {
  commitAll,
  git,
  makeGitRepo,
  makeTempDir,
  removeTempDirs,
  writeTree,
} from '../../support/temp-tree.js';

let cacheHome: string;
beforeAll(() => {
  // Clones go to $XDG_CACHE_HOME/lambdash/git: keep them in this test's temp folder.
  cacheHome = makeTempDir('lambdash-cache-');
  process.env.XDG_CACHE_HOME = cacheHome;
});
afterAll(removeTempDirs);

/** The LambdashError a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<LambdashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdashError);
  return error as LambdashError;
}

const HELLO = "export const handler = async () => 'hi';\nexport const other = () => 1;\n";

describe('lone files', () => {
  it.each([
    ['orders.ts', HELLO],
    ['orders.mts', HELLO],
    ['orders.js', HELLO],
    ['orders.mjs', HELLO],
    ['orders.cjs', 'exports.handler = async () => "hi";\n'],
    ['orders.cts', 'export = { handler: async () => "hi" };\n'],
  ])('reads %s', async (file, code) => {
    const dir = writeTree(makeTempDir(), { [file]: code });
    const responder = await getResponder(path.join(dir, file));
    expect({ ...responder, hash: undefined }).toEqual({
      kind: 'file',
      source: path.join(dir, file),
      root: dir,
      entry: path.join(dir, file),
      handler: 'handler',
      name: 'orders',
      hash: undefined,
      options: { handler: 'handler', name: 'orders' },
    });
    expect(Object.isFrozen(responder)).toBe(true);
  });

  it('takes a relative path from the working directory and keeps the absolute one', async () => {
    const responder = await getResponder(
      path.relative(process.cwd(), path.join(examplesDir, 'hello-ts/handler.ts')),
    );
    expect(responder.source).toBe(path.join(examplesDir, 'hello-ts/handler.ts'));
    // A generic file name (handler, index...) takes its folder's name.
    expect(responder.name).toBe('hello-ts');
  });

  it('keeps normalised options: the handler, name, sorted dependencies, externals and registries', async () => {
    const dir = writeTree(makeTempDir(), { 'My Func.ts': HELLO });
    const responder = await getResponder(path.join(dir, 'My Func.ts'), {
      handler: 'other',
      dependencies: { zod: ' ^4.1.0 ', '@acme/log': '1.x' },
      externals: ['sharp', 'pg', 'sharp'],
      registries: [{ url: 'https://npm.acme.dev/', scope: '@acme' }],
      onEvent: () => undefined,
    });
    expect(responder.handler).toBe('other');
    expect(responder.name).toBe('my-func');
    expect(responder.options).toEqual({
      handler: 'other',
      name: 'my-func',
      dependencies: { '@acme/log': '1.x', zod: '^4.1.0' },
      externals: ['pg', 'sharp'],
      registries: [{ url: 'https://npm.acme.dev/', scope: '@acme' }],
    });
  });

  it('takes the image name from the name option, validated', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': HELLO });
    expect((await getResponder(path.join(dir, 'fn.ts'), { name: 'team/orders-api' })).name).toBe(
      'team/orders-api',
    );
    const error = await failure(getResponder(path.join(dir, 'fn.ts'), { name: 'Orders API' }));
    expect(error.code).toBe('INVALID_NAME');
  });

  it('lets a CommonJS entry through without listing its exports (only running it would)', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.cjs': 'module.exports.main = () => 1;\n' });
    expect((await getResponder(path.join(dir, 'fn.cjs'), { handler: 'whatever' })).handler).toBe(
      'whatever',
    );
  });

  it('accepts a nested export path when its first part is exported', async () => {
    const dir = writeTree(makeTempDir(), {
      'api.ts': 'export const v1 = { orders: async () => [] };\n',
    });
    expect((await getResponder(path.join(dir, 'api.ts'), { handler: 'v1.orders' })).handler).toBe(
      'v1.orders',
    );
  });
});

describe('package folders', () => {
  const cases: [string, Record<string, string | object>, string][] = [
    [
      'main',
      { 'package.json': { name: 'p', main: 'lib/app.ts' }, 'lib/app.ts': HELLO },
      'lib/app.ts',
    ],
    [
      'main without extension',
      { 'package.json': { name: 'p', main: './lib/app' }, 'lib/app.ts': HELLO },
      'lib/app.ts',
    ],
    [
      'main naming a folder',
      { 'package.json': { name: 'p', main: 'lib' }, 'lib/index.mjs': HELLO },
      'lib/index.mjs',
    ],
    [
      'exports string',
      { 'package.json': { name: 'p', exports: './src/h.js', main: 'no.js' }, 'src/h.js': HELLO },
      'src/h.js',
    ],
    [
      'exports["."] conditions',
      {
        'package.json': {
          name: 'p',
          exports: {
            '.': { types: './x.d.ts', require: './c.cjs', import: './e.mjs' },
            './sub': './sub.js',
          },
        },
        'c.cjs': 'exports.handler = 1;\n',
        'e.mjs': HELLO,
      },
      'c.cjs',
    ],
    [
      'sugar conditions',
      {
        'package.json': { name: 'p', exports: { node: { default: './n.ts' }, default: './d.ts' } },
        'n.ts': HELLO,
        'd.ts': HELLO,
      },
      'n.ts',
    ],
    ['index.ts without package.json', { 'index.ts': HELLO, 'other.ts': HELLO }, 'index.ts'],
    [
      'index.js when package.json names no entry',
      { 'package.json': { name: 'p' }, 'index.js': HELLO },
      'index.js',
    ],
    ['src/index.ts', { 'package.json': { name: 'p' }, 'src/index.ts': HELLO }, 'src/index.ts'],
  ];
  it.each(cases)('finds the entry from %s', async (_, files, entry) => {
    const dir = writeTree(makeTempDir(), files);
    const responder = await getResponder(dir);
    expect(responder.kind).toBe('package');
    expect(responder.root).toBe(dir);
    expect(responder.source).toBe(dir);
    expect(responder.entry).toBe(path.join(dir, entry));
  });

  it('names the image after the package, or the folder without a name', async () => {
    const scoped = writeTree(path.join(makeTempDir(), 'x'), {
      'package.json': { name: '@acme/Orders_API' },
      'index.ts': HELLO,
    });
    expect((await getResponder(scoped)).name).toBe('acme/orders_api');
    const unnamed = writeTree(path.join(makeTempDir(), 'Billing Service'), { 'index.ts': HELLO });
    expect((await getResponder(unnamed)).name).toBe('billing-service');
  });

  it('reads the http-api example', async () => {
    const responder = await getResponder(path.join(examplesDir, 'http-api'));
    expect(responder.kind).toBe('package');
    expect(responder.entry).toBe(path.join(examplesDir, 'http-api/handler.ts'));
    expect(responder.name).toBe('http-api');
  });

  it('says when main points to a file that is not there', async () => {
    const dir = writeTree(makeTempDir(), {
      'package.json': { main: 'dist/index.js' },
      'src/index.ts': HELLO,
    });
    const error = await failure(getResponder(dir));
    expect(error.code).toBe('RESPONDER_NOT_FOUND');
    expect(error.message).toBe(
      `package.json's "main" points to dist/index.js, which does not exist in ${dir}.`,
    );
    expect(error.hint).toContain('"main": "src/index.ts"');
  });

  it('says when a folder has no entry at all', async () => {
    const dir = writeTree(makeTempDir(), { 'README.md': 'nothing\n' });
    const error = await failure(getResponder(dir));
    expect(error.code).toBe('RESPONDER_NOT_FOUND');
    expect(error.message).toContain(`${dir} has no entry`);
  });

  it('rejects a package.json that is not JSON', async () => {
    const dir = writeTree(makeTempDir(), { 'package.json': '{ "name": ', 'index.ts': HELLO });
    const error = await failure(getResponder(dir));
    expect(error.code).toBe('UNSUPPORTED_SOURCE');
    expect(error.message).toContain(
      `${path.join(dir, 'package.json')} is not a valid package.json`,
    );
  });
});

describe('bad input', () => {
  it('names a missing path and says what to give', async () => {
    const missing = path.join(makeTempDir(), 'nope', 'handler.ts');
    const error = await failure(getResponder(missing));
    expect(error.code).toBe('RESPONDER_NOT_FOUND');
    expect(error.message).toBe(`There is no file or folder at ${missing}.`);
    expect(error.hint).toContain('.ts or .js file');
  });

  it.each(['handler.py', 'handler.tsx', 'Makefile'])('refuses %s', async (file) => {
    const dir = writeTree(makeTempDir(), { [file]: 'x\n' });
    const error = await failure(getResponder(path.join(dir, file)));
    expect(error.code).toBe('UNSUPPORTED_SOURCE');
    expect(error.message).toContain(path.join(dir, file));
  });

  it('names the exports that do exist when the handler is missing', async () => {
    const dir = writeTree(makeTempDir(), {
      'fn.ts': [
        "export { helper as main } from './helper.js';",
        'export const eventSchema = {};',
        'export default function () {}',
        '',
      ].join('\n'),
      'helper.ts': 'export const helper = () => 1;\n',
    });
    const error = await failure(getResponder(path.join(dir, 'fn.ts')));
    expect(error.code).toBe('HANDLER_NOT_FOUND');
    expect(error.message).toBe(
      'fn.ts does not export "handler". Its exports: default, eventSchema, main.',
    );
    expect(error.hint).toContain("handler: 'eventSchema'");
  });

  it('says when a module exports nothing', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': 'console.log(1);\n' });
    const error = await failure(getResponder(path.join(dir, 'fn.ts'), { handler: 'run' }));
    expect(error.code).toBe('HANDLER_NOT_FOUND');
    expect(error.message).toBe('fn.ts exports nothing, so it has no "run" to call.');
  });

  const syntax: [string, Record<string, string>, string][] = [
    [
      'a syntax error',
      { 'fn.ts': 'export const handler = (x: number) => {\n  return x +;\n};\n' },
      'fn.ts:2:13: Unexpected ";"',
    ],
    [
      'a malformed type annotation',
      { 'fn.ts': 'export const handler = () => {\n  const total: = 1;\n  return total;\n};\n' },
      'fn.ts:2:16: Unexpected "="',
    ],
    [
      'a redeclared name',
      { 'fn.ts': 'let total = 1;\nlet total = 2;\nexport const handler = () => total;\n' },
      'fn.ts:2:5: The symbol "total" has already been declared',
    ],
    [
      'an error in an imported file',
      {
        'fn.ts': "import { x } from './lib/x.js';\nexport const handler = () => x;\n",
        'lib/x.ts': 'export const x = {\n  a: 1\n  b: 2,\n};\n',
      },
      'lib/x.ts:3:3: Expected "}" but found "b"',
    ],
    [
      'a missing import',
      { 'fn.ts': "import { x } from './gone.js';\nexport const handler = () => x;\n" },
      'fn.ts:1:19: Could not resolve "./gone.js"',
    ],
  ];
  it.each(syntax)('shows %s with file, line and column', async (_, files, where) => {
    const dir = writeTree(makeTempDir(), files);
    const error = await failure(getResponder(path.join(dir, 'fn.ts')));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message.split('\n')[0]).toBe(`Could not read ${path.join(dir, 'fn.ts')}:`);
    expect(error.message.split('\n')).toContain(where);
    expect(error.hint).toBe('Fix the code at the place shown, then build again.');
  });

  const badOptions: [string, ResponderOptions, string][] = [
    [
      'a handler name that is not an identifier',
      { handler: 'handler; rm -rf /' },
      'is not a valid handler export name',
    ],
    ['a handler name with ..', { handler: '..handler' }, 'is not a valid handler export name'],
    [
      'a dependency name npm would refuse',
      { dependencies: { 'Bad Name': '1.0.0' } },
      'is not a valid npm package name',
    ],
    ['an empty dependency version', { dependencies: { zod: ' ' } }, 'must be a version or range'],
    [
      'an external that is not a package name',
      { externals: ['../x'] },
      'is not a valid npm package name',
    ],
    [
      'a registry that is not a URL',
      { registries: [{ url: 'npm.acme.dev' }] },
      'is not a registry URL',
    ],
    [
      'a registry URL with a token',
      { registries: [{ url: 'https://user:secret@npm.acme.dev/' }] },
      'carries credentials',
    ],
    [
      'a registry URL with a newline',
      { registries: [{ url: 'https://npm.acme.dev/\n//x:_authToken=1' }] },
      'is not a registry URL',
    ],
    [
      'a scope without @',
      { registries: [{ url: 'https://npm.acme.dev/', scope: 'acme' }] },
      'is not an npm scope',
    ],
  ];
  it.each(badOptions)('refuses %s', async (_, options, message) => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': HELLO });
    const error = await failure(getResponder(path.join(dir, 'fn.ts'), options));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('secret');
  });

  it('stops at once when cancelled', async () => {
    const dir = writeTree(makeTempDir(), { 'fn.ts': HELLO });
    const error = await failure(
      getResponder(path.join(dir, 'fn.ts'), { signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('ABORTED');
  });
});

describe('git URLs', () => {
  let repo: string;
  let url: string;
  let first: string;
  let second: string;

  // A repository of each test's own: some tests add commits, and the first getResponder of a
  // URL clones where later ones fetch, so a shared one would make each test depend on the others.
  beforeEach(() => {
    repo = makeGitRepo({
      'package.json': { name: 'git-orders', main: 'handler.ts' },
      'handler.ts': "export const handler = async () => 'v1';\n",
    });
    first = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'tag', 'v1');
    second = commitAll(repo, { 'handler.ts': "export const handler = async () => 'v2';\n" }, 'v2');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    commitAll(repo, { 'handler.ts': "export const feature = async () => 'feature';\n" }, 'feature');
    git(repo, 'checkout', '--quiet', 'main');
    url = `file://${repo}`;
  });

  const code = (responder: Responder) => readFileSync(responder.entry, 'utf8');

  it('clones the default branch into the cache, under the sha256 of the URL', async () => {
    const events: LambdashEvent[] = [];
    const responder = await getResponder(url, { onEvent: (e) => events.push(e) });
    expect(responder.kind).toBe('git');
    expect(responder.source).toBe(url);
    expect(responder.name).toBe('git-orders');
    expect(responder.root).toBe(
      path.join(cacheHome, 'lambdash', 'git', sha256Hex(url), 'trees', second),
    );
    expect(responder.entry).toBe(path.join(responder.root, 'handler.ts'));
    expect(code(responder)).toContain("'v2'");
    expect(existsSync(path.join(responder.root, '.git'))).toBe(false);
    expect(events).toEqual([{ type: 'git.clone', url, ref: undefined }]);
  });

  it.each([
    ['a branch', '#feature', 'feature', "'feature'"],
    ['a tag', '#v1', 'handler', "'v1'"],
  ])('checks out %s', async (_, ref, handler, content) => {
    const responder = await getResponder(url + ref, { handler });
    expect(responder.source).toBe(url + ref);
    expect(code(responder)).toContain(content);
  });

  it('checks out a commit by its full and its short id', async () => {
    expect(code(await getResponder(`${url}#${first}`))).toContain("'v1'");
    expect((await getResponder(`${url}#${first.slice(0, 8)}`)).root).toMatch(
      new RegExp(`${first}$`),
    );
  });

  it('fetches a commit that no branch or tag reaches by its id', async () => {
    await getResponder(url);
    git(repo, 'checkout', '--quiet', '-b', 'scratch');
    const dangling = commitAll(
      repo,
      { 'handler.ts': "export const handler = () => 'dangling';\n" },
      'x',
    );
    git(repo, 'checkout', '--quiet', 'main');
    git(repo, 'branch', '--quiet', '-D', 'scratch');
    const responder = await getResponder(`${url}#${dangling}`);
    expect(code(responder)).toContain("'dangling'");
  });

  it('hashes a checkout as the same code in a local folder', async () => {
    const local = writeTree(makeTempDir(), {
      'package.json': { name: 'git-orders', main: 'handler.ts' },
      'handler.ts': "export const handler = async () => 'v1';\n",
    });
    expect((await getResponder(`${url}#v1`)).hash).toBe((await getResponder(local)).hash);
  });

  it('fetches on a later call and sees new commits', async () => {
    await getResponder(`${url}#main`);
    const third = commitAll(
      repo,
      { 'handler.ts': "export const handler = async () => 'v3';\n" },
      'v3',
    );
    const responder = await getResponder(`${url}#main`);
    expect(responder.root.endsWith(third)).toBe(true);
    expect(code(responder)).toContain("'v3'");
  });

  it('says when the ref does not exist', async () => {
    const error = await failure(getResponder(`${url}#no-such-branch`));
    expect(error.code).toBe('GIT_FAILED');
    expect(error.message).toBe(`${url} has no branch, tag or commit "no-such-branch".`);
    expect(error.hint).toContain('git ls-remote');
  });

  it('says when a commit id is not in the repository', async () => {
    const error = await failure(getResponder(`${url}#${'0'.repeat(40)}`));
    expect(error.code).toBe('GIT_FAILED');
    expect(error.message).toContain(`has no branch, tag or commit "${'0'.repeat(40)}"`);
  });

  it("carries git's own message when the clone fails", async () => {
    const missing = `file://${makeTempDir()}/missing.git`;
    const error = await failure(getResponder(missing));
    expect(error.code).toBe('GIT_FAILED');
    expect(error.message).toMatch(
      /^git clone failed: .*(does not appear to be a git repository|not found)/s,
    );
  });

  it.each([
    [
      'a ref that looks like an option',
      '#--upload-pack=evil',
      'is not a branch, tag or commit name',
    ],
    ['a ref with a space', '#main; touch x', 'is not a branch, tag or commit name'],
  ])('refuses %s before running git', async (_, ref, message) => {
    const error = await failure(getResponder(url + ref));
    expect(error.code).toBe('GIT_FAILED');
    expect(error.message).toContain(message);
  });

  // They would end up in image labels. Refused before git runs, so nothing here is contacted.
  it.each([
    'https://user:token@git.example.com/acme/orders.git',
    'https://ghp_token@git.example.com/acme/orders.git',
    'git+https://user:token@git.example.com/acme/orders.git',
    'http://user:token@git.example.com/acme/orders.git#main',
    'ssh://git:secret@git.example.com/acme/orders.git',
    'git+ssh://git:secret@git.example.com/acme/orders.git',
    'ssh://git:secret@git.example.com:acme/orders.git',
    'git://anon:secret@git.example.com/acme/orders.git',
    'file://user:secret@/srv/orders.git',
  ])('refuses credentials in %s', async (source) => {
    const error = await failure(getResponder(source));
    expect(error.code).toBe('GIT_FAILED');
    expect(error.message).toBe('The git URL carries credentials.');
    expect(error.hint).toMatch(/credential helper/);
  });

  it('shows a syntax error in a clone by its place in the repository', async () => {
    const broken = makeGitRepo({ 'index.ts': 'export const handler = () => {\n' });
    const source = `file://${broken}#main`;
    const error = await failure(getResponder(source));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message).toBe(
      `Could not read index.ts in ${source}:\nindex.ts:2:1: Unexpected end of file`,
    );
  });

  it('checks the export in the checked-out code', async () => {
    const error = await failure(getResponder(`${url}#feature`));
    expect(error.code).toBe('HANDLER_NOT_FOUND');
    expect(error.message).toBe('handler.ts does not export "handler". Its exports: feature.');
  });
});
