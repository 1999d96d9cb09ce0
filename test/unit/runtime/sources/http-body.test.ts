import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, MAX_DECODED_BYTES } from '../../../../runtime/sources/http-body.js';
import { HttpError } from '../../../../runtime/sources/http-error.js';

const JSON_TYPE = 'application/json';
const json = Buffer.from('{"a":[1,"é"]}');

function thrownBy(read: () => unknown): HttpError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('decodeBody', () => {
  it('returns undefined for no bytes whatever the type', () => {
    expect(decodeBody(Buffer.alloc(0), 'application/octet-stream', 'gzip')).toBeUndefined();
  });

  it.each<[string, string, Buffer, unknown]>([
    ['JSON', JSON_TYPE, Buffer.from('\uFEFF{"a":1}'), { a: 1 }],
    ['form fields', 'application/x-www-form-urlencoded', Buffer.from('\uFEFFa=1'), { a: '1' }],
    ['text', 'text/plain', Buffer.from('\uFEFFhi'), 'hi'],
  ])('drops a UTF-8 byte-order mark before %s', (_label, type, raw, expected) => {
    expect(decodeBody(raw, type)).toEqual(expected);
  });

  it.each<[string, string, Buffer]>([
    ['gzip', 'gzip', gzipSync(json)],
    ['x-gzip', 'x-gzip', gzipSync(json)],
    ['deflate (zlib-wrapped)', 'deflate', deflateSync(json)],
    ['deflate (raw, as some clients send it)', 'deflate', deflateRawSync(json)],
    ['br', 'br', brotliCompressSync(json)],
    ['any case, identity ignored', 'identity, GZIP', gzipSync(json)],
    ['gzip then br, undone in reverse', 'gzip, br', brotliCompressSync(gzipSync(json))],
  ])('undoes content-encoding %s', (_label, encoding, raw) => {
    expect(decodeBody(raw, JSON_TYPE, encoding)).toEqual({ a: [1, 'é'] });
  });

  it('decodes binary bodies too, to bytes', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff]);
    expect(decodeBody(gzipSync(png), 'image/png', 'gzip')).toEqual(png);
  });

  it.each<[string, Buffer, string | undefined, number, string]>([
    ['malformed JSON', Buffer.from('{"a": nope'), undefined, 400, 'Request body is not valid JSON'],
    ['corrupt gzip', Buffer.from('not gzip'), 'gzip', 400, 'Request body is not valid gzip'],
    ['corrupt br', Buffer.from('not br at all'), 'br', 400, 'Request body is not valid br'],
    [
      'an unknown coding',
      gzipSync(json),
      'compress',
      415,
      'Unsupported content-encoding: compress',
    ],
  ])('%s is an HttpError %i', (_label, raw, encoding, status, message) => {
    const error = thrownBy(() => decodeBody(raw, JSON_TYPE, encoding));
    expect([error.statusCode, error.message]).toEqual([status, message]);
  });

  it('refuses to inflate past the limit (a decompression bomb) with a 413', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(thrownBy(() => decodeBody(bomb, 'application/octet-stream', 'gzip')).statusCode).toBe(
      413,
    );
  });
});
