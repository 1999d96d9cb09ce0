// The local ECR through the real @aws-sdk/client-ecr, a real docker-registry and the real
// Docker engine: repositories, a push with the token, images as the registry sees them, deletes,
// tags on repositories, the registry dying under it, and metadata surviving a restart.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageTagMutabilityCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEcrService } from '../../../src/localcloud/ecr-service.js';
import { type Registry, startRegistry } from '../../../src/localcloud/registry.js';
import { basicAuthorization } from '../../../src/localcloud/registry-auth.js';
import type { LocalCloudServer } from '../../../src/localcloud/server.js';
import { buildTestImage, removeImages, testDocker } from '../../support/docker.js';
import { testKeys, testServer } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ARN_PREFIX = 'arn:aws:ecr:us-east-1:000000000000:repository/';
const run = randomBytes(3).toString('hex');
/** Local images this file builds (by id: a moved tag leaves its old image untagged). */
const localImages: string[] = [];

interface Cloud {
  server: LocalCloudServer;
  close(): Promise<void>;
  client: ECRClient;
}

let dataDir: string;
let registry: Registry;
let cloud: Cloud;

async function startCloud(): Promise<Cloud> {
  const server = testServer();
  const ecr = await createEcrService({ dataDir, registry });
  server.registerJson('ecr', ecr.service);
  const port = await server.listen(0);
  const client = new ECRClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: testKeys,
  });
  return {
    server,
    client,
    close: async () => {
      client.destroy();
      await ecr.close();
      await server.close();
    },
  };
}

beforeAll(async () => {
  dataDir = makeTempDir('lambdash-ecr-');
  registry = await startRegistry({ dataDir });
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.close();
  await registry?.stop();
  await removeImages(...localImages);
  removeTempDirs();
});

async function eventually(check: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting until ${what}`);
    },
    { timeout: 15_000, interval: 20 },
  );
}

/** The exception an SDK call fails with: its name and message. */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Error,
  );
  return { name: error.name, message: error.message };
}

/** A FROM-scratch image holding one file, tagged `<registry>/<repository>:<tag>`. */
async function buildImage(repository: string, tag: string, content: string): Promise<string> {
  const reference = `${registry.host}/${repository}:${tag}`;
  await buildTestImage(reference, 'FROM scratch\nCOPY data.txt /data.txt\n', {
    'data.txt': content,
  });
  localImages.push((await testDocker().getImage(reference).inspect()).Id);
  return reference;
}

/** Pushes with the ECR token as docker does; returns the digest the engine reports. */
async function push(reference: string): Promise<string> {
  const token = await cloud.client.send(new GetAuthorizationTokenCommand({}));
  const data = token.authorizationData![0]!;
  const [username, password] = Buffer.from(data.authorizationToken!, 'base64')
    .toString()
    .split(':');
  const docker = testDocker();
  const stream = await docker.getImage(reference).push({
    authconfig: { username, password, serveraddress: data.proxyEndpoint },
  });
  const output = await new Promise<{ error?: string; aux?: { Digest?: string } }[]>(
    (resolve, reject) =>
      docker.modem.followProgress(stream, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
  );
  const failed = output.find((line) => line.error);
  if (failed) throw new Error(`push of ${reference} failed: ${failed.error}`);
  const digest = output.find((line) => line.aux?.Digest)?.aux?.Digest;
  if (!digest) throw new Error(`push of ${reference} reported no digest`);
  return digest;
}

async function tagLocally(reference: string, repository: string, tag: string): Promise<string> {
  const target = `${registry.host}/${repository}:${tag}`;
  await testDocker()
    .getImage(reference)
    .tag({ repo: `${registry.host}/${repository}`, tag });
  return target;
}

/** The registry's credentials, for reading its own view directly. */
function registryAuth(): { authorization: string } {
  return { authorization: basicAuthorization(registry.credentials!) };
}

/** The registry's own view, to check ECR never disagrees with it. */
async function registryTags(repository: string): Promise<string[] | 'unknown'> {
  const response = await fetch(`${registry.url}/v2/${repository}/tags/list`, {
    headers: registryAuth(),
  });
  if (response.status === 404) return 'unknown';
  return (((await response.json()) as { tags: string[] | null }).tags ?? []).sort();
}

describe('repositories', () => {
  it('creates a repository with tags and settings, and describes it', async () => {
    const name = `app-${run}`;
    const before = Date.now();
    const created = await cloud.client.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        tags: [
          { Key: 'lambdash:responder', Value: 'hello' },
          { Key: 'team', Value: 'a' },
        ],
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
      }),
    );
    const repository = created.repository!;
    expect(repository).toMatchObject({
      repositoryArn: `${ARN_PREFIX}${name}`,
      registryId: '000000000000',
      repositoryName: name,
      repositoryUri: `${registry.host}/${name}`,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(repository.createdAt).toBeInstanceOf(Date);
    expect(repository.createdAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(repository.createdAt!.getTime()).toBeLessThanOrEqual(Date.now());

    const described = await cloud.client.send(
      new DescribeRepositoriesCommand({ repositoryNames: [name] }),
    );
    expect(described.repositories).toEqual([repository]);
    const tags = await cloud.client.send(
      new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }),
    );
    expect(tags.tags).toEqual([
      { Key: 'lambdash:responder', Value: 'hello' },
      { Key: 'team', Value: 'a' },
    ]);

    expect(
      await rejection(cloud.client.send(new CreateRepositoryCommand({ repositoryName: name }))),
    ).toEqual({
      name: 'RepositoryAlreadyExistsException',
      message: `The repository with name '${name}' already exists in the registry with id '000000000000'`,
    });
  });

  it('defaults to mutable tags, no scan on push and AES256', async () => {
    const name = `defaults-${run}`;
    const { repository } = await cloud.client.send(
      new CreateRepositoryCommand({ repositoryName: name }),
    );
    expect(repository).toMatchObject({
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    const changed = await cloud.client.send(
      new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE' }),
    );
    expect(changed.imageTagMutability).toBe('IMMUTABLE');
    await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }));
  });

  const validNames = [
    'ab',
    'a/b-c/d_e.f',
    `${'x'.repeat(250)}/y1234`,
    'a1.b2_c3-d4',
    'x'.repeat(256),
  ];
  it.each(validNames)('accepts the name %j', async (name) => {
    const { repository } = await cloud.client.send(
      new CreateRepositoryCommand({ repositoryName: name }),
    );
    expect(repository?.repositoryUri).toBe(`${registry.host}/${name}`);
    // Even a name longer than the registry allows (255) is a repository, with no images.
    const listed = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(listed.imageIds).toEqual([]);
    await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }));
  });

  const invalidNames: [string, string][] = [
    ['a', 'length'],
    ['x'.repeat(257), 'length'],
    ['Upper', 'regular expression'],
    ['-lead', 'regular expression'],
    ['trail-', 'regular expression'],
    ['a..b', 'regular expression'],
    ['a//b', 'regular expression'],
    ['/abs', 'regular expression'],
    ['with space', 'regular expression'],
    ['a/b/', 'regular expression'],
    ['ab:tag', 'regular expression'],
  ];
  it.each(invalidNames)('refuses the name %j (%s)', async (name, constraint) => {
    const error = await rejection(
      cloud.client.send(new CreateRepositoryCommand({ repositoryName: name })),
    );
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toContain(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint`,
    );
    expect(error.message).toContain(constraint);
  });

  it('refuses bad settings and tags', async () => {
    const cases: [CreateRepositoryCommand, string][] = [
      [
        new CreateRepositoryCommand({
          repositoryName: `bad-${run}`,
          imageTagMutability: 'SOMETIMES' as 'MUTABLE',
        }),
        'InvalidParameterException',
      ],
      [
        new CreateRepositoryCommand({
          repositoryName: `bad-${run}`,
          tags: [{ Key: 'aws:reserved', Value: 'x' }],
        }),
        'InvalidTagParameterException',
      ],
      [
        new CreateRepositoryCommand({
          repositoryName: `bad-${run}`,
          tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
        }),
        'TooManyTagsException',
      ],
    ];
    for (const [command, code] of cases)
      expect((await rejection(cloud.client.send(command))).name).toBe(code);
    const listed = await cloud.client.send(new DescribeRepositoriesCommand({}));
    expect(listed.repositories!.map((r) => r.repositoryName)).not.toContain(`bad-${run}`);
  });

  it('pages through repositories in name order', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => `page-${run}/${n}`);
    for (const name of [...names].reverse())
      await cloud.client.send(new CreateRepositoryCommand({ repositoryName: name }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await cloud.client.send(
        new DescribeRepositoriesCommand({ maxResults: 2, nextToken }),
      );
      expect(page.repositories!.length).toBeLessThanOrEqual(2);
      seen.push(...page.repositories!.map((r) => r.repositoryName!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(seen.filter((name) => name.startsWith(`page-${run}/`))).toEqual(names);
    expect(pages).toBe(Math.ceil(seen.length / 2));
    for (const name of names)
      await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }));
  });

  it('answers RepositoryNotFoundException for unknown repositories', async () => {
    const name = `missing-${run}`;
    const message = `The repository with name '${name}' does not exist in the registry with id '000000000000'`;
    const calls = [
      new DescribeRepositoriesCommand({ repositoryNames: [name] }),
      new DeleteRepositoryCommand({ repositoryName: name }),
      new DescribeImagesCommand({ repositoryName: name }),
      new ListImagesCommand({ repositoryName: name }),
      new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }),
      new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }),
      new ListTagsForResourceCommand({ resourceArn: `${ARN_PREFIX}${name}` }),
    ];
    for (const call of calls) {
      expect(await rejection(cloud.client.send(call as never))).toEqual({
        name: 'RepositoryNotFoundException',
        message,
      });
    }
  });

  it('tags, lists and untags a repository by its ARN', async () => {
    const name = `tagged-${run}`;
    const { repository } = await cloud.client.send(
      new CreateRepositoryCommand({ repositoryName: name, tags: [{ Key: 'a', Value: '1' }] }),
    );
    const resourceArn = repository!.repositoryArn!;
    await cloud.client.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    const list = async () =>
      (await cloud.client.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
    expect(await list()).toEqual([
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '3' },
    ]);
    await cloud.client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a', 'zzz'] }));
    expect(await list()).toEqual([{ Key: 'b', Value: '3' }]);

    const badArn = await rejection(
      cloud.client.send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:s3:::bucket',
          tags: [{ Key: 'x', Value: 'y' }],
        }),
      ),
    );
    expect(badArn.name).toBe('InvalidParameterException');
    const badKey = await rejection(
      cloud.client.send(new TagResourceCommand({ resourceArn, tags: [{ Key: '', Value: 'y' }] })),
    );
    expect(badKey.name).toBe('InvalidTagParameterException');
    expect(await list()).toEqual([{ Key: 'b', Value: '3' }]);
    await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }));
  });

  it('names the operations it does not serve', async () => {
    expect(await rejection(cloud.client.send(new DescribeRegistryCommand({})))).toEqual({
      name: 'UnknownOperationException',
      message: 'The local ECR does not support the operation DescribeRegistry.',
    });
  });
});

describe('authorization token', () => {
  it('is base64 of AWS:<password>, valid for 12 hours, for the registry', async () => {
    const before = Date.now();
    const { authorizationData } = await cloud.client.send(new GetAuthorizationTokenCommand({}));
    expect(authorizationData).toHaveLength(1);
    const data = authorizationData![0]!;
    expect(data.proxyEndpoint).toBe(registry.url);
    const decoded = Buffer.from(data.authorizationToken!, 'base64').toString();
    expect(decoded).toMatch(/^AWS:[A-Za-z0-9+/=]{40,}$/);
    // The registry's own credentials: the token is what opens it.
    expect(decoded).toBe(`AWS:${registry.credentials!.password}`);
    const twelveHours = 12 * 3600_000;
    expect(data.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + twelveHours - 1000);
    expect(data.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + twelveHours + 1000);
  });
});

describe('images pushed with the token', () => {
  const name = `images-${run}/fn`;
  let first: string;
  let firstDigest: string;
  let pushedBetween: [number, number];

  beforeAll(async () => {
    await cloud.client.send(new CreateRepositoryCommand({ repositoryName: name }));
    first = await buildImage(name, 'v1', `first ${run}`);
  });

  it('has no images before the first push', async () => {
    const described = await cloud.client.send(new DescribeImagesCommand({ repositoryName: name }));
    expect(described.imageDetails).toEqual([]);
    const listed = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(listed.imageIds).toEqual([]);
  });

  it('describes a pushed image as the registry stores it', async () => {
    // Whole seconds: the registry's storage may keep times at 1 s resolution.
    const start = Math.floor(Date.now() / 1000) * 1000;
    firstDigest = await push(first);
    pushedBetween = [start, Date.now() + 1000];
    expect(firstDigest).toMatch(DIGEST);

    const { imageDetails } = await cloud.client.send(
      new DescribeImagesCommand({ repositoryName: name }),
    );
    expect(imageDetails).toHaveLength(1);
    const detail = imageDetails![0]!;

    const manifestResponse = await fetch(`${registry.url}/v2/${name}/manifests/v1`, {
      headers: { accept: DOCKER_V2, ...registryAuth() },
    });
    const manifestText = await manifestResponse.text();
    const manifest = JSON.parse(manifestText) as {
      config: { size: number; mediaType: string };
      layers: { size: number }[];
    };
    expect(detail).toMatchObject({
      registryId: '000000000000',
      repositoryName: name,
      imageDigest: firstDigest,
      imageTags: ['v1'],
      imageSizeInBytes: manifest.config.size + manifest.layers.reduce((t, l) => t + l.size, 0),
      imageManifestMediaType: DOCKER_V2,
      artifactMediaType: 'application/vnd.docker.container.image.v1+json',
    });
    expect(manifest.layers).toHaveLength(1);
    expect(detail.imagePushedAt!.getTime()).toBeGreaterThanOrEqual(pushedBetween[0]);
    expect(detail.imagePushedAt!.getTime()).toBeLessThanOrEqual(pushedBetween[1]);

    const listed = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(listed.imageIds).toEqual([{ imageDigest: firstDigest, imageTag: 'v1' }]);
  });

  it('returns the manifest with BatchGetImage, in an accepted media type only', async () => {
    const got = await cloud.client.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [{ imageTag: 'v1' }, { imageDigest: firstDigest }, { imageTag: 'nope' }],
        acceptedMediaTypes: [DOCKER_V2, OCI_MANIFEST],
      }),
    );
    expect(got.images).toHaveLength(2);
    const [byTag, byDigest] = got.images!;
    expect(byTag).toMatchObject({
      registryId: '000000000000',
      repositoryName: name,
      imageId: { imageDigest: firstDigest, imageTag: 'v1' },
      imageManifestMediaType: DOCKER_V2,
    });
    expect(byDigest!.imageId).toEqual({ imageDigest: firstDigest });
    // The manifest text is the registry's exact bytes: its hash is the digest.
    const hash = `sha256:${createHash('sha256').update(byTag!.imageManifest!).digest('hex')}`;
    expect(hash).toBe(firstDigest);
    expect(JSON.parse(byTag!.imageManifest!).mediaType).toBe(DOCKER_V2);
    expect(got.failures).toEqual([
      {
        imageId: { imageTag: 'nope' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);

    const ociOnly = await cloud.client.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: [OCI_MANIFEST],
      }),
    );
    expect(ociOnly.images).toEqual([]);
    expect(ociOnly.failures?.map((f) => f.failureCode)).toEqual(['ImageNotFound']);

    const mismatch = await cloud.client.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [
          { imageTag: 'v1', imageDigest: `sha256:${'0'.repeat(64)}` },
          { imageDigest: 'not-a-digest' },
          {},
        ],
      }),
    );
    expect(mismatch.failures?.map((f) => f.failureCode)).toEqual([
      'ImageTagDoesNotMatchDigest',
      'InvalidImageDigest',
      'MissingDigestAndTag',
    ]);
  });

  it('sees a second tag of the same image', async () => {
    const second = await tagLocally(first, name, 'v2');
    expect(await push(second)).toBe(firstDigest);
    const { imageDetails } = await cloud.client.send(
      new DescribeImagesCommand({ repositoryName: name }),
    );
    expect(imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
      [firstDigest, ['v1', 'v2']],
    ]);
    const listed = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(listed.imageIds).toEqual([
      { imageDigest: firstDigest, imageTag: 'v1' },
      { imageDigest: firstDigest, imageTag: 'v2' },
    ]);
    const selected = await cloud.client.send(
      new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'v2' }] }),
    );
    expect(selected.imageDetails?.map((d) => d.imageDigest)).toEqual([firstDigest]);
    const unknown = await rejection(
      cloud.client.send(
        new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'v9' }] }),
      ),
    );
    expect(unknown.name).toBe('ImageNotFoundException');
  });

  it('lists an image whose tags all moved away as untagged', async () => {
    const newerDigest = await push(await buildImage(name, 'v2', `second ${run}`));
    expect(newerDigest).not.toBe(firstDigest);
    const both = await cloud.client.send(new DescribeImagesCommand({ repositoryName: name }));
    expect(Object.fromEntries(both.imageDetails!.map((d) => [d.imageDigest, d.imageTags]))).toEqual(
      { [firstDigest]: ['v1'], [newerDigest]: ['v2'] },
    );

    const newestDigest = await push(await buildImage(name, 'v1', `third ${run}`));
    const untagged = await cloud.client.send(
      new ListImagesCommand({ repositoryName: name, filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageIds).toEqual([{ imageDigest: firstDigest }]);
    const tagged = await cloud.client.send(
      new ListImagesCommand({ repositoryName: name, filter: { tagStatus: 'TAGGED' } }),
    );
    expect(tagged.imageIds).toEqual(
      [
        { imageDigest: newestDigest, imageTag: 'v1' },
        { imageDigest: newerDigest, imageTag: 'v2' },
      ].sort((a, b) => (a.imageDigest < b.imageDigest ? -1 : 1)),
    );
    const described = await cloud.client.send(
      new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageDigest: firstDigest }] }),
    );
    expect(described.imageDetails?.[0]?.imageDigest).toBe(firstDigest);
    expect(described.imageDetails?.[0]?.imageTags).toBeUndefined();

    const byDigest = await cloud.client.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: firstDigest }],
      }),
    );
    expect(byDigest.imageIds).toEqual([{ imageDigest: firstDigest }]);

    // v1 removed by tag: its image had no other tag, so the image goes.
    const deleted = await cloud.client.send(
      new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(deleted.imageIds).toEqual([{ imageDigest: newestDigest, imageTag: 'v1' }]);
    expect(deleted.failures).toEqual([]);
    expect(await registryTags(name)).toEqual(['v2']);
    const left = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(left.imageIds).toEqual([{ imageDigest: newerDigest, imageTag: 'v2' }]);
  });

  it('removes one tag of several, keeping the image, then the image by digest', async () => {
    const latest = await tagLocally(`${registry.host}/${name}:v2`, name, 'latest');
    const digest = await push(latest);
    const untag = await cloud.client.send(
      new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'latest' }] }),
    );
    expect(untag.imageIds).toEqual([{ imageDigest: digest, imageTag: 'latest' }]);
    expect(await registryTags(name)).toEqual(['v2']);
    const kept = await cloud.client.send(new DescribeImagesCommand({ repositoryName: name }));
    expect(kept.imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([[digest, ['v2']]]);

    await push(latest);
    expect(await registryTags(name)).toEqual(['latest', 'v2']);
    const gone = await cloud.client.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: digest }, { imageTag: 'never-pushed' }],
      }),
    );
    expect(gone.imageIds).toEqual([
      { imageDigest: digest, imageTag: 'latest' },
      { imageDigest: digest, imageTag: 'v2' },
    ]);
    expect(gone.failures).toEqual([
      {
        imageId: { imageTag: 'never-pushed' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);
    expect(await registryTags(name)).toEqual([]);
    const none = await cloud.client.send(new DescribeImagesCommand({ repositoryName: name }));
    expect(none.imageDetails).toEqual([]);
  });

  it('deletes a repository with images only when forced, and its images with it', async () => {
    const again = await buildImage(name, 'v3', `third ${run}`);
    const digest = await push(again);
    expect(
      await rejection(cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }))),
    ).toEqual({
      name: 'RepositoryNotEmptyException',
      message: `The repository with name '${name}' in registry with id '000000000000' cannot be deleted because it still contains images`,
    });
    const deleted = await cloud.client.send(
      new DeleteRepositoryCommand({ repositoryName: name, force: true }),
    );
    expect(deleted.repository?.repositoryName).toBe(name);
    expect(
      (
        await rejection(
          cloud.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
        )
      ).name,
    ).toBe('RepositoryNotFoundException');
    expect(await registryTags(name)).toBe('unknown');
    const manifest = await fetch(`${registry.url}/v2/${name}/manifests/${digest}`, {
      method: 'HEAD',
      headers: { accept: DOCKER_V2, ...registryAuth() },
    });
    expect(manifest.status).toBe(404);

    // A new repository of that name starts empty.
    await cloud.client.send(new CreateRepositoryCommand({ repositoryName: name }));
    const fresh = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(fresh.imageIds).toEqual([]);
    await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name }));
  });
});

describe('resilience', () => {
  it('keeps answering when the registry is killed: the supervisor restarts it', async () => {
    const name = `killed-${run}`;
    await cloud.client.send(new CreateRepositoryCommand({ repositoryName: name }));
    const digest = await push(await buildImage(name, 'v1', `killed ${run}`));
    const pid = registry.pid!;
    const restarts = registry.restarts;
    process.kill(pid, 'SIGKILL');

    const listed = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(listed.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);
    // The call may get through a moment before the supervisor has counted the restart.
    await eventually(() => registry.restarts === restarts + 1, 'the restart is counted');
    expect(registry.pid).not.toBe(pid);
    await cloud.client.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }));
  });

  it('keeps repository metadata across a restart of the service on the same data dir', async () => {
    const name = `durable-${run}`;
    const { repository } = await cloud.client.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        tags: [{ Key: 'k', Value: 'v' }],
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
      }),
    );
    const digest = await push(await buildImage(name, 'v1', `durable ${run}`));
    const before = await cloud.client.send(new DescribeRepositoriesCommand({}));

    await cloud.close();
    cloud = await startCloud();

    const after = await cloud.client.send(new DescribeRepositoriesCommand({}));
    expect(after.repositories).toEqual(before.repositories);
    expect(after.repositories).toContainEqual(repository);
    const tags = await cloud.client.send(
      new ListTagsForResourceCommand({ resourceArn: repository!.repositoryArn }),
    );
    expect(tags.tags).toEqual([{ Key: 'k', Value: 'v' }]);
    const images = await cloud.client.send(new ListImagesCommand({ repositoryName: name }));
    expect(images.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);

    // Kept in the shared Store's file for the collection, no temp files left beside it.
    const file = path.join(dataDir, 'ecr-repositories.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      entries: [string, { name: string; scanOnPush: boolean }][];
    };
    expect(stored.entries.find(([key]) => key === name)?.[1]).toMatchObject({
      name,
      scanOnPush: true,
    });
    expect(readdirSync(dataDir).filter((entry) => entry.includes('.tmp'))).toEqual([]);
  });
});
