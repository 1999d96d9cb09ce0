import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  errorJson,
  errorTypeValue,
  RuntimeError,
  sanitizeHeaderValue,
  toErrorPayload,
  xrayErrorCause,
} from '../../../runtime/errors.js';

class PaymentDeclinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}
// Sets no name: it inherits 'Error', which is what Lambda's runtime reports too.
class UnnamedError extends Error {}

const HANDLED = {
  errorType: 'handled',
  errorMessage:
    'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
};

// The expectations are aws-lambda-ric 3.3.0's (Errors.js toRapidResponse), which AWS's Node.js
// runtime posts; test/integration/runtime/ric-errors.test.ts compares the two live.
describe('toErrorPayload', () => {
  it('describes an Error by name and message, with its whole stack as the trace', () => {
    const error = new TypeError('bad input');
    error.stack =
      'TypeError: bad input\n    at handler (/var/task/app.mjs:3:9)\n    at run (x.js:1:1)';
    expect(toErrorPayload(error)).toEqual({
      errorType: 'TypeError',
      errorMessage: 'bad input',
      trace: [
        'TypeError: bad input',
        '    at handler (/var/task/app.mjs:3:9)',
        '    at run (x.js:1:1)',
      ],
    });
  });

  it('keeps every line of a multi-line message in the trace', () => {
    const error = new Error("Cannot find module 'x'\nRequire stack:\n- /var/task/app.cjs");
    const { trace } = toErrorPayload(error);
    expect(trace!.slice(0, 3)).toEqual([
      "Error: Cannot find module 'x'",
      'Require stack:',
      '- /var/task/app.cjs',
    ]);
    expect(trace![3]).toMatch(/^ {4}at /);
  });

  it.each([
    { error: new PaymentDeclinedError('declined'), type: 'PaymentDeclinedError' },
    { error: new UnnamedError('no name'), type: 'Error' },
    { error: new RangeError('out of range'), type: 'RangeError' },
  ])('types $type errors by their name', ({ error, type }) => {
    expect(toErrorPayload(error)).toMatchObject({ errorType: type, errorMessage: error.message });
  });

  it('keeps an empty name as it is', () => {
    const error = new PaymentDeclinedError('x');
    error.name = '';
    expect(toErrorPayload(error).errorType).toBe('');
  });

  it('escapes DEL in the name, message and trace', () => {
    const error = new Error('a\x7Fb');
    error.name = 'N\x7F';
    const payload = toErrorPayload(error);
    expect([payload.errorType, payload.errorMessage, payload.trace![0]]).toEqual([
      'N%7F',
      'a%7Fb',
      'N%7F: a%7Fb',
    ]);
  });

  it('gives a RuntimeError its Runtime.* type', () => {
    const payload = toErrorPayload(
      new RuntimeError('Runtime.HandlerNotFound', 'app.nope is undefined'),
    );
    expect(payload.errorType).toBe('Runtime.HandlerNotFound');
    expect(payload.errorMessage).toBe('app.nope is undefined');
    expect(payload.trace![0]).toBe('Runtime.HandlerNotFound: app.nope is undefined');
  });

  it('recognises an Error from another realm, and an error-like object', () => {
    const foreign = vm.runInNewContext('new TypeError("from a vm context")');
    expect(foreign instanceof Error).toBe(false);
    expect(toErrorPayload(foreign)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'from a vm context',
    });
    const like = { name: 'Like', message: 'm', stack: 'Like: m\n    at x' };
    expect(toErrorPayload(like).trace).toEqual(['Like: m', '    at x']);
  });

  it.each([
    { value: 'boom', type: 'string', message: 'boom' },
    { value: 42, type: 'number', message: '42' },
    { value: { code: 'E42' }, type: 'object', message: '[object Object]' },
    { value: 10n, type: 'bigint', message: '10' },
    { value: { name: 'N', message: '', stack: 's' }, type: 'object', message: '[object Object]' },
  ])('types a thrown $type by typeof and toString()', ({ value, type, message }) => {
    expect(toErrorPayload(value)).toEqual({ errorType: type, errorMessage: message, trace: [] });
  });

  it.each([
    { name: 'null', value: null },
    { name: 'undefined', value: undefined },
  ])('describes $name, which has no toString, as handled', ({ value }) => {
    expect(toErrorPayload(value)).toEqual(HANDLED);
  });

  it('survives an error whose properties cannot be read, or that has no stack', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'name', {
      get() {
        throw new Error('no name for you');
      },
    });
    expect(toErrorPayload(hostile)).toEqual(HANDLED);
    const noStack = new Error('a');
    noStack.stack = undefined;
    expect(toErrorPayload(noStack)).toEqual(HANDLED);
  });
});

// aws-lambda-ric 3.3.0 sends the type as is (RAPIDClient.postInitError, ResponseStream's
// trailer): no `Function.` prefix. Only what cannot be a header value is removed.
describe('errorTypeValue', () => {
  it.each([
    { type: 'Runtime.UnmarshalError', header: 'Runtime.UnmarshalError' },
    { type: 'Runtime.ImportModuleError', header: 'Runtime.ImportModuleError' },
    { type: 'TypeError', header: 'TypeError' },
    { type: 'string', header: 'string' },
    { type: 'Bad\r\nX-Injected: yes', header: 'BadX-Injected: yes' },
    { type: 'Ärger', header: 'rger' },
  ])('$type → $header', ({ type, header }) => {
    expect(errorTypeValue({ errorType: type, errorMessage: '', trace: [] })).toBe(header);
  });
});

// aws-lambda-ric 3.3.0's XRayError.js, byte for byte.
describe('xrayErrorCause', () => {
  it('gives the working directory, the error and its frames', () => {
    const error = new PaymentDeclinedError('card declined');
    error.stack = [
      'PaymentDeclinedError: card declined',
      '    at charge (/var/task/pay.mjs:12:9)',
      '    at async Runtime.handler (/var/task/index.mjs:3:5)',
      '    at /var/task/index.mjs:7:1',
    ].join('\n');
    expect(xrayErrorCause(error)).toBe(
      JSON.stringify({
        working_directory: process.cwd(),
        exceptions: [
          {
            type: 'PaymentDeclinedError',
            message: 'card declined',
            stack: [
              { path: '/var/task/pay.mjs', line: 12, label: 'charge' },
              { path: '/var/task/index.mjs', line: 3, label: 'async Runtime.handler' },
              { path: '/var/task/index.mjs', line: 7, label: 'anonymous' },
            ],
          },
        ],
        paths: ['/var/task/pay.mjs', '/var/task/index.mjs'],
      }),
    );
  });

  it('has no control characters, so it is always a header value', () => {
    const error = new Error('line\r\nX-Injected: yes\u0000');
    const cause = xrayErrorCause(error);
    expect([...cause].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
    expect(JSON.parse(cause).exceptions[0].message).toBe(error.message);
  });

  it('types a thrown non-error by nothing, as AWS does', () => {
    expect(JSON.parse(xrayErrorCause('boom'))).toEqual({
      working_directory: process.cwd(),
      exceptions: [{ stack: [] }],
      paths: [],
    });
  });

  it('is empty (the header is left out) for what cannot be read', () => {
    expect(xrayErrorCause(undefined)).toBe('');
    expect(xrayErrorCause(null)).toBe('');
    expect(xrayErrorCause({ name: 42, message: 'm', stack: 's' })).toBe('');
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
  it("writes the three fields in AWS's order", () => {
    expect(errorJson({ errorType: 'Error', errorMessage: 'm', trace: ['Error: m'] })).toBe(
      '{"errorType":"Error","errorMessage":"m","trace":["Error: m"]}',
    );
  });
});
