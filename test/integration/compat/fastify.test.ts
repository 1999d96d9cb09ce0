// Framework compatibility (issue 12): fastify 5 + @fastify/aws-lambda, every route under every front door's event,
// under lambdash's runtime and aws-lambda-ric; the posted payloads must be identical.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RuntimePair, startPair } from '../../support/compat-runtimes.js';
import { httpEvent } from '../../support/http-events.js';
import { expectSame, HTTP_CASES, matrix } from './cases.js';

describe('fastify 5 + @fastify/aws-lambda: same answers as aws-lambda-ric', () => {
  let pair: RuntimePair;
  beforeAll(async () => {
    pair = await startPair('fastify.handler');
  });
  afterAll(() => pair?.stop());

  it.each(matrix(HTTP_CASES))('$route on $kind', async ({ kind, spec }) => {
    expectSame(await pair.invoke(httpEvent(kind, spec)));
  });
});
