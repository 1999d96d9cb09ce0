// Framework compatibility (issue 12): hono's `handle` under every front door's event, and its
// `streamHandle` under function URL events (the one front door that streams), under
// lambdash's runtime and aws-lambda-ric; the posted payloads must be identical.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RuntimePair, startPair } from '../../support/compat-runtimes.js';
import { httpEvent } from '../../support/http-events.js';
import { expectSame, HTTP_CASES, matrix } from './cases.js';

describe('hono handle: same answers as aws-lambda-ric', () => {
  let pair: RuntimePair;
  beforeAll(async () => {
    pair = await startPair('hono.handler');
  });
  afterAll(() => pair?.stop());

  it.each(matrix(HTTP_CASES))('$route on $kind', async ({ kind, spec }) => {
    expectSame(await pair.invoke(httpEvent(kind, spec)));
  });
});

describe('hono streamHandle: same streams as aws-lambda-ric', () => {
  let pair: RuntimePair;
  beforeAll(async () => {
    pair = await startPair('hono.stream');
  });
  afterAll(() => pair?.stop());

  const streaming = { route: 'GET /stream', spec: { method: 'GET', path: '/stream' } };
  it.each(matrix([streaming, ...HTTP_CASES], ['function-url']))(
    '$route on $kind',
    async ({ kind, spec }) => {
      expectSame(await pair.invoke(httpEvent(kind, spec)));
    },
  );
});
