// The framework compatibility suite's shared cases (issue 12 "Tests"): each HTTP route × each
// front door's event, and the assertion that lambdash posts what aws-lambda-ric posts.
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Compared } from '../../support/compat-runtimes.js';
import {
  HTTP_EVENT_KINDS,
  type HttpEventKind,
  type HttpRequestSpec,
} from '../../support/http-events.js';

export interface HttpCase {
  readonly route: string;
  readonly spec: HttpRequestSpec;
}

const json = JSON.stringify({ name: 'Ada', tags: ['a', 'é'] });
const jsonType = { 'content-type': 'application/json' };

export const HELLO: HttpCase = { route: 'GET /hello', spec: { method: 'GET', path: '/hello' } };
export const COOKIES: HttpCase = {
  route: 'GET /cookies',
  spec: { method: 'GET', path: '/cookies' },
};
export const THROWS: HttpCase = { route: 'GET /throws', spec: { method: 'GET', path: '/throws' } };
export const MISSING: HttpCase = {
  route: 'GET /missing (404)',
  spec: { method: 'GET', path: '/missing' },
};

/** Bodies: the awkward cases of issue 12 part 1. */
export const BODY_CASES: readonly HttpCase[] = [
  {
    route: 'POST /echo JSON',
    spec: { method: 'POST', path: '/echo', headers: jsonType, body: json },
  },
  {
    route: 'POST /echo JSON with a BOM',
    spec: { method: 'POST', path: '/echo', headers: jsonType, body: `\uFEFF${json}` },
  },
  {
    route: 'POST /echo gzip JSON',
    spec: {
      method: 'POST',
      path: '/echo',
      headers: { ...jsonType, 'content-encoding': 'gzip' },
      body: gzipSync(json),
    },
  },
  {
    route: 'POST /echo malformed JSON',
    spec: { method: 'POST', path: '/echo', headers: jsonType, body: '{"name": "Ada",' },
  },
  {
    route: 'POST /problem problem+json as text',
    spec: {
      method: 'POST',
      path: '/problem',
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409 }),
    },
  },
  {
    route: 'POST /binary binary body',
    spec: {
      method: 'POST',
      path: '/binary',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    },
  },
];

export const HTTP_CASES: readonly HttpCase[] = [HELLO, ...BODY_CASES, COOKIES, THROWS, MISSING];

export interface MatrixRow extends HttpCase {
  readonly kind: HttpEventKind;
}

/** Every case under every front door's event. */
export function matrix(
  cases: readonly HttpCase[],
  kinds: readonly HttpEventKind[] = HTTP_EVENT_KINDS,
): MatrixRow[] {
  return cases.flatMap((c) => kinds.map((kind) => ({ ...c, kind })));
}

/** lambdash must post exactly what aws-lambda-ric posted: kind, error type, content type, bytes. */
export function expectSame(compared: Compared): void {
  const { lambdash, ric } = compared;
  // aws-lambda-ric is the reference: it must have answered at all.
  expect(
    ['timeout', 'exited'],
    `aws-lambda-ric did not answer:\n${compared.output.ric}`,
  ).not.toContain(ric.kind);
  expect(lambdash, `lambdash's output:\n${compared.output.lambdash}`).toEqual(ric);
  // toEqual ignores key order: the posted JSON text must match too.
  expect(compared.canonical.lambdash).toBe(compared.canonical.ric);
}
