// Finds and loads the user's handler from `_HANDLER` ("dir/file.export.path"), relative to
// LAMBDA_TASK_ROOT, as an ES module or CommonJS. Failures become the `Runtime.*` init errors
// the Lambda service reports.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Script } from 'node:vm';
import { cacheFileFor, compileCommonJs, loadWithCodeCache } from './code-cache.js';
import { RuntimeError } from './errors.js';
import { isStandardSchema, type StandardSchema } from './schema.js';
import { STREAMING_MARK } from './streaming.js';

export type HandlerFunction = (...args: unknown[]) => unknown;

export interface LoadedHandler {
  readonly fn: HandlerFunction;
  readonly streaming: boolean;
  /**
   * Whether the handler is given a callback: all but streaming handlers and async functions
   * that declare fewer than three parameters (they cannot reach it: an async arrow function
   * has no `arguments`), so most modern handlers cost no callback per invocation.
   */
  readonly passCallback: boolean;
  readonly eventSchema: StandardSchema | undefined;
  readonly deserialize: ((body: Buffer, context: unknown) => unknown) | undefined;
  readonly serialize: ((result: unknown, context: unknown) => string | Buffer) | undefined;
}

const EXTENSIONS = ['.js', '.mjs', '.cjs'];

export interface HandlerName {
  /** The module path without extension, relative to the task root. */
  readonly modulePath: string;
  /** The export path inside the module: `handler`, or `api.v1.handler`. */
  readonly exportPath: readonly string[];
}

export function parseHandlerName(handler: string): HandlerName {
  if (handler.includes('..')) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `'${handler}' is not a valid handler name: it may not contain '..'. Name a file inside the task root, such as 'app.handler'.`,
    );
  }
  const slash = handler.lastIndexOf('/');
  const file = handler.slice(slash + 1);
  const dot = file.indexOf('.');
  if (dot <= 0 || dot === file.length - 1) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `'${handler}' is not a valid handler name: use 'file.export', such as 'app.handler'.`,
    );
  }
  return {
    modulePath: handler.slice(0, slash + 1) + file.slice(0, dot),
    exportPath: file.slice(dot + 1).split('.'),
  };
}

export interface LoadOptions {
  /**
   * Compile a CommonJS module through vm.Script, ignoring any code cache, and hand over the
   * script: the warm-up run makes the cache from it once the handler has run.
   */
  readonly onCompiled?: (file: string, script: Script) => void;
}

export async function loadHandler(
  handler: string,
  taskRoot: string,
  options: LoadOptions = {},
): Promise<LoadedHandler> {
  const name = parseHandlerName(handler);
  const file = resolveModuleFile(taskRoot, name.modulePath);
  let namespace: Record<string, unknown>;
  try {
    namespace = await loadModule(file, options);
  } catch (error) {
    throw classifyLoadError(error);
  }
  const fn = findExport(namespace, name.exportPath);
  if (fn === undefined) {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handler} is not a function`);
  }
  const exported = (key: string): unknown => namespace[key] ?? asRecord(namespace.default)?.[key];
  const schema = exported('eventSchema');
  const deserialize = exported('deserialize');
  const serialize = exported('serialize');
  const streaming = (fn as unknown as Record<symbol, unknown>)[STREAMING_MARK] === 'response';
  return {
    fn: fn as HandlerFunction,
    streaming,
    passCallback: !streaming && (fn.length >= 3 || !isAsyncFunction(fn)),
    eventSchema: isStandardSchema(schema) ? schema : undefined,
    deserialize:
      typeof deserialize === 'function' ? (deserialize as LoadedHandler['deserialize']) : undefined,
    serialize:
      typeof serialize === 'function' ? (serialize as LoadedHandler['serialize']) : undefined,
  };
}

const requireModule = createRequire(import.meta.url);

/**
 * CommonJS is loaded with require(): synchronous and without the ES module loader, it starts
 * a function several milliseconds sooner. ES modules go through import(). Either way the
 * module's exports end up where findExport looks.
 */
async function loadModule(file: string, options: LoadOptions): Promise<Record<string, unknown>> {
  if (isCommonJs(file)) {
    try {
      if (options.onCompiled) {
        const compiled = compileCommonJs(file);
        options.onCompiled(file, compiled.script);
        return { default: compiled.exports };
      }
      const cache = cacheFileFor(file);
      if (cache) return { default: loadWithCodeCache(file, cache).exports };
      return { default: requireModule(file) };
    } catch (error) {
      // ES module syntax in a file Node's rules call CommonJS: import() may still detect it.
      if (!(error instanceof SyntaxError && /\bimport\b|\bexport\b/.test(error.message)))
        throw error;
    }
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Node's rule: `.cjs`, or `.js` whose nearest package.json does not say "type": "module". */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (path.dirname(dir) === dir) return true;
  }
}

function resolveModuleFile(taskRoot: string, modulePath: string): string {
  const base = path.resolve(taskRoot, modulePath);
  for (const extension of EXTENSIONS) {
    if (existsSync(base + extension)) return base + extension;
  }
  throw new RuntimeError(
    'Runtime.ImportModuleError',
    `Error: Cannot find module '${modulePath}': no ${EXTENSIONS.map((e) => path.basename(base) + e).join(', ')} in ${path.dirname(base)}`,
  );
}

function findExport(namespace: Record<string, unknown>, exportPath: readonly string[]): unknown {
  const walk = (root: unknown): unknown =>
    exportPath.reduce<unknown>((node, key) => asRecord(node)?.[key], root);
  // CommonJS modules imported as ES modules put `module.exports` on `default`.
  return walk(namespace) ?? walk(namespace.default);
}

function isAsyncFunction(fn: Function): boolean {
  return Object.prototype.toString.call(fn) === '[object AsyncFunction]';
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
    ? (value as Record<string, unknown>)
    : undefined;
}

function classifyLoadError(error: unknown): unknown {
  if (error instanceof SyntaxError) {
    // V8 puts the file and line of an ES module's syntax error on the stack's first line.
    const where = error.stack?.split('\n')[0] ?? '';
    const location = /^(file:|\/)/.test(where) ? ` (${where.replace(/^file:\/\//, '')})` : '';
    return new RuntimeError(
      'Runtime.UserCodeSyntaxError',
      `${error.name}: ${error.message}${location}`,
      {
        cause: error,
      },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return new RuntimeError('Runtime.ImportModuleError', `Error: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return error;
}
