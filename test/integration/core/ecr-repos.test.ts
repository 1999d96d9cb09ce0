// ECR repositories through src/core against a local cloud of this file's own, read back with
// the SDK's own calls where it matters. Images in them are tiny (FROM scratch, one file).
import { ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsErrorName } from '../../../src/core/aws/aws-errors.js';
import {
  createEcrRepo,
  deleteEcrRepo,
  getAllEcrRepos,
  getEcrRepo,
} from '../../../src/core/ecr/ecr-repos.js';
import { pushToEcr } from '../../../src/core/ecr/push.js';
import { getAllRemoteImages } from '../../../src/core/ecr/remote-images.js';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import { buildTestImage } from '../../support/docker.js';
import { failure, recorder, removeImagesNamed, uniqueName } from '../../support/images.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

let cloud: TestTarget;
const images: string[] = [];

beforeAll(async () => {
  cloud = await startTestTarget();
});

afterAll(async () => {
  await cloud?.stop();
  await removeImagesNamed(...images);
});

/** A one-file image named `name:v1`, removed afterwards. */
async function tinyImage(name: string, text = name) {
  images.push(name);
  await buildTestImage(`${name}:v1`, 'FROM scratch\nCOPY a.txt /a.txt\n', { 'a.txt': text });
  return getLocalImage(`${name}:v1`);
}

const awsCalls = (events: ReturnType<typeof recorder>['events']) =>
  events.flatMap((e) => (e.type === 'aws.call' ? [`${e.service} ${e.operation}`] : []));

describe('createEcrRepo and getEcrRepo', () => {
  it('creates a repository with lineage tags, user labels and scan on push, read back as ECR has it', async () => {
    const name = uniqueName('repo');
    const lineageTags = {
      'dev.lambdash.generated': 'true',
      'dev.lambdash.name': name,
      'dev.lambdash.hash': 'a'.repeat(64),
    };
    const before = Date.now();
    const created = await createEcrRepo(name, {
      target: cloud.target,
      scanOnPush: true,
      userLabels: { team: 'orders' },
      lineageTags,
    });
    const expected = {
      name,
      uri: `${cloud.cloud.services.registryHost}/${name}`,
      arn: `arn:aws:ecr:us-east-1:000000000000:repository/${name}`,
      registryId: '000000000000',
      created: created.created,
      scanOnPush: true,
      tagMutability: 'MUTABLE',
      tags: { team: 'orders', ...lineageTags },
    };
    expect(created).toEqual(expected);
    // ECR's date, read as a Date: made between the call and its answer.
    expect(created.created.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(created.created.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await getEcrRepo(name, { target: cloud.target })).toEqual(expected);
    const raw = await cloud.target.clients.ecr.send(
      new ListTagsForResourceCommand({ resourceArn: expected.arn }),
    );
    expect(Object.fromEntries((raw.tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(
      expected.tags,
    );
  });

  it('returns an existing repository with its lineage tags updated, the user’s other tags and settings kept', async () => {
    const name = uniqueName('repo-again');
    const target = cloud.target;
    await createEcrRepo(name, {
      target,
      userLabels: { owner: 'ada' },
      lineageTags: { 'dev.lambdash.hash': 'old' },
    });
    const { events, onEvent } = recorder();
    const again = await createEcrRepo(name, {
      target,
      onEvent,
      lineageTags: { 'dev.lambdash.hash': 'new', 'dev.lambdash.generated': 'true' },
    });
    expect(again.tags).toEqual({
      owner: 'ada',
      'dev.lambdash.hash': 'new',
      'dev.lambdash.generated': 'true',
    });
    expect(again.scanOnPush).toBe(false);
    // Found, read, tagged: no CreateRepository, no scanning change (not asked for).
    expect(awsCalls(events)).toEqual([
      'ECR DescribeRepositories',
      'ECR ListTagsForResource',
      'ECR TagResource',
    ]);
    expect((await getEcrRepo(name, { target })).tags).toEqual(again.tags);

    const scanned = await createEcrRepo(name, { target, scanOnPush: true });
    expect(scanned.scanOnPush).toBe(true);
    expect((await getEcrRepo(name, { target })).scanOnPush).toBe(true);
  });

  it('drops lineage tags the new lineage no longer has, and keeps the lineage when given none', async () => {
    const name = uniqueName('repo-lineage');
    const target = cloud.target;
    await createEcrRepo(name, {
      target,
      userLabels: { owner: 'ada' },
      lineageTags: {
        'dev.lambdash.generated': 'true',
        'dev.lambdash.hash': 'old',
        'dev.lambdash.options': '{"minify":true}',
      },
    });
    const { events, onEvent } = recorder();
    const again = await createEcrRepo(name, {
      target,
      onEvent,
      lineageTags: { 'dev.lambdash.hash': 'new' },
    });
    // The newest image's lineage: the old options would describe it wrongly. lambdash's mark
    // says who made the repository, and stays.
    const lineage = { owner: 'ada', 'dev.lambdash.generated': 'true', 'dev.lambdash.hash': 'new' };
    expect(again.tags).toEqual(lineage);
    expect(awsCalls(events)).toEqual([
      'ECR DescribeRepositories',
      'ECR ListTagsForResource',
      'ECR TagResource',
      'ECR UntagResource',
    ]);
    expect((await getEcrRepo(name, { target })).tags).toEqual(lineage);
    const rescanned = await createEcrRepo(name, { target, scanOnPush: true });
    expect(rescanned.tags).toEqual(lineage);
    expect((await getEcrRepo(name, { target })).tags).toEqual(lineage);
  });

  it('finds the repository a local image goes to by the image’s name', async () => {
    const name = uniqueName('repo-of-image');
    const image = await tinyImage(name);
    await createEcrRepo(name, { target: cloud.target });
    expect((await getEcrRepo(image, { target: cloud.target })).name).toBe(name);
    // Named by its registry tag after a push (`<registry>/<name>`): the same repository.
    const remote = await pushToEcr(image, { target: cloud.target });
    const byRegistryTag = await getLocalImage(`${remote.repoUri}:v1`);
    expect(byRegistryTag.name).toBe(remote.repoUri);
    expect((await getEcrRepo(byRegistryTag, { target: cloud.target })).name).toBe(name);
  });

  it('says REPO_NOT_FOUND for a repository that does not exist, with what to do', async () => {
    const error = await failure(getEcrRepo(uniqueName('missing'), { target: cloud.target }));
    expect(error.code).toBe('REPO_NOT_FOUND');
    expect(error.message).toMatch(/^There is no ECR repository test-missing-[0-9a-f]{8}\.$/);
    expect(error.hint).toContain('pushToEcr');
  });

  it('refuses names and tags ECR would refuse before any call', async () => {
    const { events, onEvent } = recorder();
    const options = { target: cloud.target, onEvent };
    expect((await failure(createEcrRepo('Orders API', options))).code).toBe('INVALID_NAME');
    expect((await failure(getEcrRepo('UPPER', options))).code).toBe('INVALID_NAME');
    expect((await failure(deleteEcrRepo('x', options))).code).toBe('INVALID_NAME');
    const long = await failure(
      createEcrRepo(uniqueName('long'), { ...options, userLabels: { note: 'n'.repeat(257) } }),
    );
    expect(long.code).toBe('INVALID_LABEL');
    const ours = await failure(
      createEcrRepo(uniqueName('ours'), {
        ...options,
        userLabels: { 'dev.lambdash.generated': 'true' },
      }),
    );
    expect(ours.code).toBe('INVALID_LABEL');
    expect(events).toEqual([]);
  });
});

describe('getAllEcrRepos', () => {
  it('lists every repository with its tags with generatedOnly: false, by default only lambdash’s (as Jot)', async () => {
    const ours = uniqueName('listed-ours');
    const theirs = uniqueName('listed-theirs');
    const target = cloud.target;
    await createEcrRepo(ours, { target, lineageTags: { 'dev.lambdash.generated': 'true' } });
    await createEcrRepo(theirs, { target, userLabels: { team: 'x' } });

    const { events, onEvent } = recorder();
    const all = await getAllEcrRepos({ target, generatedOnly: false, onEvent });
    const names = all.map((repo) => repo.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining([ours, theirs]));
    expect(all.find((repo) => repo.name === theirs)?.tags).toEqual({ team: 'x' });
    // One listing, then one tag read per repository (ECR has no batch tag read).
    expect(awsCalls(events)).toEqual([
      'ECR DescribeRepositories',
      ...all.map(() => 'ECR ListTagsForResource'),
    ]);

    const generated = await getAllEcrRepos({ target });
    expect(await getAllEcrRepos({ target, generatedOnly: true })).toEqual(generated);
    expect(generated.map((repo) => repo.name)).toContain(ours);
    expect(generated.map((repo) => repo.name)).not.toContain(theirs);
    expect(generated.every((repo) => repo.tags['dev.lambdash.generated'] === 'true')).toBe(true);
  });
});

describe('deleteEcrRepo', () => {
  it('refuses a repository that holds images unless forced, then deletes it with them', async () => {
    const name = uniqueName('full');
    const target = cloud.target;
    const pushed = await pushToEcr(await tinyImage(name), { target });
    const repo = await getEcrRepo(name, { target });

    const refused = await failure(deleteEcrRepo(repo, { target }));
    expect(refused.code).toBe('AWS_FAILED');
    expect(refused.message).toBe(
      `The repository ${name} still holds images, so ECR will not delete it.`,
    );
    expect(refused.hint).toContain('force');
    expect(awsErrorName(refused)).toBe('RepositoryNotEmptyException');
    expect((await getAllRemoteImages({ target, repos: [repo] })).map((i) => i.digest)).toEqual([
      pushed.digest,
    ]);

    await deleteEcrRepo(repo, { target, force: true });
    expect((await failure(getEcrRepo(name, { target }))).code).toBe('REPO_NOT_FOUND');
  });

  it('deletes an empty repository; one already gone is fine, named or as an EcrRepo', async () => {
    const name = uniqueName('empty');
    const target = cloud.target;
    const repo = await createEcrRepo(name, { target });
    await deleteEcrRepo(name, { target });
    expect((await failure(getEcrRepo(name, { target }))).code).toBe('REPO_NOT_FOUND');
    const { events, onEvent } = recorder();
    await deleteEcrRepo(repo, { target, onEvent });
    await deleteEcrRepo(name, { target, onEvent });
    await deleteEcrRepo(name, { target, force: true, onEvent });
    // Each asked ECR, which said it was gone.
    expect(awsCalls(events)).toEqual([
      'ECR DeleteRepository',
      'ECR DeleteRepository',
      'ECR DeleteRepository',
    ]);
  });
});
