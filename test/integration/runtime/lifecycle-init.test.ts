// Init failures: each is posted exactly once to /init/error with its error type in the
// Lambda-Runtime-Function-Error-Type header, the runtime never asks for an event, and exits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { handlersDir } from '../../support/paths.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

// Syntax errors are written at test time: a broken file in the tree would break the linter.
// One folder per format, so the loader cannot find the other one first.
const brokenRoot = mkdtempSync(path.join(tmpdir(), 'lambdash-init-'));
const brokenEsm = path.join(brokenRoot, 'esm');
const brokenCjs = path.join(brokenRoot, 'cjs');
for (const [dir, file, text] of [
  [brokenEsm, 'broken.mjs', 'export const handler = async () => {\n'],
  [brokenCjs, 'broken.cjs', 'module.exports.handler = (event) => {{;\n'],
]) {
  mkdirSync(dir!, { recursive: true });
  writeFileSync(path.join(dir!, file!), text!);
}
afterAll(() => rmSync(brokenRoot, { recursive: true, force: true }));

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

interface InitFailure {
  readonly exitCode: number | string;
  readonly posts: Array<{ errorType: string; body: Record<string, unknown> }>;
  readonly nextRequests: number;
  readonly output: string;
}

async function initFailure(handler: string, taskRoot = handlersDir): Promise<InitFailure> {
  harness = await startRuntime({ handler, taskRoot });
  const posts: InitFailure['posts'] = [];
  let nextRequests = 0;
  harness.server.on('init-error', (errorType, body) => {
    posts.push({ errorType, body: JSON.parse(body.toString()) });
  });
  harness.server.on('next', () => nextRequests++);
  const exitCode = await harness.exited;
  return { exitCode, posts, nextRequests, output: harness.output() };
}

describe('runtime init errors', () => {
  it.each([
    {
      name: 'an ES module with a syntax error',
      handler: 'broken.handler',
      root: brokenEsm,
      header: 'Runtime.UserCodeSyntaxError',
      message: /^SyntaxError: Unexpected end of input/,
    },
    {
      name: 'a CommonJS module with a syntax error',
      handler: 'broken.handler',
      root: brokenCjs,
      header: 'Runtime.UserCodeSyntaxError',
      message: /^SyntaxError: /,
    },
    {
      name: 'a missing module',
      handler: 'lifecycle/no-such-file.handler',
      header: 'Runtime.ImportModuleError',
      message: /^Error: Cannot find module 'lifecycle\/no-such-file'/,
    },
    {
      name: 'an ES module importing a missing package',
      handler: 'lifecycle/init/imports-missing-package.handler',
      header: 'Runtime.ImportModuleError',
      message: /^Error: Cannot find package 'lambdash-package-that-does-not-exist'/,
    },
    {
      name: 'a CommonJS module requiring a missing package',
      handler: 'lifecycle/init/requires-missing-package.handler',
      header: 'Runtime.ImportModuleError',
      message: /^Error: Cannot find module 'lambdash-package-that-does-not-exist'/,
    },
    {
      name: 'a missing export',
      handler: 'lifecycle/esm.missing',
      header: 'Runtime.HandlerNotFound',
      message: /^lifecycle\/esm\.missing is undefined or not exported$/,
    },
    {
      name: 'a missing nested export',
      handler: 'lifecycle/esm.api.v2.handler',
      header: 'Runtime.HandlerNotFound',
      message: /^lifecycle\/esm\.api\.v2\.handler is undefined or not exported$/,
    },
    {
      name: 'an export that is not a function',
      handler: 'lifecycle/esm.notAFunction',
      header: 'Runtime.HandlerNotFound',
      message: /^lifecycle\/esm\.notAFunction is not a function$/,
    },
    {
      name: "a handler name with '..'",
      handler: 'lifecycle/../basic.handler',
      header: 'Runtime.MalformedHandlerName',
      message: /may not contain '\.\.'/,
    },
    {
      name: 'a handler name without a dot',
      handler: 'lifecycle/echo',
      header: 'Runtime.MalformedHandlerName',
      message: /use 'file\.export'/,
    },
    {
      name: 'a handler name ending with a dot',
      handler: 'lifecycle/echo.',
      header: 'Runtime.MalformedHandlerName',
      message: /use 'file\.export'/,
    },
  ])('$name: posts $header once, then exits 129', async ({ handler, root, header, message }) => {
    const failure = await initFailure(handler, root);
    expect(failure.exitCode).toBe(129);
    expect(failure.nextRequests).toBe(0);
    expect(failure.posts).toHaveLength(1);
    const [post] = failure.posts;
    expect(post!.errorType).toBe(header);
    expect(post!.body.errorType).toBe(header);
    expect(post!.body.errorMessage).toMatch(message);
    // AWS's shape: the whole stack as lines, starting with "Type: message".
    expect((post!.body.trace as string[])[0]).toMatch(
      new RegExp(`^${header.replace('.', '\\.')}: `),
    );
    expect(failure.output).toContain(`Init Error \t{"errorType":"${header}"`);
  });

  it("reports a module that throws at top level with its error's own name", async () => {
    const failure = await initFailure('lifecycle/init/throws-at-top.handler');
    expect(failure.exitCode).toBe(129);
    expect(failure.nextRequests).toBe(0);
    expect(failure.posts).toHaveLength(1);
    const [post] = failure.posts;
    // The init error's type header as aws-lambda-ric 3.3.0 sends it: as is, no prefix.
    expect(post!.errorType).toBe('TypeError');
    expect(post!.body).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'DATABASE_URL is not set',
    });
    const trace = post!.body.trace as string[];
    expect(trace[0]).toBe('TypeError: DATABASE_URL is not set');
    expect(trace[1]).toMatch(/^ {4}at .*throws-at-top\.mjs/);
  });

  it('reports a promise rejected while the module loads as an init error', async () => {
    const failure = await initFailure('lifecycle/init/rejects-at-top.handler');
    expect(failure.posts).toEqual([
      {
        errorType: 'Runtime.UnhandledPromiseRejection',
        body: expect.objectContaining({
          errorType: 'Runtime.UnhandledPromiseRejection',
          errorMessage: 'Error: warm-up failed',
        }),
      },
    ]);
    expect(failure.exitCode).toBe(128);
  });
});
