// Templates that run anywhere (issue 13 part 8): each template of `lambdash new`, bundled as
// lambdash bundles it, answers its own test-data.json as that file expects under AWS's runtime
// interface client (aws-lambda-ric), and lambdash's runtime posts the very same. The http-api
// template also answers each front door's event alike under both, reading only the event.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleResponder } from '../../../src/core/build/bundle.js';
import { templatesDir } from '../../../src/core/common/paths.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { assertCompatInstalled, normalise, ricEntry } from '../../support/compat-runtimes.js';
import { httpEvent } from '../../support/http-events.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const templates = readdirSync(path.join(templatesDir, 'new')).sort();

interface Template {
  readonly testData: { readonly payload: unknown; readonly expected: unknown };
  readonly runtimes: { readonly ric: RuntimeHarness; readonly lambdash: RuntimeHarness };
}
const started = new Map<string, Template>();

/** The template scaffolded as `lambdash new` writes it, bundled, under both runtimes. */
async function start(template: string): Promise<Template> {
  const from = path.join(templatesDir, 'new', template);
  const root = makeTempDir('lambdash-template-');
  const entry = readdirSync(from).find((file) => file.startsWith('handler.'))!;
  writeFileSync(
    path.join(root, entry),
    readFileSync(path.join(from, entry), 'utf8').replaceAll('{{name}}', `my-${template}`),
  );
  const out = path.join(root, 'out');
  const bundle = await bundleResponder(await getResponder(path.join(root, entry)), out);
  const [ric, lambdash] = await Promise.all([
    startRuntime({
      handler: bundle.handler,
      taskRoot: out,
      command: [process.execPath, ricEntry],
    }),
    startRuntime({ handler: bundle.handler, taskRoot: out }),
  ]);
  return {
    testData: JSON.parse(readFileSync(path.join(from, 'test-data.json'), 'utf8')),
    runtimes: { ric, lambdash },
  };
}

beforeAll(async () => {
  assertCompatInstalled();
  for (const template of templates) started.set(template, await start(template));
}, 60_000);
afterAll(async () => {
  await Promise.all(
    [...started.values()].flatMap(({ runtimes }) => [
      runtimes.ric.stop(),
      runtimes.lambdash.stop(),
    ]),
  );
  removeTempDirs();
});

/** What each runtime posted for the event: the kind and the parsed body. */
async function both(template: string, event: unknown) {
  const { runtimes } = started.get(template)!;
  const [ric, lambdash] = await Promise.all(
    [runtimes.ric, runtimes.lambdash].map(async (runtime) => {
      const answer = await runtime.invokeJson(event);
      return { kind: answer.kind, body: normalise(JSON.stringify(answer.body)) };
    }),
  );
  return { ric: ric!, lambdash: lambdash! };
}

describe('the templates of lambdash new', () => {
  it('are event, http-api and javascript', () => {
    expect(templates).toEqual(['event', 'http-api', 'javascript']);
  });

  it.each(templates)('%s answers its test data as expected under aws-lambda-ric', async (name) => {
    const { testData } = started.get(name)!;
    const { ric, lambdash } = await both(name, testData.payload);
    expect(ric, JSON.stringify(ric)).toEqual({ kind: 'response', body: testData.expected });
    expect(lambdash).toEqual(ric);
  });
});

describe('the http-api template under each front door', () => {
  const json = (body: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const response = (statusCode: number, message: string, extra: object = {}) => ({
    kind: 'response',
    body: {
      statusCode,
      ...extra,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ message }),
      isBase64Encoded: false,
    },
  });

  it.each([
    [
      'GET with a query on a function URL',
      {
        ...httpEvent('function-url', { method: 'GET', path: '/hello' }),
        queryStringParameters: { name: 'Ada' },
      },
      response(200, 'Hello, Ada!'),
    ],
    [
      'POST with JSON on a REST API',
      httpEvent('apigw-v1', { method: 'POST', path: '/hello', ...json({ name: 'Grace' }) }),
      response(200, 'Hello, Grace!'),
    ],
    [
      'POST with a base64 body on an HTTP API',
      httpEvent('apigw-v2', {
        method: 'POST',
        path: '/hello',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ name: 'Linus' })),
      }),
      response(200, 'Hello, Linus!'),
    ],
    [
      'GET with a query still encoded, behind an ALB',
      {
        ...httpEvent('alb', { method: 'GET', path: '/hello' }),
        queryStringParameters: { name: 'Ada%20Lovelace' },
      },
      response(200, 'Hello, Ada Lovelace!', { statusDescription: '200 OK' }),
    ],
    [
      'POST with a body that is not JSON',
      httpEvent('apigw-v2', { method: 'POST', path: '/hello', body: 'name=Ada' }),
      response(400, 'The body must be JSON'),
    ],
    [
      'DELETE',
      httpEvent('apigw-v2', { method: 'DELETE', path: '/hello' }),
      response(405, 'DELETE is not allowed'),
    ],
    ['a direct invocation', { name: 'Ada' }, response(400, 'Call me over HTTP')],
  ])('%s', async (_, event, expected) => {
    const { ric, lambdash } = await both('http-api', event);
    expect(ric, JSON.stringify(ric)).toEqual(expected);
    expect(lambdash).toEqual(ric);
  });
});
