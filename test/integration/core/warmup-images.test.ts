// Warm-up builds against the real engine. Each image is built under a name of this file's own
// and removed afterwards.
//
// With test data (issue 15, part 6: Jot's run_tests_during_package_compile, Node's way), the
// warm-up runs the test data's payload, so the code cache holds the functions the test's path
// calls, and the build's test then runs the warmed image.
//
// Handlers that call import() (issue 12, part 5): Node 20's V8 cannot run import() in a script
// compiled from a code cache ("A dynamic import callback was not specified"), so such a bundle
// must get no cache: every invocation of the image, the build's own test and a later
// container's cold start alike, loads it by require().
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import {
  deleteContainer,
  runImageLocally,
  sendLocalRequest,
} from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImageOptions } from '../../../src/core/images/local-image-options.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { recorder, removeImagesNamed, runNodeInImage, uniqueName } from '../../support/images.js';
import { handlersDir } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const fixtures = path.join(handlersDir, 'warmup-import');
const report = path.join(handlersDir, 'images', 'report.cjs');
const MARKER = 'compiled-on-the-report-path';
const made: string[] = [];

beforeAll(async () => {
  await ensureBaseImage();
}, 120_000);

afterAll(async () => {
  await removeImagesNamed(...made);
  removeTempDirs();
});

/** What the fixtures answer on their nth call in one process. */
function answer(text: string, calls: number) {
  return { unpacked: 'hello from a cold start', roundTrip: text, calls };
}

/** The lines the warm-up step wrote, from the build's log events. */
function warmupLines(events: readonly LambdashEvent[]): string[] {
  return events
    .flatMap((e) => (e.type === 'build.log' ? e.text.split('\n') : []))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('lambdash warm-up:'));
}

const handlers = [
  { kind: 'TypeScript', file: 'zlib.ts', what: 'warm-import-ts' },
  { kind: 'ES module', file: 'zlib.mjs', what: 'warm-import-esm' },
];
// With test data, the build's own test (a cold start of the image, as Lambda's first
// invocation is) decides whether the image is kept. Without, the warm-up event is `{}` and
// the warm-up alone vouches for the image: the case where a broken image used to be kept.
const cases = handlers.flatMap((handler) => [
  { ...handler, how: 'with test data', tested: true },
  { ...handler, how: 'warm-up event only', tested: false },
]);

describe('a warm-up build of a handler that awaits import("node:zlib")', () => {
  it.each(cases)(
    '($kind, $how) keeps no code cache, and answers right cold and warm',
    async ({ file, what, tested }) => {
      const name = uniqueName(what);
      made.push(name);
      const responder = await getResponder(path.join(fixtures, file), { name });
      const buildAt = makeTempDir();
      const { events, onEvent } = recorder();
      const image = await createLocalImage(responder, {
        warmup: true,
        ...(tested
          ? {
              functionTestData: {
                payload: { text: 'build test' },
                expected: answer('build test', 1),
              },
            }
          : {}),
        noCache: true, // the warm-up step runs (a step taken from the engine's cache prints nothing)
        buildAt,
        onEvent,
      });
      expect(events.filter((e) => e.type === 'image.test')).toEqual(
        tested ? [{ type: 'image.test', passed: true, seconds: expect.any(Number) }] : [],
      );

      // Both kinds were bundled as CommonJS, with the import() of the built-in left in the bundle.
      const bundle = readFileSync(path.join(buildAt, 'function', 'index.js'), 'utf8');
      expect(bundle).toContain('import("node:zlib")');

      // A container of the image: a cold start, then two warm invocations of the same process.
      const container = await runImageLocally(image, { ownedByProcess: true });
      try {
        for (const [i, text] of ['cold', 'warm', 'warm again'].entries()) {
          const response = await sendLocalRequest({ text }, { port: container.port });
          expect(response).toMatchObject({
            statusCode: 200,
            functionError: undefined,
            body: answer(text, i + 1),
          });
        }
      } finally {
        await deleteContainer(container);
      }

      // The warm-up said it kept no cache, and why (other lines, such as the modules it will
      // preload, are not this test's business); it wrote none, so nothing was left to check.
      expect(warmupLines(events).filter((line) => /code cache|failed/.test(line))).toEqual([
        'lambdash warm-up: no code cache for /var/task/index.js: it calls import(), which Node 20 cannot run from a code cache',
      ]);
      expect(events.filter((e) => e.type === 'warmup.done')).toEqual([]);
      const files = (
        await runNodeInImage(
          image.ref,
          "console.log(require('fs').readdirSync('/var/task').sort().join(','))",
        )
      )
        .trim()
        .split(',');
      expect(files).toContain('index.js');
      expect(files.filter((f) => f.endsWith('.v8cache'))).toEqual([]);
    },
  );
});

/** Builds report.cjs with a warm-up; returns the image, the build's events and its context. */
async function buildWarm(what: string, options: LocalImageOptions = {}) {
  const name = uniqueName(what);
  made.push(name);
  const responder = await getResponder(report, { name });
  const buildAt = makeTempDir();
  const { events, onEvent } = recorder();
  const image = await createLocalImage(responder, { ...options, warmup: true, buildAt, onEvent });
  const warmupEvent = readFileSync(path.join(buildAt, 'warmup', 'event.json'), 'utf8');
  return { image, events, warmupEvent };
}

/** Whether the image's code cache holds compiled code of buildReport (its string constant). */
async function cacheHoldsReportPath(ref: string): Promise<string> {
  const output = await runNodeInImage(
    ref,
    `const cache = require('fs').readFileSync('/var/task/index.js.v8cache');
     console.log(String(cache.includes(${JSON.stringify(MARKER)})));`,
  );
  return output.trim();
}

describe('a warm-up build with test data', () => {
  it("runs the test data's payload: the cache holds the path it takes, and the build's test meets it warm", async () => {
    const payload = { report: true, id: 7 };
    const { image, events, warmupEvent } = await buildWarm('warm-test-data', {
      functionTestData: {
        payload,
        // loadedByRequire false: the build's test started the warmed image (cache beside the bundle).
        expected: { loadedByRequire: false, answer: { marker: MARKER, keys: ['id', 'report'] } },
      },
    });
    expect(events.filter((e) => e.type === 'image.test')).toEqual([
      { type: 'image.test', passed: true, seconds: expect.any(Number) },
    ]);
    expect(await cacheHoldsReportPath(image.ref)).toBe('true');
    expect(warmupEvent).toBe(JSON.stringify(payload));

    // Without test data the warm-up's `{}` never calls buildReport, and the cache lacks it:
    // the marker above is the test data's doing, not the bundle's.
    const plain = await buildWarm('warm-no-test-data');
    expect(plain.warmupEvent).toBe('{}');
    expect(plain.events.filter((e) => e.type === 'image.test')).toEqual([]);
    expect(await cacheHoldsReportPath(plain.image.ref)).toBe('false');
  });

  it('warms with the very payload the test sends, null included', async () => {
    const { warmupEvent } = await buildWarm('warm-null', {
      functionTestData: { payload: null, expected: { loadedByRequire: false, answer: null } },
    });
    expect(warmupEvent).toBe('null');
  });

  it('refuses a payload no invocation can send before anything is built', async () => {
    const name = uniqueName('warm-bigint');
    made.push(name);
    const responder = await getResponder(report, { name });
    const { events, onEvent } = recorder();
    await expect(
      createLocalImage(responder, {
        warmup: true,
        functionTestData: { payload: { n: 1n }, expected: null },
        onEvent,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: 'The payload cannot be sent as JSON: Do not know how to serialize a BigInt.',
    });
    // Not a step was taken: no bundle, no engine build, no image under the name.
    expect(events).toEqual([]);
  });
});
