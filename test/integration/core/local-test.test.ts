// runLocalImageTest on the real engine: answers compared with test data, health invocations,
// containers borrowed or started and removed, timeouts and cancellation. Every image is built
// under a name of this file's own and removed afterwards.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import {
  type Container,
  deleteContainer,
  isContainerRunning,
  runImageLocally,
} from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { runLocalImageTest } from '../../../src/core/images/local-test.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { examplesDir } from '../../support/examples.js';
import {
  containerExists,
  containerGone,
  containersOf,
  failure,
  recorder,
  removeImagesNamed,
  uniqueName,
} from '../../support/images.js';
import { handlersDir } from '../../support/paths.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const fixture = (file: string) => path.join(handlersDir, 'images', file);

const names = {
  hello: uniqueName('hello'),
  echo: uniqueName('echo'),
  picky: uniqueName('picky'),
  slow: uniqueName('slow'),
};
const images = {} as Record<keyof typeof names, LocalImage>;
/** Containers a test started itself, removed after it whatever happened. */
const started: Container[] = [];

/** A handler that answers after 20 s: longer than any test here lets it run. */
const slowDir = writeTree(makeTempDir(), {
  'slow.mjs':
    "export const handler = () => new Promise((resolve) => setTimeout(() => resolve('late'), 20_000));\n",
});

async function build(what: keyof typeof names, source: string): Promise<void> {
  images[what] = await createLocalImage(await getResponder(source, { name: names[what] }));
}

beforeAll(async () => {
  // The base image first, so the parallel builds below share it instead of racing to make it.
  await ensureBaseImage();
  await Promise.all([
    build('hello', path.join(examplesDir, 'hello-ts', 'handler.ts')),
    build('echo', fixture('echo.ts')),
    build('picky', fixture('picky.mjs')),
    build('slow', path.join(slowDir, 'slow.mjs')),
  ]);
}, 120_000);

afterEach(async () => {
  for (const container of started.splice(0)) await deleteContainer(container);
});

afterAll(async () => {
  await removeImagesNamed(...Object.values(names));
  removeTempDirs();
});

async function run(image: LocalImage) {
  const container = await runImageLocally(image);
  started.push(container);
  return container;
}

describe('runLocalImageTest', () => {
  it('passes when the answer equals the expected value, and removes its container', async () => {
    const { events, onEvent } = recorder();
    const result = await runLocalImageTest(
      images.echo,
      { payload: { n: 1, list: ['a'] }, expected: { echo: { n: 1, list: ['a'] }, from: 'echo' } },
      { onEvent },
    );
    expect(result.passed).toBe(true);
    expect(result.diff).toBeUndefined();
    expect(result.response.body).toEqual({ echo: { n: 1, list: ['a'] }, from: 'echo' });
    expect(result.seconds).toBeGreaterThan(0);
    const start = events.find((e) => e.type === 'container.start');
    if (start?.type !== 'container.start') throw new Error('no container was started');
    expect(await containerGone(start.id)).toBe(true);
    expect(await containersOf(images.echo.id)).toEqual([]);
  });

  it.each([
    {
      what: 'a changed value',
      payload: { n: 2 },
      expected: { echo: { n: 3 }, from: 'echo' },
      diff: [
        '  {',
        '    "echo": {',
        '-     "n": 3',
        '+     "n": 2',
        '    },',
        '    "from": "echo"',
        '  }',
      ],
    },
    {
      what: 'a key the answer adds (shared lines kept, whatever their commas)',
      payload: 'x',
      expected: { echo: 'x' },
      diff: ['  {', '    "echo": "x",', '+   "from": "echo"', '  }'],
    },
    {
      what: 'a different type',
      payload: [1],
      expected: { echo: 1, from: 'echo' },
      diff: [
        '  {',
        '-   "echo": 1,',
        '+   "echo": [',
        '+     1',
        '+   ],',
        '    "from": "echo"',
        '  }',
      ],
    },
  ])('fails with a readable diff for $what', async ({ payload, expected, diff }) => {
    const result = await runLocalImageTest(images.echo, { payload, expected });
    expect(result.passed).toBe(false);
    expect(result.response.body).toEqual({ echo: payload, from: 'echo' });
    expect(result.diff).toBe(['(- expected, + actual)', ...diff].join('\n'));
    expect(await containersOf(images.echo.id)).toEqual([]);
  });

  it('fails with the function error when the handler throws', async () => {
    const result = await runLocalImageTest(images.picky, { payload: {}, expected: { name: 'x' } });
    expect(result.passed).toBe(false);
    expect(result.response.functionError).toBe('Unhandled');
    expect(result.diff).toContain('but the function failed (Unhandled)');
    expect(result.diff).toContain('a name is required');
  });

  it('without test data sends a health invocation', async () => {
    const result = await runLocalImageTest(images.hello);
    expect(result.passed).toBe(true);
    expect(result.response.statusCode).toBe(200);
    expect(result.response.body).toMatchObject({ message: 'Hello, world!' });
    expect(await containersOf(images.hello.id)).toEqual([]);
  });

  it('a health invocation fails on a handler that rejects {}: only a success passes', async () => {
    const result = await runLocalImageTest(images.picky.ref);
    expect(result.passed).toBe(false);
    expect(result.diff).toBeUndefined();
    expect(result.response.functionError).toBe('Unhandled');
    expect(result.response.body).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'a name is required',
    });
  });

  it('reuses a running container of the image instead of starting another', async () => {
    const container = await run(images.echo);
    const { events, onEvent } = recorder();
    const result = await runLocalImageTest(
      images.echo,
      { payload: 'again', expected: { echo: 'again', from: 'echo' } },
      { onEvent },
    );
    expect(result.passed).toBe(true);
    expect(events.filter((e) => e.type === 'container.start')).toEqual([]);
    expect(await containersOf(images.echo.id)).toEqual([container.id]);
    // The container it borrowed is left running.
    expect(await isContainerRunning(container)).toBe(true);
    expect(result.container?.id).toBe(container.id);
  });

  it('with thenStop: false leaves the container it started running; thenStop: true stops even a borrowed one', async () => {
    const data = { payload: 'kept', expected: { echo: 'kept', from: 'echo' } };
    const kept = await runLocalImageTest(images.echo, data, { thenStop: false });
    expect(kept.passed).toBe(true);
    const container = kept.container!;
    started.push(container);
    expect(await containersOf(images.echo.id)).toEqual([container.id]);
    expect(await isContainerRunning(container)).toBe(true);

    const { events, onEvent } = recorder();
    const stopped = await runLocalImageTest(images.echo, data, { thenStop: true, onEvent });
    expect(stopped.passed).toBe(true);
    expect(stopped.container).toBeUndefined();
    // It borrowed the running one, then stopped it (and, not kept, it went).
    expect(events.filter((e) => e.type === 'container.start')).toEqual([]);
    expect(await containersOf(images.echo.id)).toEqual([]);
  });

  it("fails a handler that outlives the test's timeout, as Lambda would", async () => {
    const result = await runLocalImageTest(images.slow, {
      payload: {},
      expected: 'late',
      timeout: 1,
    });
    expect(result.passed).toBe(false);
    expect(result.response.functionError).toBe('Unhandled');
    expect(result.response.body).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/),
    });
    expect(await containersOf(images.slow.id)).toEqual([]);
  });

  it('fails a build whose test outlives its timeout, and keeps no image', async () => {
    const imageName = uniqueName('slow-build');
    try {
      const error = await failure(
        createLocalImage(await getResponder(path.join(slowDir, 'slow.mjs'), { name: imageName }), {
          functionTestData: { payload: {}, expected: 'late', timeout: 1 },
        }),
      );
      expect(error.code).toBe('TEST_FAILED');
      expect(error.message).toContain('Task timed out after 1.00 seconds');
    } finally {
      await removeImagesNamed(imageName);
    }
  });

  it.each([0, 1.5, 901])(
    'refuses a test timeout of %s seconds, starting nothing',
    async (timeout) => {
      const { events, onEvent } = recorder();
      const error = await failure(
        runLocalImageTest(images.slow, { payload: {}, expected: 'late', timeout }, { onEvent }),
      );
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toBe(`${timeout} is not a test timeout.`);
      expect(events).toEqual([]);
    },
  );

  it('is ABORTED when cancelled while the function runs, and removes its container', async () => {
    const controller = new AbortController();
    const { events, onEvent } = recorder();
    const error = await failure(
      runLocalImageTest(
        images.slow,
        { payload: {}, expected: 'late' },
        {
          signal: controller.signal,
          onEvent: (event) => {
            onEvent(event);
            if (event.type === 'container.ready') setTimeout(() => controller.abort(), 300);
          },
        },
      ),
    );
    expect(error.code).toBe('ABORTED');
    expect(error.message).toBe('The invocation was cancelled');
    const start = events.find((e) => e.type === 'container.start');
    if (start?.type !== 'container.start') throw new Error('no container was started');
    expect(await containerExists(start.id)).toBe(false);
  });

  it('rejects an image that does not exist with IMAGE_NOT_FOUND', async () => {
    const error = await failure(runLocalImageTest(`${uniqueName('absent')}:latest`));
    expect(error.code).toBe('IMAGE_NOT_FOUND');
    expect(error.hint).toBe('Build it first.');
  });
});
