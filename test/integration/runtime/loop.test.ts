import { afterEach, describe, expect, it } from 'vitest';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('runtime loop', () => {
  it('answers sequential invocations over one connection', async () => {
    harness = await startRuntime({ handler: 'basic.handler' });
    for (let i = 0; i < 3; i++) {
      const answer = await harness.invokeJson({ n: i }, { requestId: `req-${i}` });
      expect(answer).toEqual({
        kind: 'response',
        errorType: undefined,
        body: { echo: { n: i }, requestId: `req-${i}`, remaining: true },
      });
    }
  });

  it('resolves nested export paths', async () => {
    harness = await startRuntime({ handler: 'basic.nested.deeper.handler' });
    expect((await harness.invokeJson({})).body).toBe('nested ok');
  });
});
