// pushToEcr against a local cloud of this file's own: the real engine pushes to the real
// registry with the token ECR gave, and what ECR then holds is read back through the SDK.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchGetImageCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RemoteImage } from '../../../src/core/aws/aws-resources.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { getEcrRepo } from '../../../src/core/ecr/ecr-repos.js';
import { pushToEcr } from '../../../src/core/ecr/push.js';
import { getAllRemoteImages } from '../../../src/core/ecr/remote-images.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { deleteLocalImage } from '../../../src/core/images/local-image-delete.js';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder, type Responder } from '../../../src/core/responder/responder.js';
import { buildTestImage, testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import { failure, recorder, removeImagesNamed, uniqueName } from '../../support/images.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const name = uniqueName('push');
const images: string[] = [name];
let cloud: TestTarget;
let handlerFile: string;
let responder: Responder;
let image: LocalImage;

const handler = (version: number) =>
  `export const handler = async (event) => ({ version: ${version}, event });\n`;

beforeAll(async () => {
  cloud = await startTestTarget();
  handlerFile = path.join(writeTree(makeTempDir(), { 'handler.mjs': handler(1) }), 'handler.mjs');
  responder = await getResponder(handlerFile, { name });
  image = await createLocalImage(responder, { userLabels: { team: 'orders' } });
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
  await removeImagesNamed(...images);
  removeTempDirs();
});

const awsCalls = (events: readonly LambdashEvent[]) =>
  events.flatMap((e) => (e.type === 'aws.call' ? [`${e.service} ${e.operation}`] : []));

/** The manifest ECR holds for a digest, as the SDK reads it. */
async function manifestOf(repo: string, digest: string) {
  const answer = await cloud.target.clients.ecr.send(
    new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageDigest: digest }] }),
  );
  const text = answer.images?.[0]?.imageManifest;
  if (!text) throw new Error(`no manifest for ${repo}@${digest}`);
  return JSON.parse(text) as { mediaType: string; config: { digest: string }; layers: unknown[] };
}

describe('pushToEcr cancelled', () => {
  it('stops the push when the signal fires mid-upload: ABORTED, and ECR holds no image', async () => {
    // A registry of its own, so the layers are really uploaded (not mounted from another push).
    const fresh = await startTestTarget();
    try {
      const controller = new AbortController();
      const events: LambdashEvent[] = [];
      const onEvent = (event: LambdashEvent) => {
        events.push(event);
        if (event.type === 'push.progress' && event.status === 'Pushing') controller.abort();
      };
      const error = await failure(
        pushToEcr(image, { target: fresh.target, signal: controller.signal, onEvent }),
      );
      expect(error.code).toBe('ABORTED');
      const repoUri = `${fresh.cloud.services.registryHost}/${name}`;
      expect(error.message).toBe(`Pushing ${repoUri}:latest was cancelled`);
      // Nothing after the push: no manifest check, no description.
      expect(awsCalls(events)).not.toContain('ECR BatchGetImage');
      expect(await getAllRemoteImages({ target: fresh.target, generatedOnly: false })).toEqual([]);
      // The local image keeps the tags it had: the registry's went with the push.
      expect((await testDocker().getImage(image.id).inspect()).RepoTags).not.toContain(
        `${repoUri}:latest`,
      );
    } finally {
      await fresh.stop();
    }
  });
});

describe('a first push', () => {
  let remote: RemoteImage;
  let events: LambdashEvent[];
  let tokens: string[];
  let before: Date;
  const home = makeTempDir('lambdash-test-home-');
  const tmp = makeTempDir('lambdash-test-tmp-');
  const marker = path.join(makeTempDir(), 'marker');

  beforeAll(async () => {
    // The token ECR hands out, seen where the SDK client deserializes it.
    tokens = [];
    const ecr = cloud.target.clients.ecr;
    ecr.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'GetAuthorizationTokenCommand') {
          const output = result.output as { authorizationData?: { authorizationToken?: string }[] };
          tokens.push(output.authorizationData?.[0]?.authorizationToken ?? '');
        }
        return result;
      },
      { step: 'initialize', name: 'testCaptureToken' },
    );
    writeFileSync(marker, '');
    // Whatever lambdash (or a library under it) would write to HOME or the temp folder lands here.
    vi.stubEnv('HOME', home);
    vi.stubEnv('TMPDIR', tmp);
    const recorded = recorder();
    events = recorded.events;
    before = new Date(Date.now() - 1000);
    try {
      remote = await pushToEcr(image, { target: cloud.target, onEvent: recorded.onEvent });
    } finally {
      vi.unstubAllEnvs();
      ecr.middlewareStack.remove('testCaptureToken');
    }
  }, 120_000);

  it('creates the repository, tagged with the image’s lineage and user labels', async () => {
    const repo = await getEcrRepo(name, { target: cloud.target });
    expect(repo.uri).toBe(`${cloud.cloud.services.registryHost}/${name}`);
    expect(repo.tags).toEqual({
      team: 'orders',
      'dev.lambdash.generated': 'true',
      'dev.lambdash.name': name,
      'dev.lambdash.source': handlerFile,
      'dev.lambdash.handler': 'index.handler',
      'dev.lambdash.hash': responder.hash,
      'dev.lambdash.runtime-version': image.labels['dev.lambdash.runtime-version'],
      'dev.lambdash.options': image.labels['dev.lambdash.options'],
    });
    expect(awsCalls(events)).toEqual([
      'ECR DescribeRepositories',
      'ECR CreateRepository',
      'ECR GetAuthorizationToken',
      'ECR BatchGetImage',
      'ECR DescribeImages',
    ]);
  });

  it('returns the pushed image by the digest the engine recorded for the local image', async () => {
    const repoUri = `${cloud.cloud.services.registryHost}/${name}`;
    expect(remote).toEqual({
      repo: name,
      repoUri,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      uri: `${repoUri}@${remote.digest}`,
      tags: ['latest'],
      pushed: remote.pushed,
      size: remote.size,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      // ECR tags repositories, not images: an image's labels are its repository's tags.
      labels: (await getEcrRepo(name, { target: cloud.target })).tags,
    });
    expect(remote.pushed.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const local = await testDocker().getImage(image.id).inspect();
    expect(local.RepoDigests).toContain(remote.uri);
    expect(local.RepoTags).toEqual(expect.arrayContaining([`${name}:latest`, `${repoUri}:latest`]));
    // The manifest is this image's: its config is the local image.
    const manifest = await manifestOf(name, remote.digest);
    expect(manifest.config.digest).toBe(image.id);
    expect(remote.size).toBeGreaterThan(0);
  });

  it('reports each layer’s progress under its id, each ending pushed with all its bytes', async () => {
    const progress = events.filter(
      (e): e is Extract<LambdashEvent, { type: 'push.progress' }> => e.type === 'push.progress',
    );
    const layers = [...new Set(progress.map((e) => e.layer))];
    const manifest = await manifestOf(name, remote.digest);
    expect(layers).toHaveLength(manifest.layers.length);
    for (const layer of layers) {
      expect(layer).toMatch(/^[0-9a-f]{12}$/);
      const own = progress.filter((e) => e.layer === layer);
      expect(own[0]?.status).toBe('Preparing');
      const last = own.at(-1)!;
      expect(last.status).toBe('Pushed');
      expect(last.bytes).toBe(last.total);
    }
    expect(progress.some((e) => e.status === 'Pushing' && e.bytes > 0 && e.total > 0)).toBe(true);
  });

  it('keeps the ECR token off the disk: not in HOME, the temp folder, ~/.docker or the cloud’s data', async () => {
    expect(tokens).toHaveLength(1);
    const token = tokens[0]!;
    const password = Buffer.from(token, 'base64').toString('utf8').split(':')[1]!;
    expect(password.length).toBeGreaterThan(40);
    const realDocker = path.join(os.homedir(), '.docker');
    const places = [
      home,
      tmp,
      cloud.cloud.dataDir,
      ...(existsSync(realDocker) ? [realDocker] : []),
    ];
    for (const secret of [token, password]) {
      expect(filesContaining(secret, places)).toEqual([]);
      // Anything written under /tmp during the push, wherever it went.
      expect(filesContaining(secret, newerFilesIn(os.tmpdir(), marker))).toEqual([]);
    }
    expect(existsSync(path.join(home, '.docker'))).toBe(false);
  });
});

describe('pushToEcr again', () => {
  it('pushes a rebuilt image as a new digest; both are listed, the tag on the new one', async () => {
    const target = cloud.target;
    const first = await pushToEcr(image, { target });
    writeFileSync(handlerFile, handler(2));
    const rebuiltResponder = await getResponder(handlerFile, { name });
    const rebuilt = await createLocalImage(rebuiltResponder);
    const second = await pushToEcr(rebuilt, { target });
    expect(second.digest).not.toBe(first.digest);
    const listed = await getAllRemoteImages({
      target,
      repos: [await getEcrRepo(name, { target })],
    });
    expect(listed.map((i) => [i.digest, i.tags])).toEqual(
      expect.arrayContaining([
        [second.digest, ['latest']],
        [first.digest, []],
      ]),
    );
    expect(listed).toHaveLength(2);
    expect((await getEcrRepo(name, { target })).tags['dev.lambdash.hash']).toBe(
      rebuiltResponder.hash,
    );
    image = rebuilt;
  }, 120_000);

  it('pushes `name:tag` to another repository and tag, created with scan on push', async () => {
    const target = cloud.target;
    const other = uniqueName('push-other');
    const remote = await pushToEcr(`${name}:latest`, {
      target,
      repo: other,
      tag: 'v2',
      scanOnPush: true,
    });
    expect(remote.repo).toBe(other);
    expect(remote.tags).toEqual(['v2']);
    const repo = await getEcrRepo(other, { target });
    expect(repo.scanOnPush).toBe(true);
    expect(repo.tags['dev.lambdash.name']).toBe(name);
    expect((await manifestOf(other, remote.digest)).config.digest).toBe(image.id);
  }, 60_000);

  it('pushes an image known by its registry tag to the repository of that name', async () => {
    const target = cloud.target;
    const repoUri = `${cloud.cloud.services.registryHost}/${name}`;
    const byRegistryTag = await getLocalImage(`${repoUri}:latest`);
    expect(byRegistryTag.name).toBe(repoUri);
    const remote = await pushToEcr(byRegistryTag, { target, tag: 'again' });
    expect(remote.repo).toBe(name);
    expect(remote.tags).toEqual(['again', 'latest']);
  });

  it('tags the repository with the image’s labels AWS can hold, leaving out the others', async () => {
    const labelled = uniqueName('labelled');
    images.push(labelled);
    await buildTestImage(
      `${labelled}:v1`,
      `FROM scratch\nLABEL note="${'n'.repeat(300)}" Maintainer="Ada" team="orders"\nCOPY a.txt /a.txt\n`,
      { 'a.txt': labelled },
    );
    const remote = await pushToEcr(`${labelled}:v1`, { target: cloud.target });
    expect(remote.tags).toEqual(['v1']);
    expect((await getEcrRepo(labelled, { target: cloud.target })).tags).toEqual({
      Maintainer: 'Ada',
      team: 'orders',
    });
  });
});

describe('pushToEcr refuses', () => {
  it('invalid repository names and tags before any call', async () => {
    const { events, onEvent } = recorder();
    const options = { target: cloud.target, onEvent };
    const tagsBefore = (await testDocker().getImage(image.id).inspect()).RepoTags;
    const repo = await failure(pushToEcr(image, { ...options, repo: 'Orders API' }));
    expect(repo.code).toBe('INVALID_NAME');
    expect(repo.message).toBe('"Orders API" is not a valid image name.');
    const tag = await failure(pushToEcr(image, { ...options, tag: '-v1' }));
    expect(tag.code).toBe('INVALID_NAME');
    expect(events).toEqual([]);
    expect((await testDocker().getImage(image.id).inspect()).RepoTags).toEqual(tagsBefore);
  });

  it('a local image that does not exist, or no longer does: IMAGE_NOT_FOUND', async () => {
    const { events, onEvent } = recorder();
    const missing = await failure(
      pushToEcr(`${uniqueName('nothing')}:latest`, { target: cloud.target, onEvent }),
    );
    expect(missing.code).toBe('IMAGE_NOT_FOUND');
    const goneName = uniqueName('gone');
    images.push(goneName);
    await buildTestImage(`${goneName}:v1`, 'FROM scratch\nCOPY a.txt /a.txt\n', {
      'a.txt': goneName,
    });
    const gone = await getLocalImage(`${goneName}:v1`);
    await deleteLocalImage(gone);
    const error = await failure(pushToEcr(gone, { target: cloud.target, onEvent }));
    expect(error.code).toBe('IMAGE_NOT_FOUND');
    expect(error.message).toBe(`The local image ${goneName}:v1 is gone.`);
    expect(events).toEqual([]);
  });

  it('an image for a platform Lambda does not run, before anything is pushed', async () => {
    const foreign = uniqueName('s390x');
    images.push(foreign);
    await buildForPlatform(`${foreign}:v1`, 'linux/s390x');
    const { events, onEvent } = recorder();
    const error = await failure(pushToEcr(`${foreign}:v1`, { target: cloud.target, onEvent }));
    expect(error.code).toBe('INVALID_MANIFEST');
    expect(error.message).toContain('built for the s390x architecture');
    expect(error.message).toContain('linux/amd64 (x86_64) or linux/arm64');
    expect(events).toEqual([]);
  });

  it('with DOCKER_UNAVAILABLE when no engine answers', async () => {
    vi.stubEnv('DOCKER_HOST', `unix://${path.join(makeTempDir(), 'no-engine.sock')}`);
    try {
      const error = await failure(pushToEcr(image, { target: cloud.target }));
      expect(error.code).toBe('DOCKER_UNAVAILABLE');
      expect(error.hint).toContain('Start the engine');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('with PUSH_FAILED, the engine’s message and a hint, when the registry refuses the upload', async () => {
    const denied =
      'denied: User: arn:aws:iam::000000000000:user/ci is not authorized to perform: ecr:InitiateLayerUpload';
    const proxy = await startDockerProxy({
      answer: (line) =>
        /^POST \S*\/images\/\S+\/push/.test(line)
          ? {
              body: `${JSON.stringify({ status: 'Preparing', progressDetail: {}, id: 'aaaaaaaaaaaa' })}\n${JSON.stringify({ errorDetail: { message: denied }, error: denied })}\n`,
            }
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const error = await failure(pushToEcr(image, { target: cloud.target }));
      expect(error.code).toBe('PUSH_FAILED');
      expect(error.message).toBe(
        `Pushing to ${cloud.cloud.services.registryHost}/${name} failed: ${denied}`,
      );
      expect(error.hint).toContain('ecr:InitiateLayerUpload');
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
  });
});

describe('a failed push', () => {
  it('leaves every image’s tags as they were: an older image keeps the registry tag the new one took', async () => {
    const target = cloud.target;
    const repoName = uniqueName('retag');
    const repoUri = `${cloud.cloud.services.registryHost}/${repoName}`;
    images.push(repoName, repoUri);
    const dockerfile = 'FROM scratch\nCOPY a.txt /a.txt\n';
    await buildTestImage(`${repoName}:v1`, dockerfile, { 'a.txt': 'old' });
    const old = await getLocalImage(`${repoName}:v1`);
    await pushToEcr(old, { target });
    // Rebuilt under the same name: its push would move `<repoUri>:v1` over from the old image.
    await buildTestImage(`${repoName}:v1`, dockerfile, { 'a.txt': 'new' });
    const rebuilt = await getLocalImage(`${repoName}:v1`);
    expect(rebuilt.id).not.toBe(old.id);
    const denied = 'denied: not today';
    const proxy = await startDockerProxy({
      answer: (line) =>
        /^POST \S*\/images\/\S+\/push/.test(line)
          ? { body: `${JSON.stringify({ errorDetail: { message: denied }, error: denied })}\n` }
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      expect((await failure(pushToEcr(rebuilt, { target }))).code).toBe('PUSH_FAILED');
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
    const tagsOf = async (id: string) => (await testDocker().getImage(id).inspect()).RepoTags;
    expect(await tagsOf(old.id)).toEqual([`${repoUri}:v1`]);
    expect(await tagsOf(rebuilt.id)).toEqual([`${repoName}:v1`]);
  }, 60_000);
});

/** Files under these places (files or folders) holding `text`, read in batches of paths. */
function filesContaining(text: string, places: readonly string[]): string[] {
  const found: string[] = [];
  for (let at = 0; at < places.length; at += 200) {
    // -s: files that vanish or cannot be read are skipped; exit 1 is "no match".
    const grep = spawnSync('grep', ['-rlsF', '--', text, ...places.slice(at, at + 200)], {
      encoding: 'utf8',
    });
    found.push(...grep.stdout.split('\n').filter(Boolean));
  }
  return found;
}

/** Files under `dir` changed since `marker` was written. */
function newerFilesIn(dir: string, marker: string): string[] {
  const find = spawnSync('find', [dir, '-xdev', '-type', 'f', '-newer', marker], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return find.stdout.split('\n').filter(Boolean);
}

/** A one-file image for another platform (FROM scratch runs nothing, so no emulator is needed). */
async function buildForPlatform(tag: string, platform: string): Promise<void> {
  const dir = makeTempDir();
  writeTree(dir, { Dockerfile: 'FROM scratch\nCOPY a.txt /a.txt\n', 'a.txt': tag });
  const docker = testDocker();
  const stream = await docker.buildImage(
    { context: dir, src: ['Dockerfile', 'a.txt'] },
    { t: tag, platform },
  );
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) =>
      error ? reject(error) : resolve(output),
    ),
  );
}
