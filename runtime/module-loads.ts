// Modules an invocation loads for the first time. Each makes that invocation slower than it
// had to be: init, paid before the first invocation's clock starts, could have loaded it. The
// runtime marks each one (`module.load <id>`); the warm-up at image build time writes the
// list of its invocation's lazy loads beside the handler, and init preloads them, so a good
// warm-up leaves none (Julia's precompile statements, our way).
//
// Seen: built-ins (process.moduleLoadList grows, whoever asked: require, import() or Node
// itself), and CommonJS files (require, or import() of a CommonJS file: both go through
// Module._extensions). Not seen: ES module files loaded by import(), which Node 20 can only
// report through loader hooks running on another thread, far too dear for every function.
// Per invocation, when nothing was loaded, the cost is two length reads and a flag.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { preciseNow } from './observe.js';

export const PRELOAD_SUFFIX = '.preload.json';
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs'];

export interface ModuleLoad {
  /** A built-in's name (`zlib`), or a file's path relative to the task root. */
  readonly id: string;
  readonly builtin: boolean;
  /** When the load was noticed: as it happened for a file, at the invocation's end for a built-in. */
  readonly time: number;
}

/** What init preloads, as the warm-up wrote it. */
interface PreloadList {
  readonly builtins: readonly string[];
  readonly files: readonly string[];
}

type Loader = (module: unknown, filename: string) => unknown;

const NONE: readonly ModuleLoad[] = [];
const NATIVE = 'NativeModule ';

/**
 * Init's part, once the handler is loaded: preloads what the warm-up listed, then watches
 * invocations. The warm-up itself preloads nothing and writes the list instead.
 */
export function startModuleLoads(
  taskRoot: string,
  handlerName: string,
  warmingUp: boolean,
): ModuleLoads {
  const file = preloadFileFor(taskRoot, handlerName);
  if (!file) return new ModuleLoads(taskRoot);
  if (warmingUp) return new ModuleLoads(taskRoot, (loads) => writePreloadList(file, loads));
  preloadModules(file, taskRoot);
  return new ModuleLoads(taskRoot);
}

export class ModuleLoads {
  readonly #taskRoot: string;
  readonly #list: readonly string[];
  readonly #onEnd: ((loads: readonly ModuleLoad[]) => void) | undefined;
  #listLength = 0;
  #watching = false;
  #files: ModuleLoad[] = [];

  /** Starts watching CommonJS loads: created once the handler is loaded, init pays nothing. */
  constructor(taskRoot: string, onEnd?: (loads: readonly ModuleLoad[]) => void) {
    this.#taskRoot = taskRoot;
    this.#onEnd = onEnd;
    this.#list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];
    const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
    for (const [extension, load] of Object.entries(extensions)) {
      extensions[extension] = (module, filename) => {
        if (this.#watching) this.#files.push(this.#fileLoad(filename));
        return load(module, filename);
      };
    }
  }

  /** The invocation begins (event.received). */
  begin(): void {
    this.#listLength = this.#list.length;
    this.#watching = true;
  }

  /** The invocation ends (before response.posted): the modules it loaded first, in order. */
  end(): readonly ModuleLoad[] {
    const loads = this.#collect();
    this.#onEnd?.(loads);
    return loads;
  }

  #collect(): readonly ModuleLoad[] {
    this.#watching = false;
    if (this.#list.length === this.#listLength && this.#files.length === 0) return NONE;
    // Files first: their times are their loads', the built-ins' are all now.
    const loads = this.#files;
    this.#files = [];
    const now = preciseNow();
    for (let i = this.#listLength; i < this.#list.length; i++) {
      const entry = this.#list[i] as string;
      // Node's internals (internal/...) and bindings follow from the public modules loaded.
      if (entry.startsWith(NATIVE) && !entry.startsWith('internal/', NATIVE.length)) {
        loads.push({ id: entry.slice(NATIVE.length), builtin: true, time: now });
      }
    }
    return loads;
  }

  #fileLoad(filename: string): ModuleLoad {
    const relative = path.relative(this.#taskRoot, filename);
    const id = relative.startsWith('..') || path.isAbsolute(relative) ? filename : relative;
    // The id ends an observation line: no tab or newline may cut it.
    return { id: id.replace(/[\t\r\n]+/g, ' '), builtin: false, time: preciseNow() };
  }
}

/** The preload list's file: beside the handler's module, as the code cache is. */
export function preloadFileFor(taskRoot: string, handlerName: string): string | undefined {
  const dot = handlerName.indexOf('.', handlerName.lastIndexOf('/') + 1);
  if (dot < 0) return undefined;
  const base = path.resolve(taskRoot, handlerName.slice(0, dot));
  const file = HANDLER_EXTENSIONS.map((extension) => base + extension).find(existsSync);
  return file && file + PRELOAD_SUFFIX;
}

/**
 * Writes what the warm-up invocation loaded lazily; no file when it loaded nothing. A list
 * that cannot be written costs speed, not correctness: the warm-up says so and goes on.
 */
export function writePreloadList(file: string, loads: readonly ModuleLoad[]): void {
  const list: PreloadList = {
    builtins: loads.filter((load) => load.builtin).map((load) => load.id),
    files: loads.filter((load) => !load.builtin).map((load) => load.id),
  };
  try {
    if (loads.length === 0) rmSync(file, { force: true });
    else writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`lambdash warm-up: cannot write ${file}: ${(error as Error).message}\n`);
    return;
  }
  if (loads.length === 0) return;
  process.stderr.write(
    `lambdash warm-up: ${loads.length} module(s) loaded during the invocation will be preloaded at init: ${loads.map((load) => load.id).join(', ')}\n`,
  );
}

/**
 * Loads what the warm-up listed. A module that fails to load now is skipped: the handler
 * will meet the same failure where it asks for it, as it would have without a warm-up.
 */
export function preloadModules(file: string, taskRoot: string): void {
  let list: PreloadList;
  try {
    list = JSON.parse(readFileSync(file, 'utf8')) as PreloadList;
  } catch {
    return;
  }
  const load = createRequire(path.join(taskRoot, 'preload.js'));
  for (const id of list.builtins ?? []) tryLoad(() => load(`node:${id}`));
  for (const id of list.files ?? []) tryLoad(() => load(path.resolve(taskRoot, id)));
}

function tryLoad(load: () => unknown): void {
  try {
    load();
  } catch {
    // See preloadModules.
  }
}
