// Helpers for tests that build lambdash images on the real engine. Every image a test makes is
// named test-<what>-<random>, so test files running in parallel never touch each other's, and
// removeImagesNamed() takes away every tag under such a name (the temporary lambdash-build-*
// ones included) with the containers that use them.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { isLambdashError, type LambdashError } from '../../src/core/common/errors.js';
import type { LambdashEvent } from '../../src/core/common/events.js';
import { testDocker } from './docker.js';

const run = promisify(execFile);

/** A fresh image name: lower case, valid for Docker and ECR. */
export function uniqueName(what: string): string {
  return `test-${what}-${randomBytes(4).toString('hex')}`;
}

/** The error a promise rejects with, which must be a LambdashError. */
export async function failure(promise: Promise<unknown>): Promise<LambdashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLambdashError(error)) throw new Error(`expected a LambdashError, got ${String(error)}`);
  return error;
}

/** An onEvent listener and what it heard. */
export function recorder(): { events: LambdashEvent[]; onEvent: (e: LambdashEvent) => void } {
  const events: LambdashEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

/** Every `name:tag` the engine has under these names (repository part equal to a name). */
export async function tagsNamed(...names: string[]): Promise<string[]> {
  const images = await testDocker().listImages({ all: true });
  return images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => names.includes(tag.slice(0, tag.lastIndexOf(':'))))
    .sort();
}

/**
 * Ids of the images (not the intermediate layers of a build, which carry the build's labels
 * too) labelled with this value.
 */
export async function imagesLabelled(key: string, value: string): Promise<string[]> {
  const images = await testDocker().listImages({
    filters: JSON.stringify({ label: [`${key}=${value}`] }),
  });
  return images.map((image) => image.Id);
}

/** Ids of the containers (running or not) made from this image. */
export async function containersOf(imageId: string): Promise<string[]> {
  const list = await testDocker().listContainers({
    all: true,
    filters: JSON.stringify({ ancestor: [imageId] }),
  });
  return list.map((c) => c.Id);
}

export async function containerExists(id: string): Promise<boolean> {
  return testDocker()
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return false;
        throw error;
      },
    );
}

/**
 * Whether the container is gone, allowing the engine a few seconds: an auto-remove container
 * is removed by the engine just after it stops, not at once.
 */
export async function containerGone(id: string): Promise<boolean> {
  return vi
    .waitFor(
      async () => {
        if (await containerExists(id)) throw new Error(`container ${id} is still there`);
        return true;
      },
      { timeout: 5000, interval: 50 },
    )
    .catch(() => false);
}

/** The repository of a tag (`name:tag`) or a digest (`name@sha256:…`), registry host included. */
function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  return at >= 0 ? reference.slice(0, at) : reference.slice(0, reference.lastIndexOf(':'));
}

/**
 * Ids of the top-level images under these names: tagged or pushed under one (on the engine, or
 * in a registry as `host:port/name`), known only by a digest there (a pull, or a push whose tag
 * moved on), or labelled by lambdash with one (an untagged image a rebuild or a failed build
 * left). A build's intermediate layers carry its labels too, and go with their image.
 */
export async function imagesNamed(...names: string[]): Promise<string[]> {
  const ours = (repository: string) =>
    names.some((name) => repository === name || repository.endsWith(`/${name}`));
  const images = await testDocker().listImages();
  return images
    .filter(
      (image) =>
        names.includes(image.Labels?.['dev.lambdash.name'] ?? '') ||
        [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]
          .filter((reference) => !reference.startsWith('<none>'))
          .some((reference) => ours(repositoryOf(reference))),
    )
    .map((image) => image.Id);
}

/**
 * Removes every image under these names (imagesNamed: by tag, digest or lambdash's label), by
 * id, with the containers using them.
 */
export async function removeImagesNamed(...names: string[]): Promise<void> {
  const docker = testDocker();
  for (const id of await imagesNamed(...names)) {
    for (const container of await containersOf(id)) {
      await docker
        .getContainer(container)
        .remove({ force: true })
        .catch(() => undefined);
    }
    await docker
      .getImage(id)
      .remove({ force: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }
}

/** The marks uniqueLayers put into Dockerfiles of this test file, for removeUniqueLayers. */
const layerMarks = new Set<string>();

/**
 * A dockerfileUpdate that makes every layer after FROM this build's own (an ENV line with a
 * random mark, which every later layer inherits): no other build takes them from the cache,
 * so removing what a failed build left cannot break another one.
 */
export function uniqueLayers(dockerfile: string): string {
  const mark = `LAMBDASH_TEST_LAYERS=${randomBytes(6).toString('hex')}`;
  layerMarks.add(mark);
  return dockerfile.replace(/^(FROM .*)$/m, `$1\nENV ${mark}`);
}

/**
 * Removes every image (intermediate layers of failed and cancelled builds included) made under
 * a Dockerfile that went through uniqueLayers in this test file.
 */
export async function removeUniqueLayers(): Promise<void> {
  if (layerMarks.size === 0) return;
  const docker = testDocker();
  const ours: string[] = [];
  for (const image of await docker.listImages({ all: true })) {
    const info = await docker
      .getImage(image.Id)
      .inspect()
      .catch(() => undefined);
    if (info?.Config?.Env?.some((entry) => layerMarks.has(entry))) ours.push(image.Id);
  }
  // Children first: an image with children refuses (409) until they are gone.
  for (let pending = ours; pending.length > 0; ) {
    const refused: string[] = [];
    for (const id of pending) {
      await docker
        .getImage(id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode === 409) refused.push(id);
          else if (error.statusCode !== 404) throw error;
        });
    }
    if (refused.length === pending.length) throw new Error(`images still in use: ${refused}`);
    pending = refused;
  }
  layerMarks.clear();
}

/** The docker CLI (this engine speaks API 1.41 at most); returns stdout. */
export async function dockerCli(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_API_VERSION: '1.41' },
  });
  return stdout;
}

/** The image's labels as `docker inspect` shows them. */
export async function labelsByCli(image: string): Promise<Record<string, string>> {
  return JSON.parse(await dockerCli('inspect', '--format', '{{json .Config.Labels}}', image));
}

/**
 * Runs `node -e script` in the image instead of its entry (the runtime), on the host network
 * with the image's read-only root as lambdash runs it; returns stdout, throws on a non-zero exit.
 */
export async function runNodeInImage(image: string, script: string): Promise<string> {
  const docker = testDocker();
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['node'],
    Cmd: ['-e', script],
    Tty: true, // one raw stream: no multiplexed frames to strip
    HostConfig: { NetworkMode: 'host', ReadonlyRootfs: true },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    // docker-modem parses a log that happens to be JSON: take it back to text.
    const raw: unknown = await container.logs({ stdout: true, stderr: true });
    const output =
      Buffer.isBuffer(raw) || typeof raw === 'string' ? String(raw) : JSON.stringify(raw);
    if (StatusCode !== 0) throw new Error(`node -e exited with ${StatusCode}: ${output}`);
    return output.replace(/\r\n/g, '\n');
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Loads images with no layers whose ids begin with the same `shared` hex characters, tagged
 * `name:a`, `name:b`...: the engine's image id is the sha256 of the config, so varying a label
 * until the prefixes collide takes a few thousand hashes. Returns the ids.
 */
export async function loadImagesWithSharedIdPrefix(
  name: string,
  count = 2,
  shared = 6,
): Promise<string[]> {
  const configFor = (n: number) =>
    JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      os: 'linux',
      config: { Labels: { 'test.lambdash.seed': `${name}-${n}` } },
      rootfs: { type: 'layers', diff_ids: [] },
    });
  const byPrefix = new Map<string, { config: string; id: string }[]>();
  let group: { config: string; id: string }[] | undefined;
  for (let n = 0; !group; n++) {
    const config = configFor(n);
    const id = createHash('sha256').update(config).digest('hex');
    const same = byPrefix.get(id.slice(0, shared)) ?? [];
    same.push({ config, id });
    byPrefix.set(id.slice(0, shared), same);
    if (same.length === count) group = same;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'lambdash-test-load-'));
  try {
    const manifest = [];
    for (const [i, { config, id }] of group.entries()) {
      await writeFile(path.join(dir, `${id}.json`), config);
      manifest.push({
        Config: `${id}.json`,
        RepoTags: [`${name}:${String.fromCharCode(97 + i)}`],
        Layers: [],
      });
    }
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    await run('tar', ['-cf', `${dir}.tar`, '-C', dir, '.']);
    await dockerCli('load', '--quiet', '--input', `${dir}.tar`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.tar`, { force: true });
  }
  return group.map(({ id }) => `sha256:${id}`);
}
