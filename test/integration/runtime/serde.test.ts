// Custom (de)serialisers, as lambdr allows: `deserialize` gets the event's raw bytes and
// `serialize`'s text or bytes are posted exactly as returned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

describe('deserialize and serialize exports', () => {
  let harness: RuntimeHarness;
  beforeAll(async () => {
    harness = await startRuntime({ handler: 'sources/csv.handler' });
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('a CSV payload is read from its bytes and the text answer is posted as is', async () => {
    const result = await harness.invoke(Buffer.from('apples,3\npears,4\n'), { requestId: 'csv-1' });
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect(result.body.toString('utf8')).toBe('rows=2\ttotal=7\tbuffer=true\tid=csv-1\n');
  });

  it('bytes from serialize are posted unchanged', async () => {
    const result = await harness.invoke(Buffer.from('as,bytes'));
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect([...result.body]).toEqual([0xff, 0x00, 0xfe]);
  });

  it('serialize returning neither text nor bytes is a serialisation error, then the next works', async () => {
    const answer = await harness.invokeJson(Buffer.from('as,number'));
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'Runtime.SerializationError',
      body: {
        errorType: 'Runtime.SerializationError',
        errorMessage: 'serialize must return a string or bytes, not number',
      },
    });
    const next = await harness.invoke(Buffer.from('a,1'));
    expect(next.kind === 'response' && next.body.toString()).toMatch(/^rows=1\ttotal=1\t/);
  });

  it('a handler error after deserialising is an ordinary invocation error', async () => {
    const answer = await harness.invokeJson(Buffer.from('throw,1'));
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'Error',
      body: { errorType: 'Error', errorMessage: 'deserialised, then failed' },
    });
  });
});

describe('a deserialiser that throws', () => {
  let harness: RuntimeHarness;
  beforeAll(async () => {
    harness = await startRuntime({ handler: 'sources/bad-deserialize.handler' });
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('is reported as Runtime.UnmarshalError, and the next invocation succeeds', async () => {
    const answer = await harness.invokeJson(Buffer.from('bad input'));
    expect(answer).toMatchObject({
      kind: 'error',
      errorType: 'Runtime.UnmarshalError',
      body: {
        errorType: 'Runtime.UnmarshalError',
        errorMessage: 'Unable to parse the event: cannot read bad input',
      },
    });
    expect(await harness.invokeJson(Buffer.from('fine'))).toEqual({
      kind: 'response',
      errorType: undefined,
      body: { text: 'fine' },
    });
  });
});
