// Runs one handler of the framework apps (test/compat/apps) under lambdash's runtime and under
// AWS's aws-lambda-ric, each as one long-lived process against its own RuntimeApiServer, and
// invokes both with the same event, request id and deadline. What each runtime posted is
// returned in a form two runtimes can be compared in: only what cannot be the same twice (an
// HTTP Date header, stack frames inside the runtime itself) is normalised.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readAll } from './aws-events.js';
import { repoRoot } from './paths.js';
import { type RuntimeHarness, startRuntime } from './runtime-harness.js';

export const compatDir = path.join(repoRoot, 'test/compat');
export const appsDir = path.join(compatDir, 'apps');
const ricDir = path.join(compatDir, 'node_modules/aws-lambda-ric');
export const ricEntry = path.join(ricDir, 'bin/index.mjs');
const ricNative = path.join(ricDir, 'dist/rapid-client.node');

/** The packages the apps import: installed by scripts/provision.sh from test/compat/package.json. */
const FRAMEWORKS = [
  'express',
  'serverless-http',
  'hono',
  'fastify',
  '@fastify/aws-lambda',
  '@middy/core',
];

/** Throws (never skips) when AWS's client or the frameworks are not installed. */
export function assertCompatInstalled(): void {
  const missing = [
    ricEntry,
    ricNative,
    ...FRAMEWORKS.map((name) => path.join(compatDir, 'node_modules', name, 'package.json')),
  ].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `test/compat is not installed (missing ${missing.join(', ')}): run scripts/provision.sh`,
    );
  }
}

export type RuntimeName = 'lambdash' | 'aws-lambda-ric';

/** What a runtime posted for one invocation. */
export interface Posting {
  readonly kind: 'response' | 'error' | 'stream' | 'exited' | 'timeout';
  readonly errorType?: string;
  readonly contentType?: string;
  /** The body: parsed JSON (normalised) when it is JSON, else its text. */
  readonly payload: unknown;
  /** The trailer error of a stream, if the runtime sent one. */
  readonly streamError?: unknown;
}

export interface Compared {
  readonly lambdash: Posting;
  readonly ric: Posting;
  /** The payloads' JSON text as posted (after normalising), to compare key order and bytes. */
  readonly canonical: { readonly lambdash: string; readonly ric: string };
  /** What each runtime wrote to its output during the invocation. */
  readonly output: { readonly lambdash: string; readonly ric: string };
}

export interface RuntimePair {
  invoke(event: unknown, options?: { traceId?: string }): Promise<Compared>;
  stop(): Promise<void>;
}

const INVOKE_LIMIT_MS = 15_000;

export async function startPair(
  handler: string,
  env: Record<string, string> = {},
): Promise<RuntimePair> {
  assertCompatInstalled();
  const [lambdash, ric] = await Promise.all([
    startRuntime({
      handler,
      taskRoot: appsDir,
      env,
      // Another build of lambdash's runtime (say, an older one, to see what a change fixed).
      ...(process.env.COMPAT_LAMBDASH_BOOTSTRAP
        ? { command: [process.execPath, process.env.COMPAT_LAMBDASH_BOOTSTRAP] }
        : {}),
    }),
    startRuntime({ handler, taskRoot: appsDir, env, command: [process.execPath, ricEntry] }),
  ]);
  return {
    async invoke(event, options = {}) {
      const requestId = randomUUID();
      const deadlineMs = Date.now() + 60_000;
      const [a, b] = await Promise.all(
        [lambdash, ric].map((runtime) =>
          invokeOne(runtime, event, { requestId, deadlineMs, ...options }),
        ),
      );
      return {
        lambdash: a!.posting,
        ric: b!.posting,
        canonical: { lambdash: a!.canonical, ric: b!.canonical },
        output: { lambdash: a!.output, ric: b!.output },
      };
    },
    async stop() {
      await Promise.all([lambdash.stop(), ric.stop()]);
    },
  };
}

async function invokeOne(
  runtime: RuntimeHarness,
  event: unknown,
  request: { requestId: string; deadlineMs: number; traceId?: string },
): Promise<{ posting: Posting; canonical: string; output: string }> {
  const from = runtime.output().length;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), INVOKE_LIMIT_MS);
  });
  const exited = runtime.exited.then((code) => ({ exited: code }));
  try {
    const result = await Promise.race([runtime.invoke(event, request), limit, exited]);
    if (result === 'timeout') return gone('timeout', runtime, from);
    if ('exited' in result) return gone('exited', runtime, from, String(result.exited));
    let posting: Posting;
    let text: string;
    if (result.kind === 'stream') {
      text = (await readAll(result.body)).toString('utf8');
      const ended = await result.ended;
      posting = {
        kind: 'stream',
        contentType: result.contentType,
        payload: text,
        streamError: ended
          ? { errorType: ended.errorType, body: normalise(ended.body.toString('utf8')) }
          : undefined,
      };
    } else {
      text = result.body.toString('utf8');
      posting =
        result.kind === 'response'
          ? { kind: 'response', contentType: result.contentType, payload: normalise(text) }
          : { kind: 'error', errorType: result.errorType, payload: normalise(text) };
    }
    // The invocation ends when the runtime asks for the next event; its lines are out by then,
    // give the pipe a moment to deliver them.
    await Promise.race([result.idle, limit]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const canonical =
      typeof posting.payload === 'string' ? posting.payload : JSON.stringify(posting.payload);
    return { posting, canonical, output: runtime.output().slice(from) };
  } finally {
    clearTimeout(timer);
  }
}

function gone(kind: 'timeout' | 'exited', runtime: RuntimeHarness, from: number, detail = '') {
  const output = runtime.output().slice(from);
  const posting: Posting = { kind, payload: `${detail} ${output.slice(-2000)}`.trim() };
  return { posting, canonical: kind, output };
}

const STACK_FRAME = /^\s+at /;

/** Parses JSON text and normalises what two runs can never share; other text stays text. */
export function normalise(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = { ...(value as Record<string, unknown>) };
  // An HTTP response: frameworks stamp the current time in `Date`.
  for (const key of ['headers', 'multiValueHeaders'] as const) {
    const headers = record[key];
    if (headers && typeof headers === 'object') {
      record[key] = Object.fromEntries(
        Object.entries(headers).map(([name, v]) =>
          name.toLowerCase() === 'date'
            ? [name, Array.isArray(v) ? v.map(() => '<date>') : '<date>']
            : [name, v],
        ),
      );
    }
  }
  // An error: the frames inside each runtime's own code differ by nature; the message lines
  // and the app's frames must not.
  for (const key of ['trace', 'stackTrace'] as const) {
    const lines = record[key];
    if (Array.isArray(lines)) {
      record[key] = lines.filter(
        (line) =>
          typeof line !== 'string' ||
          !STACK_FRAME.test(line) ||
          line.includes('/test/compat/apps/'),
      );
    }
  }
  return record;
}
