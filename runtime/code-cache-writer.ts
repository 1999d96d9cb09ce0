// The warm-up run at image build time (LAMBDASH_WRITE_CODE_CACHE=1): the handler's CommonJS
// bundle is compiled through vm.Script, the sample event runs through it, and the code cache
// (now holding every function that event needed) is written beside the bundle.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Script } from 'node:vm';
import { CACHE_SUFFIX } from './code-cache.js';
import type { LoadedHandler } from './handler-loader.js';

export class CodeCacheWriter {
  #target: { file: string; script: Script } | undefined;
  #written = false;

  readonly compiled = (file: string, script: Script): void => {
    this.#target = { file, script };
  };

  /** The same handler, writing the cache once its first call has settled. */
  wrap(handler: LoadedHandler): LoadedHandler {
    if (!this.#target) {
      process.stderr.write(
        'lambdash warm-up: the handler is an ES module; only CommonJS bundles carry a code cache\n',
      );
      return handler;
    }
    const original = handler.fn;
    const fn = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = original(...args);
      } catch (error) {
        this.#write();
        throw error;
      }
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        return Promise.resolve(result).finally(() => this.#write());
      }
      this.#write();
      return result;
    };
    return { ...handler, fn };
  }

  #write(): void {
    if (this.#written || !this.#target) return;
    this.#written = true;
    const { file, script } = this.#target;
    if (DYNAMIC_IMPORT.test(readFileSync(file, 'utf8'))) {
      process.stderr.write(
        `lambdash warm-up: no code cache for ${file}: it calls import(), which Node 20 cannot run from a code cache\n`,
      );
      return;
    }
    const data = script.createCachedData();
    writeFileSync(file + CACHE_SUFFIX, data);
    process.stderr.write(`lambdash warm-up: wrote a ${data.length}-byte code cache for ${file}\n`);
  }
}

/**
 * Node 20's V8 (11.3) does not restore a script's host-defined options when it deserialises a
 * code cache, so every import() in a script compiled from one fails with "A dynamic import
 * callback was not specified", whatever importModuleDynamically says. Such a file is loaded
 * by require() instead. A match in a string or comment only costs the cache, never correctness.
 */
const DYNAMIC_IMPORT = /\bimport\s*\(/;
