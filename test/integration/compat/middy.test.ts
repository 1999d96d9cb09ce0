// Framework compatibility (issue 12): middy 6 with json-body-parser, validator and
// http-error-handler, under lambdash's runtime and aws-lambda-ric; payloads must be identical.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RuntimePair, startPair } from '../../support/compat-runtimes.js';
import { httpEvent } from '../../support/http-events.js';
import {
  BODY_CASES,
  COOKIES,
  expectSame,
  HELLO,
  type HttpCase,
  MISSING,
  matrix,
  THROWS,
} from './cases.js';

const invalid: HttpCase = {
  route: 'POST /echo JSON failing the validator',
  spec: {
    method: 'POST',
    path: '/echo',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nope: 1 }),
  },
};

describe('middy 6 with body parser and validator: same answers as aws-lambda-ric', () => {
  let pair: RuntimePair;
  beforeAll(async () => {
    pair = await startPair('middy.handler');
  });
  afterAll(() => pair?.stop());

  it.each(matrix([...BODY_CASES, invalid]))('$route on $kind', async ({ kind, spec }) => {
    expectSame(await pair.invoke(httpEvent(kind, spec)));
  });
});

describe('middy 6 with http-error-handler: same answers as aws-lambda-ric', () => {
  let pair: RuntimePair;
  beforeAll(async () => {
    pair = await startPair('middy.plain');
  });
  afterAll(() => pair?.stop());

  it.each(matrix([HELLO, COOKIES, THROWS, MISSING]))('$route on $kind', async ({ kind, spec }) => {
    expectSame(await pair.invoke(httpEvent(kind, spec)));
  });
});
