// Loading `_HANDLER` for real: each module format Node has, nested export paths, and the
// task root. The answers say which format the code actually ran as (`require` exists only
// in CommonJS), so a loader that got it wrong would fail here, not just one that crashed.
import { afterEach, describe, expect, it } from 'vitest';
import { handlersDir } from '../../support/paths.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('runtime handler loading', () => {
  it.each([
    { handler: 'lifecycle/esm.handler', answer: { format: 'esm' } },
    {
      handler: 'lifecycle/cjs-module-exports.handler',
      answer: { format: 'cjs', style: 'module.exports.handler' },
    },
    {
      handler: 'lifecycle/cjs-exports-object.handler',
      answer: { format: 'cjs', style: 'module.exports = {...}' },
    },
    {
      handler: 'lifecycle/cjs-exports-shorthand.handler',
      answer: { format: 'cjs', style: 'exports.handler' },
    },
    { handler: 'lifecycle/type-module/app.handler', answer: { format: 'esm' } },
    { handler: 'lifecycle/type-commonjs/app.handler', answer: { format: 'cjs' } },
  ])('loads $handler as $answer.format', async ({ handler, answer }) => {
    harness = await startRuntime({ handler });
    for (const n of [1, 2]) {
      expect(await harness.invokeJson({ n })).toEqual({
        kind: 'response',
        errorType: undefined,
        body: { ...answer, event: { n } },
      });
    }
  });

  it.each([
    { handler: 'lifecycle/esm.api.v1.users.handler', answer: 'nested export' },
    { handler: 'lifecycle/cjs-exports-object.api.v2.handler', answer: 'cjs nested export' },
  ])('resolves the nested export path $handler', async ({ handler, answer }) => {
    harness = await startRuntime({ handler });
    expect((await harness.invokeJson({})).body).toBe(answer);
  });

  it('resolves the handler relative to LAMBDA_TASK_ROOT', async () => {
    harness = await startRuntime({
      handler: 'app.handler',
      taskRoot: `${handlersDir}/lifecycle/type-commonjs`,
    });
    expect((await harness.invokeJson({ n: 3 })).body).toEqual({ format: 'cjs', event: { n: 3 } });
  });

  it('loads a plain synchronous handler, whose return value the AWS runtime ignores (null)', async () => {
    // As under aws-lambda-ric: only a promise, the callback or context.succeed answers; a
    // synchronous return is dropped and the drained event loop answers null.
    harness = await startRuntime({ handler: 'lifecycle/esm.syncHandler' });
    const answer = await harness.invokeJson({ n: 4 });
    expect(answer.kind).toBe('response');
    expect(answer.body).toBeNull();
  });
});
