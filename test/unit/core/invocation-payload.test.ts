import { describe, expect, it } from 'vitest';
import { payloadJson, resultOf } from '../../../src/core/common/invocation-payload.js';
import { failure } from '../../support/images.js';

const refused = (payload: unknown) => failure(Promise.resolve().then(() => payloadJson(payload)));

describe('payloadJson', () => {
  it('sends plain data as JSON', () => {
    expect(payloadJson({ name: 'Ada', tags: [1, null] })).toBe('{"name":"Ada","tags":[1,null]}');
    expect(payloadJson('text')).toBe('"text"');
  });

  it('refuses what has no JSON form or is larger than Lambda takes, saying why', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect((await refused({ n: 1n })).message).toMatch(/^The payload cannot be sent as JSON: /);
    expect((await refused(cycle)).code).toBe('INVALID_PAYLOAD');
    expect((await refused(undefined)).message).toBe('The payload (undefined) has no JSON form.');
    expect((await refused(() => 1)).message).toBe('The payload (function) has no JSON form.');
    const big = await refused({ data: 'x'.repeat(6 * 1024 * 1024) });
    expect(big.message).toBe(
      `The payload is ${6 * 1024 * 1024 + 11} bytes as JSON, more than Lambda's 6 MB.`,
    );
  });
});

describe('resultOf', () => {
  it('decodes JSON, keeps other text as it is, and reads no answer as undefined', () => {
    expect(resultOf('{"ok":true}')).toEqual({ ok: true });
    expect(resultOf('null')).toBeNull();
    expect(resultOf('not json')).toBe('not json');
    expect(resultOf('')).toBeUndefined();
  });
});
