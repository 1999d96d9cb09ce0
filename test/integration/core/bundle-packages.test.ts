// Bundles that need npm packages installed (examples/http-api's zod, a lone file's extra
// dependencies, a git source's npm ci): they use the registry or npm's cache, so they are not
// unit tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '../../../runtime/handler-loader.js';
import { bundle } from '../../support/bundle-source.js';
import { ensureExampleInstalled, examplesDir } from '../../support/examples.js';
import { makeGitRepo, makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

beforeAll(() => {
  // Lone files' extra dependencies are installed under $XDG_CACHE_HOME/lambdash/deps.
  process.env.XDG_CACHE_HOME = makeTempDir('lambdash-cache-');
});
afterAll(removeTempDirs);

const requireFile = createRequire(import.meta.url);
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe('bundles with npm packages', () => {
  it('bundles http-api with zod inside, and the runtime finds its handler and eventSchema', async () => {
    await ensureExampleInstalled('http-api');
    const { result, code, out } = await bundle(path.join(examplesDir, 'http-api'));
    expect(result.externals).toEqual({});
    expect(code).not.toMatch(/require\("zod/);
    // Loaded by the runtime's own loader, from a folder where no node_modules can help.
    const loaded = await loadHandler(result.handler, out);
    expect(loaded.eventSchema).toBeDefined();
    const invalid = await loaded.eventSchema!['~standard'].validate({ item: '', quantity: 0 });
    expect((invalid.issues ?? []).map((issue) => issue.path?.join('.')).sort()).toEqual([
      'item',
      'quantity',
      'unitPrice',
    ]);
    const order = { item: 'tea', quantity: 3, unitPrice: 2.5, coupon: 'WELCOME10' };
    expect(
      await loaded.fn(
        {},
        { awsRequestId: 'req-2', request: { method: 'POST', path: '/orders', body: order } },
      ),
    ).toEqual({
      orderId: 'req-2',
      item: 'tea',
      quantity: 3,
      total: 6.75,
    });
    expect(
      await loaded.fn({ item: 'cake', quantity: 2, unitPrice: 4 }, { awsRequestId: 'req-3' }),
    ).toEqual({
      orderId: 'req-3',
      item: 'cake',
      quantity: 2,
      total: 8,
    });
  });

  it("writes a source map of the responder's own code, relative to it, without the code", async () => {
    await ensureExampleInstalled('http-api');
    const { code, out } = await bundle(path.join(examplesDir, 'http-api'));
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(path.join(out, 'index.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    // zod is bundled, but its mappings would make the map (and each cold start) far bigger.
    expect(code).toContain('node_modules/zod/');
    expect(map.sources).toContain('handler.ts');
    expect(map.sources.filter((s) => s.includes('node_modules/'))).toEqual([]);
    expect(map.sources.filter((s) => s.startsWith('/') || s.startsWith('..'))).toEqual([]);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('minifies when asked', async () => {
    await ensureExampleInstalled('http-api');
    const plain = await bundle(path.join(examplesDir, 'http-api'));
    const small = await bundle(path.join(examplesDir, 'http-api'), { minify: true });
    expect(small.result.bytes).toBeLessThan(plain.result.bytes * 0.7);
    const { handler } = requireFile(path.join(small.out, 'index.js')) as { handler: Handler };
    expect(await handler({ item: 'x', quantity: 1, unitPrice: 1 }, { awsRequestId: 'r' })).toEqual({
      orderId: 'r',
      item: 'x',
      quantity: 1,
      total: 1,
    });
  });

  it("installs a lone file's extra dependencies once, into the cache", async () => {
    const { version } = JSON.parse(
      readFileSync(
        path.join(await ensureExampleInstalled('http-api'), 'node_modules/zod/package.json'),
        'utf8',
      ),
    ) as { version: string };
    const dir = writeTree(makeTempDir(), {
      'fn.ts':
        "import { z } from 'zod';\nexport const handler = (e: unknown) => z.object({ n: z.number() }).parse(e);\n",
    });
    const first = await bundle(path.join(dir, 'fn.ts'), { dependencies: { zod: version } });
    expect(first.events.map((e) => e.type)).toEqual(['npm.install', 'bundle.done']);
    expect(first.result.externals).toEqual({});
    const { handler } = requireFile(path.join(first.out, 'index.js')) as {
      handler: (e: unknown) => unknown;
    };
    expect(handler({ n: 1 })).toEqual({ n: 1 });
    expect(() => handler({ n: 'x' })).toThrow(/expected number/);
    const second = await bundle(path.join(dir, 'fn.ts'), { dependencies: { zod: version } });
    expect(second.events.map((e) => e.type)).toEqual(['bundle.done']);
    expect(second.code).toBe(first.code);
  });

  it('installs the dependencies of a package cloned from git (npm ci, no scripts)', async () => {
    const example = await ensureExampleInstalled('http-api');
    const files = Object.fromEntries(
      ['package.json', 'package-lock.json', 'handler.ts'].map((f) => [
        f,
        readFileSync(path.join(example, f), 'utf8'),
      ]),
    );
    const repo = makeGitRepo(files);
    const { events, out, result } = await bundle(`file://${repo}`);
    const install = events.find((e) => e.type === 'npm.install');
    expect(install).toMatchObject({
      type: 'npm.install',
      command: expect.stringMatching(/^npm ci --ignore-scripts /),
    });
    const loaded = await loadHandler(result.handler, out);
    expect(
      await loaded.fn({ item: 'x', quantity: 2, unitPrice: 2 }, { awsRequestId: 'g' }),
    ).toMatchObject({ total: 4 });
  });
});
