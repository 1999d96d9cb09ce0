// A git source with npm dependencies: installed (npm ci) as the responder is read, all or
// nothing. npm uses the registry or its cache, so these are not unit tests.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleResponder } from '../../../src/core/build/bundle.js';
import { sha256Hex } from '../../../src/core/responder/hash.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { failure } from '../../support/bundle-source.js';
import { ensureExampleInstalled } from '../../support/examples.js';
import { makeGitRepo, makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

let cacheHome: string;
beforeAll(() => {
  // Clones go to $XDG_CACHE_HOME/lambdash/git: keep them in this test's temp folder.
  cacheHome = makeTempDir('lambdash-cache-');
  process.env.XDG_CACHE_HOME = cacheHome;
});
afterAll(removeTempDirs);

describe('git URLs', () => {
  describe('with dependencies', () => {
    // The http-api example's package.json and lockfile: npm installs zod from its cache.
    let files: Record<string, string>;
    beforeAll(async () => {
      const example = await ensureExampleInstalled('http-api');
      files = Object.fromEntries(
        ['package.json', 'package-lock.json', 'handler.ts'].map((f) => [
          f,
          readFileSync(path.join(example, f), 'utf8'),
        ]),
      );
    });

    it('hashes the same before and after its packages are installed and bundled', async () => {
      const source = `file://${makeGitRepo(files)}`;
      const first = await getResponder(source);
      expect(existsSync(path.join(first.root, 'node_modules', 'zod', 'package.json'))).toBe(true);
      await bundleResponder(first, path.join(makeTempDir(), 'out'));
      const second = await getResponder(source);
      expect(second.hash).toBe(first.hash);
      // And as the same code in a folder with the same packages installed.
      const local = writeTree(makeTempDir(), files);
      cpSync(path.join(first.root, 'node_modules'), path.join(local, 'node_modules'), {
        recursive: true,
      });
      expect((await getResponder(local)).hash).toBe(first.hash);
    });

    it('installs all or nothing: a failed install leaves no packages, and the next call installs', async () => {
      const source = `file://${makeGitRepo(files)}`;
      const trees = path.join(cacheHome, 'lambdash', 'git', sha256Hex(source), 'trees');
      // No registry and an empty npm cache: npm ci fails at once.
      vi.stubEnv('npm_config_registry', 'http://127.0.0.1:9/');
      vi.stubEnv('npm_config_cache', makeTempDir());
      vi.stubEnv('npm_config_fetch_retries', '0');
      try {
        const error = await failure(getResponder(source));
        expect(error.code).toBe('INSTALL_FAILED');
        expect(error.message).toMatch(/^npm ci failed in .*ECONNREFUSED/s);
      } finally {
        vi.unstubAllEnvs();
      }
      const [commit, ...others] = readdirSync(trees);
      expect(others).toEqual([]); // no temporary folder left beside the checkout
      expect(existsSync(path.join(trees, commit!, 'node_modules'))).toBe(false);

      const responder = await getResponder(source);
      expect(existsSync(path.join(responder.root, 'node_modules', 'zod', 'package.json'))).toBe(
        true,
      );
    });
  });
});
