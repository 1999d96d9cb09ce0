import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  errorJson,
  errorTypeHeader,
  RuntimeError,
  sanitizeHeaderValue,
  toErrorPayload,
} from '../../../runtime/errors.js';

class PaymentDeclinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}
// Sets no name: it inherits 'Error', which is what Lambda's runtime reports too.
class UnnamedError extends Error {}

describe('toErrorPayload', () => {
  it('describes an Error by name and message, with its frames as the stack trace', () => {
    const error = new TypeError('bad input');
    error.stack =
      'TypeError: bad input\n    at handler (/var/task/app.mjs:3:9)\n    at run (x.js:1:1)';
    expect(toErrorPayload(error)).toEqual({
      errorType: 'TypeError',
      errorMessage: 'bad input',
      stackTrace: ['at handler (/var/task/app.mjs:3:9)', 'at run (x.js:1:1)'],
    });
  });

  it('keeps the lines of a multi-line message out of the stack trace', () => {
    const error = new Error("Cannot find module 'x'\nRequire stack:\n- /var/task/app.cjs");
    const payload = toErrorPayload(error);
    expect(payload.errorMessage).toBe(
      "Cannot find module 'x'\nRequire stack:\n- /var/task/app.cjs",
    );
    expect(payload.stackTrace.length).toBeGreaterThan(0);
    for (const frame of payload.stackTrace) expect(frame).toMatch(/^at /);
  });

  it.each([
    { error: new PaymentDeclinedError('declined'), type: 'PaymentDeclinedError' },
    { error: new UnnamedError('no name'), type: 'Error' },
    { error: new RangeError('out of range'), type: 'RangeError' },
  ])('types $type errors by their name', ({ error, type }) => {
    expect(toErrorPayload(error)).toMatchObject({ errorType: type, errorMessage: error.message });
  });

  it('falls back to the constructor name when the name is empty', () => {
    const error = new PaymentDeclinedError('x');
    error.name = '';
    expect(toErrorPayload(error).errorType).toBe('PaymentDeclinedError');
  });

  it('gives a RuntimeError its Runtime.* type', () => {
    const payload = toErrorPayload(
      new RuntimeError('Runtime.HandlerNotFound', 'app.nope is undefined'),
    );
    expect(payload.errorType).toBe('Runtime.HandlerNotFound');
    expect(payload.errorMessage).toBe('app.nope is undefined');
    expect(payload.stackTrace[0]).toMatch(/^at /);
  });

  it('recognises an Error from another realm', () => {
    const foreign = vm.runInNewContext('new TypeError("from a vm context")');
    expect(foreign instanceof Error).toBe(false);
    expect(toErrorPayload(foreign)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'from a vm context',
    });
  });

  it.each([
    { value: 'boom', type: 'string', message: 'boom' },
    { value: 42, type: 'number', message: '42' },
    { value: { code: 'E42' }, type: 'object', message: '{"code":"E42"}' },
    { value: null, type: 'object', message: 'null' },
    { value: undefined, type: 'undefined', message: 'undefined' },
    { value: 10n, type: 'bigint', message: '10' },
  ])('types a thrown $type by typeof', ({ value, type, message }) => {
    expect(toErrorPayload(value)).toEqual({
      errorType: type,
      errorMessage: message,
      stackTrace: [],
    });
  });

  it('describes a circular object without throwing', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(toErrorPayload(value)).toEqual({
      errorType: 'object',
      errorMessage: '[object Object]',
      stackTrace: [],
    });
  });

  it('survives an error whose properties cannot be read', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'name', {
      get() {
        throw new Error('no name for you');
      },
    });
    expect(toErrorPayload(hostile)).toEqual({
      errorType: 'handled',
      errorMessage:
        'The handler failed with a value whose name, message or stack could not be read',
      stackTrace: [],
    });
  });

  it('gives an empty stack trace when the stack is missing or has no frames', () => {
    const noStack = new Error('a');
    noStack.stack = undefined;
    const headerOnly = new Error('');
    headerOnly.stack = 'Error';
    expect(toErrorPayload(noStack).stackTrace).toEqual([]);
    expect(toErrorPayload(headerOnly).stackTrace).toEqual([]);
  });
});

describe('errorTypeHeader', () => {
  it.each([
    { type: 'Runtime.UnmarshalError', header: 'Runtime.UnmarshalError' },
    { type: 'TypeError', header: 'Function.TypeError' },
    { type: 'string', header: 'Function.string' },
    { type: 'Bad\r\nX-Injected: yes', header: 'Function.BadX-Injected: yes' },
    { type: 'Ärger', header: 'Function.rger' },
  ])('$type → $header', ({ type, header }) => {
    expect(errorTypeHeader({ errorType: type, errorMessage: '', stackTrace: [] })).toBe(header);
  });
});

describe('sanitizeHeaderValue', () => {
  it.each([
    { value: 'Function.Plain', clean: 'Function.Plain' },
    { value: 'a\r\nSet-Cookie: x=1', clean: 'aSet-Cookie: x=1' },
    { value: 'tab\there\0nul\x7fdel', clean: 'tabherenuldel' },
    { value: 'café 😀 ok', clean: 'caf  ok' },
    { value: '\r\n', clean: 'Unknown' },
    { value: '', clean: 'Unknown' },
  ])('$value → $clean', ({ value, clean }) => {
    expect(sanitizeHeaderValue(value)).toBe(clean);
  });

  it('caps a value at 1024 characters', () => {
    expect(sanitizeHeaderValue('x'.repeat(5000))).toBe('x'.repeat(1024));
  });
});

describe('errorJson', () => {
  it('writes the three fields Lambda shows', () => {
    expect(errorJson({ errorType: 'Error', errorMessage: 'm', stackTrace: ['at a'] })).toBe(
      '{"errorType":"Error","errorMessage":"m","stackTrace":["at a"]}',
    );
  });
});
