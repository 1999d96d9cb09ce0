// Bad input to a build, against the real engine: each is a LambdashError that says what went
// wrong and what to do, and none leaves a tagged image (the temporary lambdash-build-* tag
// included) or a container behind.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { LABELS } from '../../../src/core/common/labels.js';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImageOptions } from '../../../src/core/images/local-image-options.js';
import { runLocalImageTest } from '../../../src/core/images/local-test.js';
import { getResponder, type Responder } from '../../../src/core/responder/responder.js';
import { testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import { ensureExampleInstalled, examplesDir } from '../../support/examples.js';
import {
  containerGone,
  failure,
  imagesLabelled,
  recorder,
  removeImagesNamed,
  removeUniqueLayers,
  tagsNamed,
  uniqueLayers,
  uniqueName,
} from '../../support/images.js';
import { handlersDir } from '../../support/paths.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const echo = path.join(handlersDir, 'images', 'echo.ts');
const made: string[] = [];

/** A name for this test's image, removed (with every tag under it) after the file. */
function name(what: string): string {
  const value = uniqueName(what);
  made.push(value);
  return value;
}

beforeAll(async () => {
  await ensureBaseImage();
}, 120_000);

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await removeImagesNamed(...made);
  // What failed and cancelled builds left in the engine's cache (their layers are unique).
  await removeUniqueLayers();
  removeTempDirs();
});

/** A slow step (2 s) after the code is in, so a build is surely running when it gets there. */
function withSlowStep(text: string): string {
  return uniqueLayers(text).replace(
    'WORKDIR /var/task',
    'WORKDIR /var/task\nRUN ["node", "-e", "setTimeout(() => {}, 2000)"]',
  );
}

/** Builds with these options, expecting a failure; returns it with the events seen. */
async function failedBuild(responder: Responder, options: LocalImageOptions) {
  const { events, onEvent } = recorder();
  const error = await failure(createLocalImage(responder, { ...options, onEvent }));
  return { error, events };
}

function containerStarts(events: LambdashEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'container.start' ? [e.id] : []));
}

describe('bad code', () => {
  it('a missing file is RESPONDER_NOT_FOUND', async () => {
    const missing = path.join(makeTempDir(), 'nowhere', 'handler.ts');
    const error = await failure(getResponder(missing));
    expect(error.code).toBe('RESPONDER_NOT_FOUND');
    expect(error.message).toContain(missing);
    expect(error.hint).toEqual(expect.any(String));
  });

  it('an export that does not exist is HANDLER_NOT_FOUND, naming the exports there are', async () => {
    const dir = writeTree(makeTempDir(), {
      'handler.ts': 'export const main = async () => 1;\nexport const other = 2;\n',
    });
    const error = await failure(getResponder(path.join(dir, 'handler.ts')));
    expect(error.code).toBe('HANDLER_NOT_FOUND');
    expect(error.message).toBe('handler.ts does not export "handler". Its exports: main, other.');
    expect(error.hint).toMatch(/handler: 'main'/);
  });

  it('a CommonJS export that does not exist fails the image test, and no image is kept', async () => {
    // CommonJS exports are only known by running the code: the image test is what finds out.
    const dir = writeTree(makeTempDir(), {
      'handler.cjs': 'exports.main = async () => 1;\n',
    });
    const image = name('cjs');
    const responder = await getResponder(path.join(dir, 'handler.cjs'), { name: image });
    const { error, events } = await failedBuild(responder, {
      functionTestData: { payload: {}, expected: 1 },
    });
    expect(error.code).toBe('TEST_FAILED');
    expect(error.message).toContain('Runtime.HandlerNotFound');
    expect(error.message).toContain('index.handler is undefined or not exported');
    expect(error.hint).toBe('Fix the handler or the expected value; the image was not kept.');
    expect(await tagsNamed(image)).toEqual([]);
    expect(await imagesLabelled(LABELS.name, image)).toEqual([]);
    for (const id of containerStarts(events)) expect(await containerGone(id)).toBe(true);
  });

  it("a CommonJS export that does not exist fails the image's health invocation", async () => {
    const dir = writeTree(makeTempDir(), {
      'handler.cjs': 'exports.main = async () => 1;\n',
    });
    const responder = await getResponder(path.join(dir, 'handler.cjs'), { name: name('cjs') });
    // Without test data the build cannot know (see above); the health invocation does.
    const image = await createLocalImage(responder);
    const result = await runLocalImageTest(image);
    expect(result.passed).toBe(false);
    expect(result.response.functionError).toBe('Unhandled');
    expect(result.response.body).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  it('a package kept out of the bundle that cannot be installed is INSTALL_FAILED', async () => {
    await ensureExampleInstalled('http-api');
    // A registry nobody serves, and no retries: npm gives up at once.
    vi.stubEnv('npm_config_fetch_retries', '0');
    const image = name('install');
    const responder = await getResponder(path.join(examplesDir, 'http-api'), {
      name: image,
      externals: ['zod'],
      registries: [{ url: 'http://127.0.0.1:9/' }],
    });
    // os.tmpdir() follows TMPDIR: a folder of this test's own shows what the build left there.
    const tmp = makeTempDir();
    vi.stubEnv('TMPDIR', tmp);
    const { error, events } = await failedBuild(responder, {});
    expect(readdirSync(tmp)).toEqual([]);
    expect(error.code).toBe('INSTALL_FAILED');
    // npm's own words on what failed, without its stack, object dump and log path.
    expect(error.message).toMatch(
      /^Could not install zod for the image: FetchError: request to http:\/\/127\.0\.0\.1:9\/zod failed, reason: connect ECONNREFUSED 127\.0\.0\.1:9\n/,
    );
    expect(error.message).not.toMatch(/ at |requiredBy|complete log|npm (error|warn)/);
    expect(error.hint).toMatch(/registry/);
    expect(events.filter((e) => e.type === 'build.step').map((e) => e.step)).toEqual([1, 2, 3]);
    expect(await tagsNamed(image)).toEqual([]);
  });

  it('a type error is TYPECHECK_FAILED with the file, line and column, and no image is kept', async () => {
    const dir = writeTree(makeTempDir(), {
      'lib/price.ts': 'export const price = (n: number): number => n * 2;\n',
      'handler.ts': [
        "import { price } from './lib/price.js';",
        'export const handler = async () => {',
        "  const x: number = 'a';",
        '  return price(x);',
        '};',
        '',
      ].join('\n'),
    });
    const image = name('types');
    const responder = await getResponder(path.join(dir, 'handler.ts'), { name: image });
    const { error, events } = await failedBuild(responder, {});
    expect(error.code).toBe('TYPECHECK_FAILED');
    expect(error.message).toBe(
      `Type errors in ${path.join(dir, 'handler.ts')}:\nhandler.ts:3:9: Type 'string' is not assignable to type 'number'.`,
    );
    expect(error.hint).toContain('`--no-typecheck`');
    expect(error.hint).toContain('"typecheck": false');
    expect(events.some((e) => e.type === 'image.built')).toBe(false);
    expect(await tagsNamed(image)).toEqual([]);
    expect(await imagesLabelled(LABELS.name, image)).toEqual([]);

    // Unchecked, the same code builds (esbuild only strips the types) and runs.
    const built = await createLocalImage(responder, {
      typecheck: false,
      functionTestData: { payload: {}, expected: null }, // 'a' * 2 is NaN, JSON's null
    });
    expect(built.ref).toBe(`${image}:latest`);
  });

  it('a syntax error is BUNDLE_FAILED with the file, line and column', async () => {
    const dir = writeTree(makeTempDir(), {
      'handler.ts': 'export const handler = async () => {\n  return 1 +;\n};\n',
    });
    const image = name('syntax');
    const error = await failure(getResponder(path.join(dir, 'handler.ts'), { name: image }));
    expect(error.code).toBe('BUNDLE_FAILED');
    expect(error.message).toMatch(/handler\.ts:2:13: Unexpected ";"/);
    expect(error.message).toContain('return 1 +;');
    expect(await tagsNamed(image)).toEqual([]);
  });
});

describe('bad names, labels and build args are refused before anything is built', () => {
  let responder: Responder;
  beforeAll(async () => {
    responder = await getResponder(echo, { name: name('refused') });
  });

  it.each([
    { what: 'an upper-case name', options: { name: 'Orders' }, code: 'INVALID_NAME' },
    { what: 'a name with a space', options: { name: 'my api' }, code: 'INVALID_NAME' },
    { what: 'a name with a tag in it', options: { name: 'api:v1' }, code: 'INVALID_NAME' },
    { what: 'a one-character name', options: { name: 'a' }, code: 'INVALID_NAME' },
    { what: 'a tag starting with a dot', options: { tag: '.v1' }, code: 'INVALID_NAME' },
    { what: 'a tag with a slash', options: { tag: 'v1/x' }, code: 'INVALID_NAME' },
    { what: 'a tag of 129 characters', options: { tag: 'v'.repeat(129) }, code: 'INVALID_NAME' },
    {
      what: 'a label value that opens a new Dockerfile line',
      options: { userLabels: { team: 'x\nRUN touch /pwned' } },
      code: 'INVALID_LABEL',
    },
    {
      what: 'a label key with a quote and a space',
      options: { userLabels: { 'a" b': 'x' } },
      code: 'INVALID_LABEL',
    },
    {
      what: "a label key under lambdash's prefix",
      options: { userLabels: { 'dev.lambdash.hash': 'forged' } },
      code: 'INVALID_LABEL',
    },
    {
      what: 'a build arg name that carries an instruction',
      options: { buildArgs: { 'MODE\nRUN touch /pwned': 'x' } },
      code: 'INVALID_BUILD_ARG',
    },
    {
      what: 'a build arg name with a dash',
      options: { buildArgs: { 'APP-MODE': 'x' } },
      code: 'INVALID_BUILD_ARG',
    },
    {
      what: 'a build arg name starting with a digit',
      options: { buildArgs: { '1MODE': 'x' } },
      code: 'INVALID_BUILD_ARG',
    },
    {
      what: 'a build arg whose value is not a string',
      options: { buildArgs: { MODE: 1 as unknown as string } },
      code: 'INVALID_BUILD_ARG',
    },
    {
      what: 'a base image that carries an instruction',
      options: { baseImage: 'node:20\nRUN touch /pwned' },
      code: 'INVALID_NAME',
    },
  ] as { what: string; options: LocalImageOptions; code: string }[])(
    '$what: $code',
    async ({ options, code }) => {
      const { error, events } = await failedBuild(responder, options);
      expect(error.code).toBe(code);
      expect(error.message).toEqual(expect.any(String));
      expect(error.hint).toEqual(expect.any(String));
      // Refused up front: no step beyond choosing the base image began.
      expect(events.filter((e) => e.type !== 'build.step' || e.step > 1)).toEqual([]);
      expect(await tagsNamed(responder.name, options.name ?? responder.name)).toEqual([]);
    },
  );
});

describe('the engine going away in the middle of a build', () => {
  // Where the connection dies: the engine cancels a build whose client left, except when the
  // image is already made: then it finishes, and the image must not carry any tag of ours.
  it.each([
    { when: 'while the context uploads', at: 'request' },
    { when: 'while a step runs', at: 'RUN' },
    { when: 'just as the image is built', at: 'Successfully built' },
  ] as const)('fails with DOCKER_UNAVAILABLE $when, leaving no tag', async ({ at }) => {
    let killed = false;
    const proxy = await startDockerProxy({
      onRequest: (line) => {
        if (at === 'request' && /^POST (\/v[\d.]+)?\/build\?/.test(line)) kill();
      },
    });
    const kill = () => {
      killed = true;
      void proxy.kill();
    };
    vi.stubEnv('DOCKER_HOST', proxy.host);
    const image = name('gone');
    const responder = await getResponder(echo, { name: image });
    const { onEvent } = recorder();
    const error = await failure(
      createLocalImage(responder, {
        dockerfileUpdate: withSlowStep,
        onEvent: (event) => {
          onEvent(event);
          if (killed || event.type !== 'build.log') return;
          if (at === 'RUN' ? event.text.includes('setTimeout') : event.text.startsWith(at)) kill();
        },
      }),
    );
    expect(killed).toBe(true);
    expect(proxy.requests.some((line) => /^POST (\/v[\d.]+)?\/build\?/.test(line))).toBe(true);
    expect(error.code).toBe('DOCKER_UNAVAILABLE');
    // Which call meets the dead socket depends on where it died: starting the build,
    // following it, or tagging its image.
    expect(error.message).toMatch(
      /^Could not (start the image build|build the image|tag the image \S+): no Docker engine answers at unix:\/\/\S+\.$/,
    );
    expect(error.message).toContain(proxy.host);
    expect(error.hint).toMatch(/run `dockerd`/);

    // The engine itself never went anywhere: through its own socket, nothing is tagged.
    vi.unstubAllEnvs();
    expect(await tagsNamed(image)).toEqual([]);
    const finished = await imagesLabelled(LABELS.name, image);
    if (at === 'Successfully built') {
      // The case that matters: the engine made the image, and it stays nameless.
      expect(finished).toHaveLength(1);
      const info = await testDocker().getImage(finished[0]!).inspect();
      expect(info.RepoTags).toEqual([]);
    } else {
      expect(finished).toEqual([]);
    }
  });
});

describe('a build cancelled through its signal', () => {
  it.each([
    { when: 'at the first step', at: 'Step 1/' },
    { when: 'while a step runs', at: 'RUN' },
  ])('fails with ABORTED $when, leaving no tag', async ({ at }) => {
    const image = name('cancelled');
    const responder = await getResponder(echo, { name: image });
    const controller = new AbortController();
    const { onEvent } = recorder();
    const error = await failure(
      createLocalImage(responder, {
        signal: controller.signal,
        dockerfileUpdate: withSlowStep,
        onEvent: (event) => {
          onEvent(event);
          if (event.type === 'build.log' && event.text.includes(at)) controller.abort();
        },
      }),
    );
    expect(controller.signal.aborted).toBe(true);
    expect(error.code).toBe('ABORTED');
    expect(error.message).toBe('The build was cancelled');
    expect(await tagsNamed(image)).toEqual([]);
    // The engine stops a build whose client left: no image was finished either.
    expect(await imagesLabelled(LABELS.name, image)).toEqual([]);
  });
});

describe('a cached layer removed while the build runs', () => {
  // The classic builder fails a build whose cached parent another client removed meanwhile
  // ("failed to set parent ... unknown parent image ID"). The race is rare and timing-bound,
  // so the proxy plays the engine's part for the first attempts.
  const vanished = (n: number) => ({
    body: `${JSON.stringify({ stream: 'Step 1/9 : FROM somewhere\n' })}\n${JSON.stringify({
      error: `failed to export image: failed to set parent sha256:${String(n).repeat(64)}: unknown parent image ID sha256:${String(n).repeat(64)}`,
    })}\n`,
  });

  it.each([
    { failures: 1, outcome: 'is built again, and succeeds' },
    { failures: 2, outcome: 'is built a third time, and succeeds' },
  ])('after $failures such failure(s) $outcome', async ({ failures }) => {
    let builds = 0;
    const proxy = await startDockerProxy({
      answer: (line) =>
        /^POST (\/v[\d.]+)?\/build\?/.test(line) && ++builds <= failures
          ? vanished(builds)
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const responder = await getResponder(echo, { name: name('retried') });
      const { events, onEvent } = recorder();
      const image = await createLocalImage(responder, { onEvent });
      expect(builds).toBe(failures + 1);
      expect(
        events.filter((e) => e.type === 'build.log' && e.text.startsWith('A cached layer')),
      ).toHaveLength(failures);
      expect(image.ref).toBe(`${responder.name}:latest`);
    } finally {
      await proxy.kill();
    }
  });

  it("gives up after three attempts with BUILD_FAILED and the engine's message", async () => {
    const proxy = await startDockerProxy({
      answer: (line) => (/^POST (\/v[\d.]+)?\/build\?/.test(line) ? vanished(7) : undefined),
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const image = name('vanished');
      const responder = await getResponder(echo, { name: image });
      const { error } = await failedBuild(responder, {});
      expect(error.code).toBe('BUILD_FAILED');
      expect(error.message).toMatch(
        /^The image build failed: failed to export image: failed to set parent/,
      );
      expect(error.hint).toBe("The build's last lines:\nStep 1/9 : FROM somewhere");
      expect(proxy.requests.filter((l) => /^POST (\/v[\d.]+)?\/build\?/.test(l))).toHaveLength(3);
      vi.unstubAllEnvs();
      expect(await tagsNamed(image)).toEqual([]);
    } finally {
      await proxy.kill();
    }
  });

  it('a build error of another kind is not retried', async () => {
    const image = name('run-fails');
    const responder = await getResponder(echo, { name: image });
    const { error, events } = await failedBuild(responder, {
      dockerfileUpdate: (text) => `${uniqueLayers(text)}RUN ["node", "-e", "process.exit(3)"]\n`,
    });
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.message).toMatch(/returned a non-zero code: 3/);
    expect(error.hint).toMatch(/^The build's last lines:\n/);
    expect(events.filter((e) => e.type === 'build.step' && e.step === 5)).toHaveLength(1);
    expect(events.some((e) => e.type === 'build.log' && e.text.startsWith('A cached layer'))).toBe(
      false,
    );
    expect(await tagsNamed(image)).toEqual([]);
    expect(await imagesLabelled(LABELS.name, image)).toEqual([]);
  });
});
