// The type check of a TypeScript responder. esbuild strips types without reading them, so a
// type error would otherwise reach the image. The check runs with the TypeScript compiler in a
// worker thread (typecheck-worker.ts), beside the bundling and the image build rather than
// before them, and its result is kept per responder hash, so an unchanged responder is never
// checked twice, not even by another process.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LambdashError, raceAbort, throwIfAborted } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import { lambdashCacheDir, packageRoot } from '../common/paths.js';
import { describeEntry } from '../responder/entry-analysis.js';
import { tsconfigPath } from '../responder/esbuild-config.js';
import { sha256Hex } from '../responder/hash.js';
import type { Responder } from '../responder/responder.js';
import {
  type TypecheckAnswer,
  type TypecheckRequest,
  type TypeDiagnostic,
  typecheckWorkerMain,
} from './typecheck-worker.js';

export type { TypeDiagnostic } from './typecheck-worker.js';

/** Bumped when what the check does changes, so old cached results are not trusted. */
const SCHEME = 'lambdash-typecheck/1';
/** How many diagnostics an error shows. */
const SHOWN = 8;

const require = createRequire(import.meta.url);
const typescriptPath = require.resolve('typescript');
const typescriptVersion = (
  require(path.join(path.dirname(typescriptPath), '..', 'package.json')) as { version: string }
).version;

/** True for the entries a build checks by default: .ts, .mts and .cts. */
export function isTypeScriptEntry(responder: Pick<Responder, 'entry'>): boolean {
  return /\.[cm]?ts$/.test(responder.entry);
}

/**
 * Type-checks a responder's entry and the files it imports, with its tsconfig.json (packages
 * and git sources) or strict defaults for Node. Throws TYPECHECK_FAILED listing the first
 * errors as `file:line:column: message`, relative to the responder's folder.
 */
export async function typecheckResponder(
  responder: Responder,
  options: OperationOptions = {},
): Promise<void> {
  throwIfAborted(options.signal, 'The type check');
  const diagnostics = await cachedCheck(responder, options.signal);
  if (diagnostics.length > 0) throw typecheckError(responder, diagnostics);
}

function typecheckError(
  responder: Responder,
  diagnostics: readonly TypeDiagnostic[],
): LambdashError {
  const lines = diagnostics.slice(0, SHOWN).map((d) => {
    const file = path.relative(responder.root, d.file).split(path.sep).join('/');
    return `${file}:${d.line}:${d.column}: ${d.message.split('\n').join('\n    ')}`;
  });
  if (diagnostics.length > SHOWN) lines.push(`...and ${diagnostics.length - SHOWN} more`);
  return new LambdashError(
    'TYPECHECK_FAILED',
    `Type errors in ${describeEntry(responder)}:\n${lines.join('\n')}`,
    'Fix the types at the places shown, or skip the check: `--no-typecheck` (lambdash build, deploy), or "typecheck": false on the responder in lambdash.json.',
  );
}

// ---------------------------------------------------------------------------------------------
// The cache: in memory for checks under way, on disk for results. A result holds the digests of
// the responder's own files the check read (ambient .d.ts files included, which the responder
// hash does not cover), and counts only while they are unchanged.

interface CachedResult {
  readonly files: readonly (readonly [string, string])[];
  readonly diagnostics: readonly TypeDiagnostic[];
}

const underWay = new Map<string, Promise<readonly TypeDiagnostic[]>>();

function cacheFile(key: string): string {
  return path.join(lambdashCacheDir(), 'typecheck', `${key}.json`);
}

async function cachedCheck(
  responder: Responder,
  signal: AbortSignal | undefined,
): Promise<readonly TypeDiagnostic[]> {
  const tsconfig = tsconfigPath(responder.kind, responder.root);
  const key = sha256Hex(
    JSON.stringify([SCHEME, typescriptVersion, responder.hash, responder.entry, tsconfig ?? '']),
  );
  let work = underWay.get(key);
  if (!work) {
    work = (async () => {
      const known = await readCache(key);
      if (known) return known;
      // Not cancelled with one caller's signal: another may be waiting for the same check.
      const answer = await askWorker({
        entry: responder.entry,
        root: responder.root,
        tsconfig,
        typeRoots: typeRoots(responder),
      });
      await writeCache(key, answer);
      return answer.diagnostics ?? [];
    })().finally(() => underWay.delete(key));
    underWay.set(key, work);
  }
  return raceAbort(work, signal, 'The type check');
}

async function readCache(key: string): Promise<readonly TypeDiagnostic[] | undefined> {
  let cached: CachedResult;
  try {
    cached = JSON.parse(await readFile(cacheFile(key), 'utf8')) as CachedResult;
  } catch {
    return undefined;
  }
  for (const [file, digest] of cached.files) {
    const now = await readFile(file).then(sha256Hex, () => undefined);
    if (now !== digest) return undefined;
  }
  return cached.diagnostics;
}

async function writeCache(key: string, answer: TypecheckAnswer): Promise<void> {
  const files = await Promise.all(
    (answer.files ?? []).map(async (file) => [file, sha256Hex(await readFile(file))] as const),
  );
  const result: CachedResult = { files, diagnostics: answer.diagnostics ?? [] };
  const target = cacheFile(key);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(temporary, JSON.stringify(result));
    await rename(temporary, target);
  } catch {
    // A cache that cannot be written only means checking again next time.
  }
}

/** @types folders from the responder's folder upwards, then lambdash's own (for @types/node). */
function typeRoots(responder: Responder): string[] {
  const roots: string[] = [];
  for (let dir = responder.root; ; dir = path.dirname(dir)) {
    const types = path.join(dir, 'node_modules', '@types');
    if (existsSync(types)) roots.push(types);
    if (path.dirname(dir) === dir) break;
  }
  const own = path.join(packageRoot, 'node_modules', '@types');
  if (existsSync(own) && !roots.includes(own)) roots.push(own);
  return roots;
}

// ---------------------------------------------------------------------------------------------
// The worker: one per process, started on first use, holding the process open only while a
// check is under way.

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<
  number,
  { resolve: (answer: TypecheckAnswer) => void; reject: (error: Error) => void }
>();

function startWorker(): Worker {
  const started = new Worker(`(${typecheckWorkerMain.toString()})()`, {
    eval: true,
    execArgv: [],
    workerData: { typescript: typescriptPath },
  });
  const failAll = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(error);
    }
  };
  started.on('message', (answer: TypecheckAnswer) => {
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    if (answer.error) waiter.reject(new Error(answer.error));
    else waiter.resolve(answer);
  });
  started.on('error', failAll);
  started.on('exit', (code) => failAll(new Error(`the type checker stopped (exit code ${code})`)));
  return started;
}

async function askWorker(request: Omit<TypecheckRequest, 'id'>): Promise<TypecheckAnswer> {
  worker ??= startWorker();
  const current = worker;
  const id = nextId++;
  current.ref();
  try {
    return await new Promise<TypecheckAnswer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      current.postMessage({ ...request, id } satisfies TypecheckRequest);
    });
  } catch (error) {
    throw new LambdashError(
      'TYPECHECK_FAILED',
      `The type check of ${request.entry} could not run: ${(error as Error).message.split('\n')[0]}`,
      'Skip the check with `--no-typecheck` (lambdash build, deploy) or "typecheck": false on the responder in lambdash.json, and report this to lambdash.',
      { cause: error },
    );
  }
}
