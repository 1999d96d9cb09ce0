// Which thrown errors choose the HTTP response. Only errors meant for the client may: an
// HttpError (this copy or a bundled one, known by its brand) or an error that says itself
// whether its message may be shown (`expose`, as http-errors sets it). A library's error
// that merely carries an upstream status, such as stripe-node's StripeError with the
// upstream's headers, must not reach the end user.
import { describe, expect, it } from 'vitest';
import { HttpError, httpErrorView } from '../../../../runtime/sources/http-error.js';

const BRAND = Symbol.for('dev.lambdash.httpError');

/** A copy of HttpError bundled into the user's code: another class, the same brand. */
class BundledHttpError extends Error {
  readonly headers: Record<string, string>;
  readonly expose: boolean;
  constructor(
    readonly statusCode: number,
    message: string,
    headers: Record<string, string>,
  ) {
    super(message);
    this.headers = headers;
    this.expose = statusCode < 500;
  }
}
Object.defineProperty(BundledHttpError.prototype, BRAND, { value: true });

/** stripe-node's StripeError, in short: a status and the upstream response's headers. */
class StripeLikeError extends Error {
  readonly statusCode = 402;
  readonly headers = { 'request-id': 'req_upstream', 'stripe-version': '2024-06-20' };
}

describe('httpErrorView', () => {
  it.each<[string, unknown, ReturnType<typeof httpErrorView>]>([
    [
      'an HttpError: status, exposure, headers and details',
      new HttpError(404, 'gone', { headers: { 'x-r': '1' }, details: { id: 7 } }),
      { statusCode: 404, expose: true, headers: { 'x-r': '1' }, details: { id: 7 } },
    ],
    [
      'a subclass of HttpError',
      new (class NotFound extends HttpError {})(404, 'gone'),
      { statusCode: 404, expose: true, headers: {}, details: undefined },
    ],
    [
      'a bundled copy of HttpError, known by its brand',
      new BundledHttpError(409, 'conflict', { 'retry-after': '3' }),
      { statusCode: 409, expose: true, headers: { 'retry-after': '3' }, details: undefined },
    ],
    [
      'an http-errors error (status and a boolean expose): its headers stay out',
      Object.assign(new Error('Slow down'), {
        status: 429,
        statusCode: 429,
        expose: true,
        headers: { 'retry-after': '1' },
      }),
      { statusCode: 429, expose: true, headers: {}, details: undefined },
    ],
    [
      'a plain object that says expose',
      { statusCode: 409, expose: true, message: 'stale write' },
      { statusCode: 409, expose: true, headers: {}, details: undefined },
    ],
    [
      'a StripeError (statusCode and upstream headers, no expose)',
      new StripeLikeError('card declined'),
      undefined,
    ],
    [
      'an error with a statusCode only',
      Object.assign(new Error('version conflict'), { statusCode: 409 }),
      undefined,
    ],
    [
      'a plain object with a statusCode only',
      { statusCode: 409, message: 'stale write' },
      undefined,
    ],
    [
      'an expose that is not a boolean',
      Object.assign(new Error('x'), { statusCode: 400, expose: 'yes' }),
      undefined,
    ],
    [
      'a branded error with a status outside 400-599',
      Object.assign(new HttpError(400, 'x'), { statusCode: 302 }),
      undefined,
    ],
    ['a string', 'not found', undefined],
    ['null', null, undefined],
  ])('%s', (_label, error, view) => {
    expect(httpErrorView(error)).toEqual(view);
  });

  it('brands HttpError with the shared symbol, out of sight of logs and JSON', () => {
    const error = new HttpError(400, 'bad');
    expect((error as unknown as Record<symbol, unknown>)[BRAND]).toBe(true);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
  });
});
