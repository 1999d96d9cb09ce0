// Values given to a build stay out of the image: build args (declared after every RUN step of
// lambdash's) and build secrets (BuildKit, through lambdash's own session) appear in no
// `docker history --no-trunc`, no image config, no layer, and no config blob pushed to ECR.
// An engine that cannot take secrets is refused before anything is built.
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { BatchGetImageCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pushToEcr } from '../../../src/core/ecr/push.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { getAllLocalImages } from '../../../src/core/images/local-image-queries.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder, type Responder } from '../../../src/core/responder/responder.js';
import { testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import {
  dockerCli,
  failure,
  recorder,
  removeImagesNamed,
  uniqueName,
} from '../../support/images.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const argsName = uniqueName('buildargs');
const secretsName = uniqueName('secrets');
const refusedName = uniqueName('nosecrets');
let cloud: TestTarget;
let dir: string;

// The handler's init reports the secret it finds (only the warm-up, at build time, has one):
// by its digest, so the report itself never holds it.
const HANDLER = `import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
try {
  const value = readFileSync('/run/secrets/lambdash_token');
  console.log('warm-up read a secret of sha256 ' + createHash('sha256').update(value).digest('hex'));
} catch {}
export const handler = async (event) => ({ ok: true, event });
`;
const testData = { payload: { a: 1 }, expected: { ok: true, event: { a: 1 } } };

beforeAll(async () => {
  cloud = await startTestTarget();
  dir = writeTree(makeTempDir(), { 'handler.mjs': HANDLER });
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
  await removeImagesNamed(argsName, secretsName, refusedName);
  removeTempDirs();
});

function responderNamed(name: string): Promise<Responder> {
  return getResponder(path.join(dir, 'handler.mjs'), { name });
}

/** A value no image could hold by chance. */
const marker = (what: string) => `lambdash-${what}-${randomBytes(12).toString('hex')}`;

/**
 * Everything the engine and ECR keep of the image, and whether `value` is in any of it: the
 * history as `docker history --no-trunc` prints it, the image as `docker inspect` shows it
 * (Config and ContainerConfig), every byte `docker save` writes (each layer and the raw config),
 * and the config blob pushed to ECR, which is that same raw config when its digest is the
 * image's id.
 */
async function whereKept(image: LocalImage, value: string) {
  const history = await dockerCli('history', '--no-trunc', '--format', '{{.CreatedBy}}', image.id);
  const inspect = await dockerCli('image', 'inspect', image.id);
  const remote = await pushToEcr(image, { target: cloud.target });
  const answer = await cloud.target.clients.ecr.send(
    new BatchGetImageCommand({
      repositoryName: remote.repo,
      imageIds: [{ imageDigest: remote.digest }],
    }),
  );
  const manifest = JSON.parse(answer.images?.[0]?.imageManifest ?? '{}') as {
    config?: { digest?: string };
  };
  return {
    history,
    pushedConfig: manifest.config?.digest,
    kept: {
      history: history.includes(value),
      inspect: inspect.includes(value),
      savedImage: await savedImageHolds(image.id, Buffer.from(value)),
      pushedManifest: JSON.stringify(manifest).includes(value),
    },
  };
}

/** Whether the image's `docker save` archive (layers and config, as bytes) holds `needle`. */
async function savedImageHolds(id: string, needle: Buffer): Promise<boolean> {
  const stream = await testDocker().getImage(id).get();
  let tail = Buffer.alloc(0);
  let found = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const window = Buffer.concat([tail, chunk]);
    if (window.includes(needle)) found = true;
    tail = window.subarray(Math.max(0, window.length - needle.length + 1));
  }
  return found;
}

const nowhere = { history: false, inspect: false, savedImage: false, pushedManifest: false };

// Builds, pushes and tests take seconds each, more on a busy machine.
describe('values given to a build', { timeout: 180_000 }, () => {
  it('build args reach no history, config, layer or pushed config, with a RUN step in the build', async () => {
    const value = marker('arg');
    const image = await createLocalImage(await responderNamed(argsName), {
      buildArgs: { LAMBDASH_MARKER: value },
      // The warm-up is a RUN step: the classic builder recorded the args in scope in its history.
      warmup: true,
      functionTestData: testData,
    });
    const found = await whereKept(image, value);
    expect(found.kept).toEqual(nowhere);
    // The arg was declared (the build had it), and the warm-up ran in the image's history.
    expect(found.history).toContain('ARG LAMBDASH_MARKER');
    expect(found.history).toMatch(/"--warmup"|--warmup/);
    expect(found.pushedConfig).toBe(image.id);
  });

  it('secrets reach the RUN steps, and no history, config, layer, pushed config or event', async () => {
    const value = marker('secret');
    const digest = createHash('sha256').update(value).digest('hex');
    const { events, onEvent } = recorder();
    // A step of the user's own (after the warm-up, before the args) that fails the build unless
    // it reads the secret; it is given only the digest.
    const check = `RUN --mount=type=secret,id=lambdash_token ["node", "-e", "const v = require('fs').readFileSync('/run/secrets/lambdash_token'); if (require('crypto').createHash('sha256').update(v).digest('hex') !== process.argv[1]) process.exit(3)", "${digest}"]`;
    const image = await createLocalImage(await responderNamed(secretsName), {
      secrets: { lambdash_token: value },
      buildArgs: { LAMBDASH_MARKER: 'not secret' },
      // A secret is no part of a step's cache key (as with docker build): run the warm-up again.
      noCache: true,
      warmup: true,
      functionTestData: testData,
      dockerfileUpdate: (text) => text.replace(/(\nRUN [^\n]*"--warmup"[^\n]*\n)/, `$1${check}\n`),
      onEvent,
    });
    const logs = events.flatMap((e) => (e.type === 'build.log' ? [e.text] : []));
    // The warm-up mounted it too.
    expect(logs.some((line) => line.endsWith(`warm-up read a secret of sha256 ${digest}`))).toBe(
      true,
    );
    expect(events.some((e) => e.type === 'warmup.done')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(value);
    const found = await whereKept(image, value);
    expect(found.kept).toEqual(nowhere);
    // The warm-up's step and the user's, which both read it (BuildKit drops the mount flags).
    expect(found.history.match(/\/run\/secrets\/lambdash_token/g)).toHaveLength(1);
    expect(found.history).toContain('--warmup');
    expect(found.pushedConfig).toBe(image.id);
  });

  it('an engine without build sessions is refused before anything is built', async () => {
    const proxy = await startDockerProxy({
      // What an engine without BuildKit's sessions answers (an older one, or an imitation).
      answer: (line) =>
        / \/(v[\d.]+\/)?session /.test(line)
          ? { status: 404, body: '{"message":"page not found"}' }
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const error = await failure(
        createLocalImage(await responderNamed(refusedName), {
          secrets: { lambdash_token: 'x' },
          warmup: true,
        }),
      );
      expect(error.code).toBe('BUILD_SECRETS_UNSUPPORTED');
      expect(error.message).toMatch(
        /^The Docker engine at unix:\/\/.* cannot give a build secrets: it answered 404 to a session, which BuildKit needs\.$/,
      );
      expect(error.hint).toContain('`lambdash doctor` shows the engine');
      // Asked who the engine is and for a session (and read what there is); nothing built,
      // pulled or made.
      const changes = proxy.requests.filter(
        (line) => !line.startsWith('GET ') && !/^POST \/(v[\d.]+\/)?session /.test(line),
      );
      expect(changes).toEqual([]);
      expect(proxy.requests.some((line) => /^POST \/(v[\d.]+\/)?session /.test(line))).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
    const images = await getAllLocalImages();
    expect(images.filter((image) => image.name === refusedName)).toEqual([]);
  });

  it('an engine older than BuildKit is refused by its API version', async () => {
    const proxy = await startDockerProxy({
      answer: (line) =>
        / \/(v[\d.]+\/)?version /.test(line)
          ? {
              body: JSON.stringify({
                Version: '18.06.3',
                ApiVersion: '1.38',
                Os: 'linux',
                Arch: 'amd64',
              }),
            }
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const error = await failure(
        createLocalImage(await responderNamed(refusedName), { secrets: { t: 'x' } }),
      );
      expect(error.code).toBe('BUILD_SECRETS_UNSUPPORTED');
      expect(error.message).toContain(
        '(Docker 18.06.3, API 1.38, linux) cannot give a build secrets: BuildKit needs API 1.41 or later.',
      );
      expect(proxy.requests.some((line) => / \/(v[\d.]+\/)?(session|build)[ ?]/.test(line))).toBe(
        false,
      );
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
  });
});
