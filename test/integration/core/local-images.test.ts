// createLocalImage's options and the local image functions, against the real engine. Every
// image is built under a name of this file's own (test-<what>-<random>) and removed afterwards.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDockerfile } from '../../../src/core/build/dockerfile.js';
import { getUserLabels, LABELS } from '../../../src/core/common/labels.js';
import { type BaseImage, ensureBaseImage } from '../../../src/core/images/base-image.js';
import { deleteContainer, runImageLocally } from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { deleteLocalImage } from '../../../src/core/images/local-image-delete.js';
import { getAllLocalImages, getLocalImage } from '../../../src/core/images/local-image-queries.js';
import { runLocalImageTest } from '../../../src/core/images/local-test.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder, type Responder } from '../../../src/core/responder/responder.js';
import { testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import { ensureExampleInstalled, examplesDir } from '../../support/examples.js';
import {
  containerExists,
  containerGone,
  containersOf,
  dockerCli,
  failure,
  imagesLabelled,
  labelsByCli,
  loadImagesWithSharedIdPrefix,
  recorder,
  removeImagesNamed,
  runNodeInImage,
  tagsNamed,
  uniqueName,
} from '../../support/images.js';
import { handlersDir, repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const echo = path.join(handlersDir, 'images', 'echo.ts');
const warm = path.join(handlersDir, 'images', 'warm.cjs');
const version = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

const made: string[] = [];
/** A name for an image of this file, removed (with every tag under it) afterwards. */
function name(what: string): string {
  const value = uniqueName(what);
  made.push(value);
  return value;
}

async function responderFor(source: string, what: string): Promise<Responder> {
  return getResponder(source, { name: name(what) });
}

let base: BaseImage;
beforeAll(async () => {
  base = await ensureBaseImage();
}, 120_000);

afterAll(async () => {
  await removeImagesNamed(...made);
  removeTempDirs();
});

describe('createLocalImage', () => {
  it('labels the image with its lineage under dev.lambdash., as the docker CLI shows', async () => {
    const responder = await responderFor(echo, 'labels');
    const image = await createLocalImage(responder);
    const lineage = {
      [LABELS.generated]: 'true',
      [LABELS.name]: responder.name,
      [LABELS.source]: echo,
      [LABELS.handler]: 'index.handler',
      [LABELS.hash]: responder.hash,
      [LABELS.runtimeVersion]: version,
      [LABELS.options]: JSON.stringify({ handler: 'handler', name: responder.name }),
    };
    expect(await labelsByCli(`${responder.name}:latest`)).toEqual(lineage);
    expect(image.labels).toEqual(lineage);
    expect(image.responder).toEqual({
      name: responder.name,
      source: echo,
      handler: 'index.handler',
      hash: responder.hash,
      runtimeVersion: version,
    });
    // The temporary tag is gone before the image is described.
    expect(image.tags).toEqual([`${responder.name}:latest`]);
    expect(await tagsNamed(responder.name)).toEqual([`${responder.name}:latest`]);
    expect(image).toMatchObject({ ref: `${responder.name}:latest`, tag: 'latest' });
  });

  it('emits each build step in order, then image.built', async () => {
    const responder = await responderFor(echo, 'steps');
    const { events, onEvent } = recorder();
    const image = await createLocalImage(responder, { onEvent });
    expect(
      events.flatMap((e) => (e.type === 'build.step' ? [`${e.step}/${e.total}`] : [])),
    ).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(events.at(-1)).toEqual({
      type: 'image.built',
      id: image.id,
      tag: `${responder.name}:latest`,
      size: image.size,
    });
    expect(events.some((e) => e.type === 'build.log' && e.text.startsWith('Step 1/'))).toBe(true);
  });

  it('keeps an image whose test data passes', async () => {
    const responder = await responderFor(echo, 'passes');
    const { events, onEvent } = recorder();
    const image = await createLocalImage(responder, {
      functionTestData: { payload: { a: 1 }, expected: { echo: { a: 1 }, from: 'echo' } },
      onEvent,
    });
    expect(events).toContainEqual({
      type: 'build.step',
      step: 6,
      total: 6,
      text: 'Testing the image',
    });
    expect(events).toContainEqual({
      type: 'image.test',
      passed: true,
      seconds: expect.any(Number),
    });
    expect((await getLocalImage(responder.name)).id).toBe(image.id);
    expect(await tagsNamed(responder.name)).toEqual([`${responder.name}:latest`]);
    // The container the test ran in is gone.
    expect(await containersOf(image.id)).toEqual([]);
  });

  it('keeps no image whose test data fails, and the previous good image keeps the name', async () => {
    const dir = writeTree(makeTempDir(), {
      'handler.mjs': 'export const handler = async () => ({ version: 1 });\n',
    });
    const source = path.join(dir, 'handler.mjs');
    const imageName = name('fails');
    const testData = { payload: {}, expected: { version: 1 } };
    const good = await createLocalImage(await getResponder(source, { name: imageName }), {
      functionTestData: testData,
    });

    writeFileSync(source, 'export const handler = async () => ({ version: 2 });\n');
    const changed = await getResponder(source, { name: imageName });
    const { events, onEvent } = recorder();
    const error = await failure(createLocalImage(changed, { functionTestData: testData, onEvent }));
    expect(error.code).toBe('TEST_FAILED');
    expect(error.message).toBe(
      [
        'The image answered differently than the test data expects:',
        '(- expected, + actual)',
        '  {',
        '-   "version": 1',
        '+   "version": 2',
        '  }',
      ].join('\n'),
    );
    expect(error.hint).toBe('Fix the handler or the expected value; the image was not kept.');

    expect(await tagsNamed(imageName)).toEqual([`${imageName}:latest`]);
    expect((await getLocalImage(imageName)).id).toBe(good.id);
    // The failed image is gone altogether, not just untagged; so is its test's container.
    expect(await imagesLabelled(LABELS.hash, changed.hash)).toEqual([]);
    for (const event of events) {
      if (event.type === 'container.start') expect(await containerGone(event.id)).toBe(true);
    }
  });

  it('with warmup, writes a V8 code cache the first invocation loads', async () => {
    const responder = await responderFor(warm, 'warm');
    const testData = { payload: { n: 1 }, expected: { loadedByRequire: false, echo: { n: 1 } } };
    // The image's own test is its first invocation: it must load the bundle from the cache.
    const { events, onEvent } = recorder();
    const image = await createLocalImage(responder, {
      warmup: true,
      functionTestData: testData,
      noCache: true, // the warm-up step runs (a cached step prints nothing)
      onEvent,
    });
    const files = await runNodeInImage(
      image.ref,
      `const fs = require('fs');
       console.log(fs.readdirSync('/var/task').sort().join(','));
       console.log(String(fs.statSync('/var/task/index.js.v8cache').size));`,
    );
    const [listing, size] = files.trim().split('\n');
    expect(listing).toBe('index.js,index.js.map,index.js.v8cache,node_modules');
    expect(Number(size)).toBeGreaterThan(0);
    // The build said so, with the cache's size.
    expect(events.filter((e) => e.type === 'warmup.done')).toEqual([
      { type: 'warmup.done', cacheBytes: Number(size), ms: expect.any(Number) },
    ]);
  });

  it('without warmup, writes no code cache and the bundle loads by require()', async () => {
    const responder = await responderFor(warm, 'cold');
    const image = await createLocalImage(responder);
    const files = await runNodeInImage(
      image.ref,
      "console.log(require('fs').readdirSync('/var/task').sort().join(','))",
    );
    expect(files).toBe('index.js,index.js.map,node_modules\n');
    const result = await runLocalImageTest(image, {
      payload: 'x',
      expected: { loadedByRequire: true, echo: 'x' },
    });
    expect(result.passed).toBe(true);
  });

  it('with buildAt, keeps the build context there, with the very Dockerfile getDockerfile gives', async () => {
    const responder = await responderFor(echo, 'build-at');
    const at = path.join(makeTempDir(), 'context');
    const options = {
      buildArgs: { APP_MODE: 'test' },
      warmup: true,
      dockerfileUpdate: (text: string) => `${text}LABEL com.example.updated="yes"\n`,
    };
    const image = await createLocalImage(responder, { ...options, buildAt: at, sourcemap: true });

    expect(readdirSync(at).sort()).toEqual([
      '.lambdash-build-context',
      'Dockerfile',
      'function',
      'node_modules',
      'runtime',
      'warmup',
    ]);
    expect(readdirSync(path.join(at, 'function')).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readdirSync(path.join(at, 'runtime')).sort()).toEqual(['bootstrap.cjs']);
    expect(JSON.parse(readFileSync(path.join(at, 'warmup', 'event.json'), 'utf8'))).toEqual({});
    const used = readFileSync(path.join(at, 'Dockerfile'), 'utf8');
    expect(used).toBe(getDockerfile(responder, { ...options, baseImage: base.image }));
    expect(used).toContain(`\nFROM ${base.image}\n`);
    // dockerfileUpdate had the last word, and the build used its text.
    expect(used.endsWith('LABEL com.example.updated="yes"\n')).toBe(true);
    expect(image.labels['com.example.updated']).toBe('yes');
  });

  it('with buildAt, replaces only what an earlier build wrote there', async () => {
    const responder = await responderFor(echo, 'build-at-again');
    const at = makeTempDir();
    await createLocalImage(responder, { buildAt: at });
    writeTree(at, { 'notes.txt': 'mine', 'function/stale.js': 'old', 'warmup/event.json': '{}' });
    const { events, onEvent } = recorder();
    await createLocalImage(responder, { buildAt: at, onEvent });
    expect(readFileSync(path.join(at, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(path.join(at, 'function')).sort()).toEqual(['index.js', 'index.js.map']);
    expect(existsSync(path.join(at, 'warmup'))).toBe(false);
    // Only what lambdash wrote went to the engine: the context holds no notes.txt.
    const dockerfile = readFileSync(path.join(at, 'Dockerfile'), 'utf8');
    expect(dockerfile).not.toContain('notes');
    expect(events.some((e) => e.type === 'image.built')).toBe(true);
  });

  it.each([
    {
      what: "the responder's own folder",
      at: (code: string) => code,
      message: (code: string) => `buildAt ${code} holds the responder's own code (${code}).`,
    },
    {
      what: 'a folder above the responder',
      at: (code: string) => path.dirname(code),
      message: (code: string) =>
        `buildAt ${path.dirname(code)} holds the responder's own code (${code}).`,
    },
    {
      what: 'a folder of the user with files in it',
      at: (code: string) => writeTree(path.join(code, '..', 'docs'), { 'guide.md': '# keep' }),
      message: (code: string) =>
        `buildAt ${path.join(code, '..', 'docs')} is not empty, and no earlier lambdash build used it.`,
    },
    {
      what: 'a file',
      at: (code: string) => path.join(code, 'handler.mjs'),
      message: (code: string) =>
        `buildAt ${path.join(code, 'handler.mjs')} is a file, not a folder.`,
    },
  ])('refuses a buildAt that is $what, touching nothing', async ({ at, message }) => {
    const top = makeTempDir();
    const code = writeTree(path.join(top, 'code'), {
      'handler.mjs': 'export const handler = async () => 1;\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      Dockerfile: 'FROM mine\n',
    });
    const responder = await getResponder(path.join(code, 'handler.mjs'), {
      name: name('build-at-refused'),
    });
    const buildAt = at(code);
    const listing = () => execFileSync('find', [top], { encoding: 'utf8' });
    const before = listing();
    const { events, onEvent } = recorder();
    const error = await failure(createLocalImage(responder, { buildAt, onEvent }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(message(code));
    expect(error.hint).toEqual(expect.any(String));
    expect(events).toEqual([]);
    expect(listing()).toBe(before);
  });

  it('builds the context in a temporary folder of mode 0700 otherwise, and removes it', async () => {
    const responder = await responderFor(echo, 'temp-context');
    // os.tmpdir() follows TMPDIR: a folder of this test's own shows what the build left.
    const tmp = makeTempDir();
    vi.stubEnv('TMPDIR', tmp);
    try {
      const modes: string[] = [];
      await createLocalImage(responder, {
        onEvent: (event) => {
          // While the engine builds, the context is mkdtemp's folder as it came: owner only.
          if (event.type !== 'build.step' || event.step !== 5) return;
          for (const entry of readdirSync(tmp)) {
            modes.push(
              `${entry.replace(/-\w+$/, '-*')} ${(statSync(path.join(tmp, entry)).mode & 0o777).toString(8)}`,
            );
          }
        },
      });
      expect(modes).toEqual(['lambdash-build-* 700']);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('keeps the warm-up event out of the runtime, package and code layers, and out of sight', async () => {
    const responder = await responderFor(warm, 'warm-layers');
    const build = (n: number) =>
      createLocalImage(responder, {
        tag: `n${n}`,
        warmup: true,
        functionTestData: { payload: { n }, expected: { loadedByRequire: false, echo: { n } } },
      });
    const layers = async (image: LocalImage) =>
      (await testDocker().getImage(image.id).inspect()).RootFS.Layers ?? [];
    const [one, two] = [await layers(await build(1)), await layers(await build(2))];
    // Base, runtime, packages and code are the same layers; the event's and the warm-up's differ.
    expect(one.length).toBe(two.length);
    const shared = one.filter((layer, i) => layer === two[i]).length;
    expect(shared).toBe(one.length - 2);
    expect(one.slice(-2)).not.toEqual(two.slice(-2));
    // The runtime's folder holds the runtime only; at run time /tmp is Lambda's own, empty.
    const seen = await runNodeInImage(
      `${responder.name}:n2`,
      "console.log(require('fs').readdirSync('/var/runtime').join(','))",
    );
    expect(seen).toBe('bootstrap.cjs\n');
    const result = await runLocalImageTest(`${responder.name}:n2`, {
      payload: { n: 3 },
      expected: { loadedByRequire: false, echo: { n: 3 } },
    });
    expect(result.passed).toBe(true);
  });

  it('builds for linux/amd64 unless asked otherwise', async () => {
    const proxy = await startDockerProxy();
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const image = await createLocalImage(await responderFor(echo, 'amd64'));
      const builds = proxy.requests.filter((l) => /^POST (\/v[\d.]+)?\/build\?/.test(l));
      expect(builds).toHaveLength(1);
      expect(new URL(builds[0]!.split(' ')[1]!, 'http://x').searchParams.get('platform')).toBe(
        'linux/amd64',
      );
      expect((await testDocker().getImage(image.id).inspect()).Architecture).toBe('amd64');
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
  });

  it('builds for linux/arm64 on a base whose Node version cannot be asked here', async () => {
    // An arm64 image with no layers and no NODE_VERSION: node cannot run on this amd64 engine,
    // so its version is unknown and the bundle targets the runtime's minimum, Node 20.
    const baseName = name('arm-base');
    await loadLayerlessImage(`${baseName}:1`, 'arm64');
    const responder = await responderFor(echo, 'arm64');
    const image = await createLocalImage(responder, {
      platform: 'linux/arm64',
      baseImage: `${baseName}:1`,
    });
    const info = await testDocker().getImage(image.id).inspect();
    expect(info.Architecture).toBe('arm64');
    expect(info.Config.Cmd).toEqual(['index.handler']);
  });

  it('installs the packages kept out of the bundle into the image', async () => {
    await ensureExampleInstalled('http-api');
    const responder = await getResponder(path.join(examplesDir, 'http-api'), {
      name: name('externals'),
      externals: ['zod'],
    });
    const { events, onEvent } = recorder();
    const image = await createLocalImage(responder, { onEvent });
    expect(events).toContainEqual({
      type: 'npm.install',
      dir: expect.any(String),
      // Platform packages for the image's platform (linux/amd64 by default, glibc).
      command:
        'npm install --omit=dev --no-audit --no-fund --no-package-lock --loglevel=error --os=linux --cpu=x64 --libc=glibc',
    });
    const zodVersion = (
      JSON.parse(
        readFileSync(
          path.join(examplesDir, 'http-api', 'node_modules', 'zod', 'package.json'),
          'utf8',
        ),
      ) as { version: string }
    ).version;
    const inImage = await runNodeInImage(
      image.ref,
      `const fs = require('fs');
       console.log(JSON.stringify({
         modules: fs.readdirSync('/var/task/node_modules'),
         zod: require('/var/task/node_modules/zod/package.json').version,
         bundled: fs.readFileSync('/var/task/index.js', 'utf8').includes('ZodError'),
       }))`,
    );
    expect(JSON.parse(inImage)).toEqual({ modules: ['zod'], zod: zodVersion, bundled: false });
    // zod from node_modules does the validating: a bad order is refused, a good one priced.
    const bad = await runLocalImageTest(image, { payload: { item: '' }, expected: null });
    expect(bad.response.functionError).toBe('Unhandled');
    expect(JSON.stringify(bad.response.body)).toContain('item');
    const good = await runLocalImageTest(image, {
      payload: { item: 'pen', quantity: 2, unitPrice: 1.25 },
      expected: null,
    });
    expect(good.response.body).toMatchObject({ item: 'pen', quantity: 2, total: 2.5 });
  });

  it('uses the cache unless noCache', async () => {
    const responder = await responderFor(echo, 'cache');
    const usesCache = async (noCache: boolean) => {
      const { events, onEvent } = recorder();
      await createLocalImage(responder, { noCache, onEvent });
      return events.some((e) => e.type === 'build.log' && e.text.includes('Using cache'));
    };
    await usesCache(false);
    expect(await usesCache(true)).toBe(false);
    expect(await usesCache(false)).toBe(true);
  });

  it('removes the image a rebuild took the name from, unless something else still names it', async () => {
    const dir = makeTempDir();
    const imageName = name('rebuilt');
    const build = async (answer: number) => {
      writeFileSync(
        path.join(dir, 'handler.ts'),
        `export const handler = async () => ${answer};\n`,
      );
      return createLocalImage(
        await getResponder(path.join(dir, 'handler.ts'), { name: imageName }),
      );
    };
    const exists = (id: string) =>
      testDocker()
        .getImage(id)
        .inspect()
        .then(() => true)
        .catch(() => false);

    const first = await build(1);
    // Unchanged, the rebuild is the same image: nothing to remove.
    expect((await build(1)).id).toBe(first.id);
    expect(await exists(first.id)).toBe(true);
    // Named otherwise too, the first stays when a change takes `latest` from it.
    await testDocker().getImage(first.id).tag({ repo: imageName, tag: 'pinned' });
    const second = await build(2);
    expect(second.id).not.toBe(first.id);
    expect(await exists(first.id)).toBe(true);
    // Named by nothing else, the second goes when the next change takes `latest`: no <none> left.
    const third = await build(3);
    expect(await exists(second.id)).toBe(false);
    expect(await tagsNamed(imageName)).toEqual([`${imageName}:latest`, `${imageName}:pinned`]);
    expect((await testDocker().getImage(`${imageName}:latest`).inspect()).Id).toBe(third.id);
  });

  it('tags the image as asked, and only so', async () => {
    const responder = await responderFor(echo, 'tagged');
    const image = await createLocalImage(responder, { tag: 'v1.2' });
    expect(image).toMatchObject({
      ref: `${responder.name}:v1.2`,
      name: responder.name,
      tag: 'v1.2',
      tags: [`${responder.name}:v1.2`],
    });
    expect(await tagsNamed(responder.name)).toEqual([`${responder.name}:v1.2`]);
  });

  it('takes another name than the responder’s', async () => {
    const responder = await responderFor(echo, 'renamed-from');
    const other = name('renamed-to');
    const image = await createLocalImage(responder, { name: other });
    expect(image.ref).toBe(`${other}:latest`);
    expect(image.labels[LABELS.name]).toBe(other);
    expect(await tagsNamed(responder.name)).toEqual([]);
  });

  it('puts user labels on the image beside its own', async () => {
    const responder = await responderFor(echo, 'user-labels');
    const userLabels = { team: 'orders', 'com.example.owner': 'ada lovelace' };
    const image = await createLocalImage(responder, { userLabels });
    expect(getUserLabels(image)).toEqual(userLabels);
    const byCli = await labelsByCli(image.ref);
    expect(byCli).toMatchObject(userLabels);
    expect(byCli[LABELS.hash]).toBe(responder.hash);
  });

  it('refuses a user label under dev.lambdash. before any build', async () => {
    const responder = await responderFor(echo, 'forged');
    const { events, onEvent } = recorder();
    const error = await failure(
      createLocalImage(responder, { userLabels: { [LABELS.source]: '/elsewhere' }, onEvent }),
    );
    expect(error.code).toBe('INVALID_LABEL');
    expect(error.message).toBe(
      'The label "dev.lambdash.source" uses lambdash\'s own prefix "dev.lambdash.".',
    );
    expect(error.hint).toMatch(/^Choose another key/);
    expect(events).toEqual([]);
    expect(await tagsNamed(responder.name)).toEqual([]);
  });

  it('declares build args and passes their values to the build, never into the Dockerfile', async () => {
    const responder = await responderFor(echo, 'build-args');
    const at = makeTempDir();
    const buildArgs = { APP_MODE: 'test', NOTE: 'line one\nRUN touch /pwned' };
    // A step of the user's own that writes what the build saw of both args: after them, since
    // lambdash declares them after its own RUN steps (a RUN step records the args in scope).
    const image = await createLocalImage(responder, {
      buildAt: at,
      buildArgs,
      dockerfileUpdate: (text) =>
        text.replace(
          'ARG NOTE\n',
          `ARG NOTE\nRUN ["node", "-e", "require('fs').writeFileSync('/var/task/args.json', JSON.stringify({ mode: process.env.APP_MODE, note: process.env.NOTE }))"]\n`,
        ),
    });
    const dockerfile = readFileSync(path.join(at, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('\nARG APP_MODE\nARG NOTE\n');
    expect(dockerfile).not.toContain('line one');
    expect(dockerfile).not.toContain('/pwned');

    const seen = await runNodeInImage(
      image.ref,
      `const fs = require('fs');
       console.log(fs.readFileSync('/var/task/args.json', 'utf8'));
       console.log(String(fs.existsSync('/pwned')));`,
    );
    const [args, pwned] = seen.trim().split('\n');
    expect(JSON.parse(args!)).toEqual({ mode: 'test', note: 'line one\nRUN touch /pwned' });
    expect(pwned).toBe('false');
  });

  it('refuses an invalid build arg name before any build', async () => {
    const responder = await responderFor(echo, 'bad-arg');
    const { events, onEvent } = recorder();
    const error = await failure(
      createLocalImage(responder, { buildArgs: { 'APP MODE': 'x' }, onEvent }),
    );
    expect(error.code).toBe('INVALID_BUILD_ARG');
    expect(error.message).toBe('"APP MODE" is not a valid build arg name.');
    expect(events).toEqual([]);
  });
});

describe('local images', () => {
  let image: LocalImage;
  let other: LocalImage;
  /** Plain images (not lambdash's) whose ids share their first 6 characters. */
  let twins: string[];
  const twinName = name('twins');

  beforeAll(async () => {
    const responder = await responderFor(echo, 'lookup');
    image = await createLocalImage(responder, { tag: 'v1' });
    other = await createLocalImage(
      await responderFor(path.join(handlersDir, 'images', 'picky.mjs'), 'lookup-other'),
    );
    twins = await loadImagesWithSharedIdPrefix(twinName);
  }, 60_000);

  it('are found by name, name:tag and id', async () => {
    const id = image.id.slice('sha256:'.length);
    const byTag = await getLocalImage(image.ref);
    expect(byTag).toMatchObject({ id: image.id, ref: image.ref, tag: 'v1' });
    expect((await getLocalImage(other.name)).id).toBe(other.id);
    expect((await getLocalImage(image.id)).id).toBe(image.id);
    expect((await getLocalImage(id)).id).toBe(image.id);
    expect((await getLocalImage(id.slice(0, 12))).id).toBe(image.id);
    // The shortest prefix no other image shares (at least 4 characters).
    const ids = (await testDocker().listImages()).map((i) => i.Id.slice('sha256:'.length));
    let length = 4;
    while (ids.filter((i) => i.startsWith(id.slice(0, length))).length > 1) length++;
    const found = await getLocalImage(id.slice(0, length));
    expect(found).toMatchObject({ id: image.id, ref: image.ref, name: image.name, tag: 'v1' });
  });

  it('are found by an id prefix written with sha256:', async () => {
    const prefix = image.id.slice(0, 'sha256:'.length + 12);
    expect((await getLocalImage(prefix)).id).toBe(image.id);
  });

  it('are found by a name made of hex digits when no id starts with it', async () => {
    const hexName = `cafe${randomBytes(8).toString('hex')}`;
    made.push(hexName);
    const hex = await createLocalImage(await getResponder(echo, { name: hexName }));
    expect(await getLocalImage(hexName)).toMatchObject({ id: hex.id, ref: `${hexName}:latest` });
  });

  it('are AMBIGUOUS_IMAGE by an id prefix two images share', async () => {
    const shared = twins[0]!.slice('sha256:'.length, 'sha256:'.length + 6);
    expect(twins[1]!.startsWith(`sha256:${shared}`)).toBe(true);
    for (const asked of [shared, `sha256:${shared}`]) {
      const error = await failure(getLocalImage(asked));
      expect(error.code).toBe('AMBIGUOUS_IMAGE');
      expect(error.message).toBe(`2 images have ids starting with ${shared}.`);
      expect(error.hint).toBe('Give more characters of the id.');
    }
    // One character more than they share tells them apart (they share 6 at least, and by
    // chance sometimes more).
    let common = 6;
    while (twins[0]![7 + common] === twins[1]![7 + common]) common++;
    const longer = twins[1]!.slice('sha256:'.length, 'sha256:'.length + common + 1);
    expect((await getLocalImage(longer)).id).toBe(twins[1]);
  });

  it.each([
    {
      what: 'a name',
      ask: () => `${twinName}-absent`,
      message: () => `There is no local image ${twinName}-absent:latest.`,
    },
    {
      what: 'a name:tag',
      ask: () => `${image.name}:v2`,
      message: () => `There is no local image ${image.name}:v2.`,
    },
    {
      what: 'an id prefix (which could also be a name)',
      ask: () => unusedIdPrefix(),
      message: (asked: string) =>
        `No local image has an id starting with ${asked}, nor is there a local image ${asked}:latest.`,
    },
    {
      what: 'an id prefix written with sha256:',
      ask: async () => `sha256:${await unusedIdPrefix()}`,
      message: (asked: string) => `No local image has an id starting with ${asked.slice(7)}.`,
    },
  ])('are IMAGE_NOT_FOUND by $what that matches none', async ({ ask, message }) => {
    const asked = await ask();
    const error = await failure(getLocalImage(asked));
    expect(error.code).toBe('IMAGE_NOT_FOUND');
    expect(error.message).toBe(message(asked));
    expect(error.hint).toMatch(/list the images lambdash made/);
  });

  it("are listed: lambdash's only by default, every image on request", async () => {
    const generated = await getAllLocalImages();
    const everything = await getAllLocalImages({ generatedOnly: false });
    const ids = (list: LocalImage[]) => list.map((i) => i.id);
    expect(ids(generated)).toEqual(expect.arrayContaining([image.id, other.id]));
    // As getLocalImage describes it (the list gives creation times in whole seconds).
    expect(generated.find((i) => i.id === image.id)).toEqual({
      ...(await getLocalImage(image.ref)),
      created: expect.any(Date),
    });
    // Neither the base image (labelled as a base) nor plain images are lambdash's responders.
    expect(ids(generated)).not.toContain(base.id);
    expect(ids(generated)).not.toContain(twins[0]);
    expect(ids(everything)).toEqual(
      expect.arrayContaining([image.id, other.id, base.id, ...twins]),
    );
    const twin = everything.find((i) => i.id === twins[0]);
    expect(twin).toMatchObject({ ref: `${twinName}:a`, responder: undefined });
    // Newest first.
    const times = generated.map((i) => i.created.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('are listed through Docker filters given to the engine, joined to lambdash’s label', async () => {
    const ids = async (options: Parameters<typeof getAllLocalImages>[0]) =>
      (await getAllLocalImages(options)).map((i) => i.id).sort();
    expect(await ids({ filters: { reference: [image.ref] } })).toEqual([image.id]);
    expect(await ids({ filters: { label: [`dev.lambdash.name=${other.name}`] } })).toEqual([
      other.id,
    ]);
    // Plain images pass the caller's filter only when everything is asked for.
    expect(await ids({ filters: { reference: [`${twinName}:*`] } })).toEqual([]);
    expect(await ids({ generatedOnly: false, filters: { reference: [`${twinName}:*`] } })).toEqual(
      [...twins].sort(),
    );
  });

  it('are deleted with every tag they carry', async () => {
    const responder = await responderFor(echo, 'delete-tags');
    const first = await createLocalImage(responder, { tag: 'v1' });
    const second = await createLocalImage(responder, { tag: 'v2' });
    expect(second.id).toBe(first.id); // same content, same image: two tags
    await deleteLocalImage(`${responder.name}:v1`);
    expect(await tagsNamed(responder.name)).toEqual([]);
    const error = await failure(getLocalImage(first.id));
    expect(error.code).toBe('IMAGE_NOT_FOUND');
  });

  it('are deleted while containers of images built on them run, which keep running', async () => {
    const parent = await createLocalImage(await responderFor(echo, 'parent'));
    const child = await createLocalImage(await responderFor(echo, 'child'), {
      baseImage: parent.ref,
    });
    const container = await runImageLocally(child, { keep: true });
    try {
      // The engine's `ancestor` filter counts this container as the parent's too: it is not.
      await deleteLocalImage(parent);
      expect(await tagsNamed(parent.name)).toEqual([]);
      expect(await containerExists(container.id)).toBe(true);
      expect((await getLocalImage(child.ref)).id).toBe(child.id);
    } finally {
      await deleteContainer(container);
    }
  });

  it('are not deleted while a container uses them, unless forced', async () => {
    const responder = await responderFor(echo, 'delete-used');
    const used = await createLocalImage(responder);
    const container = await runImageLocally(used, { keep: true });
    try {
      const error = await failure(deleteLocalImage(used));
      expect(error.code).toBe('DOCKER_FAILED');
      expect(error.message).toBe(`1 container(s) use the image ${used.ref}.`);
      expect(error.hint).toBe('Stop and delete them first, or delete with force.');
      expect(await containerExists(container.id)).toBe(true);
      expect((await getLocalImage(used.ref)).id).toBe(used.id);

      await deleteLocalImage(used, { force: true });
      expect(await containerExists(container.id)).toBe(false);
      expect(await tagsNamed(responder.name)).toEqual([]);
      expect((await failure(getLocalImage(used.id))).code).toBe('IMAGE_NOT_FOUND');
    } finally {
      await deleteContainer(container);
    }
  });

  it('deleting an image that is already gone is quiet, by value and by name', async () => {
    const responder = await responderFor(echo, 'delete-twice');
    const gone = await createLocalImage(responder);
    await deleteLocalImage(gone);
    await deleteLocalImage(gone);
    await deleteLocalImage(gone.ref);
    expect(await failure(getLocalImage(gone.ref))).toMatchObject({ code: 'IMAGE_NOT_FOUND' });
  });
});

/** Loads an image of another architecture with no layers (nothing in it can run here). */
async function loadLayerlessImage(tag: string, architecture: string): Promise<void> {
  const config = JSON.stringify({
    architecture,
    os: 'linux',
    config: { Labels: { 'test.lambdash.layerless': tag } },
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const dir = makeTempDir();
  writeTree(dir, {
    'config.json': config,
    'manifest.json': JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: [] }]),
  });
  execFileSync('tar', ['-cf', `${dir}.tar`, '-C', dir, '.']);
  try {
    await dockerCli('load', '--quiet', '--input', `${dir}.tar`);
  } finally {
    rmSync(`${dir}.tar`, { force: true });
  }
}

/** A 12-character id prefix no image has. */
async function unusedIdPrefix(): Promise<string> {
  const ids = (await testDocker().listImages({ all: true })).map((i) => i.Id.slice(7));
  for (let n = 0; ; n++) {
    const prefix = n.toString(16).padStart(12, 'f');
    if (!ids.some((id) => id.startsWith(prefix))) return prefix;
  }
}
