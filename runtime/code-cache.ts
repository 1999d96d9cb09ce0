// A V8 code cache for a CommonJS bundle: compiled once at image build time (after running a
// sample event through the handler, so the functions that event needs are compiled too) and
// loaded beside the bundle at cold start, so the first invocation compiles little.
// Node 20 has no module.enableCompileCache, hence vm.Script with cachedData.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export const CACHE_SUFFIX = '.v8cache';
const DYNAMIC_IMPORT_WARNING = 'vm.USE_MAIN_CONTEXT_DEFAULT_LOADER is an experimental feature';

export interface CompiledModule {
  readonly exports: unknown;
  readonly script: vm.Script;
}

/** The cache file for a bundle, when there is one. */
export function cacheFileFor(file: string): string | undefined {
  const cache = file + CACHE_SUFFIX;
  return existsSync(cache) ? cache : undefined;
}

/**
 * Loads a CommonJS file as require() would (same wrapper, `require` relative to the file), but
 * through vm.Script so that V8 can take and give a code cache.
 */
export function compileCommonJs(file: string, cachedData?: Buffer): CompiledModule {
  const source = readFileSync(file, 'utf8');
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source.replace(/^#!.*/, '')}\n})`;
  quietDynamicImportWarning();
  const script = new vm.Script(wrapper, {
    filename: file,
    cachedData,
    // import() inside the bundle (of an external ES module) resolves as in any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  // A cache V8 refuses (made by another V8 version or flags) is simply not used.
  return { exports: module.exports, script };
}

/** Loads a bundle with its code cache. */
export function loadWithCodeCache(file: string, cacheFile: string): CompiledModule {
  return compileCommonJs(file, readFileSync(cacheFile));
}

// The loader constant above is stable in practice but still flagged experimental in Node 20,
// which warns on the first import() through it. That warning says nothing to a function's
// owner, so exactly that one is dropped; every other warning passes.
let quieted = false;
function quietDynamicImportWarning(): void {
  if (quieted) return;
  quieted = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (
    this: NodeJS.Process,
    warning: string | Error,
    ...rest: unknown[]
  ) {
    if (
      String(typeof warning === 'string' ? warning : warning.message).startsWith(
        DYNAMIC_IMPORT_WARNING,
      )
    )
      return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
