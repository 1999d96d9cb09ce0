// Remote images against a local cloud of this file's own: found from the local image, a
// function's resolved image, or a name; listed across repositories; deleted by digest. The
// images are tiny (FROM scratch, one file), pushed with pushToEcr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaFunction, RemoteImage } from '../../../src/core/aws/aws-resources.js';
import { createEcrRepo, getEcrRepo } from '../../../src/core/ecr/ecr-repos.js';
import { pushToEcr } from '../../../src/core/ecr/push.js';
import {
  deleteRemoteImage,
  getAllRemoteImages,
  getRemoteImage,
} from '../../../src/core/ecr/remote-images.js';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { buildTestImage } from '../../support/docker.js';
import { failure, recorder, removeImagesNamed, uniqueName } from '../../support/images.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

let cloud: TestTarget;
const images: string[] = [];
/** lambdash's repository (tagged generated) and someone else's. */
const ours = uniqueName('remote-ours');
const theirs = uniqueName('remote-theirs');
let v1: LocalImage;
let v2: LocalImage;
let remoteV1: RemoteImage;
let remoteV2: RemoteImage;
let remoteTheirs: RemoteImage;

async function tinyImage(name: string, tag: string, text: string): Promise<LocalImage> {
  images.push(name);
  await buildTestImage(`${name}:${tag}`, 'FROM scratch\nCOPY a.txt /a.txt\n', { 'a.txt': text });
  return getLocalImage(`${name}:${tag}`);
}

beforeAll(async () => {
  cloud = await startTestTarget();
  const target = cloud.target;
  await createEcrRepo(ours, { target, lineageTags: { 'dev.lambdash.generated': 'true' } });
  v1 = await tinyImage(ours, 'v1', 'one');
  remoteV1 = await pushToEcr(v1, { target });
  v2 = await tinyImage(ours, 'v2', 'two');
  remoteV2 = await pushToEcr(v2, { target });
  remoteTheirs = await pushToEcr(await tinyImage(theirs, 'latest', 'theirs'), { target });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await removeImagesNamed(...images);
});

const awsCalls = (events: ReturnType<typeof recorder>['events']) =>
  events.flatMap((e) => (e.type === 'aws.call' ? [`${e.service} ${e.operation}`] : []));

/** A function as getLambdaFunction describes one (only its image matters here). */
function functionRunning(imageUri: string, resolvedImageUri: string | undefined): LambdaFunction {
  return {
    name: 'orders',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    state: 'Active',
    stateReason: undefined,
    lastUpdateStatus: 'Successful',
    lastUpdateStatusReason: undefined,
    imageUri,
    resolvedImageUri,
    role: 'arn:aws:iam::000000000000:role/orders',
    timeout: 3,
    memorySize: 128,
    architecture: 'x86_64',
    environment: {},
    lastModified: new Date(),
    tags: {},
  };
}

describe('getRemoteImage', () => {
  it('finds a local image’s pushed copy by the digest the engine recorded', async () => {
    const found = await getRemoteImage(v1, { target: cloud.target });
    expect(found).toEqual(remoteV1);
    expect(found.digest).not.toBe(remoteV2.digest);
    // A LocalImage read before the push still finds it: the engine is asked afresh.
    expect(v2.digests).toEqual([]);
    expect(await getRemoteImage(v2, { target: cloud.target })).toEqual(remoteV2);
  });

  it('finds an image by repo:tag, repo@digest, its full URI, and repo alone (the newest)', async () => {
    const target = cloud.target;
    expect(await getRemoteImage(`${ours}:v1`, { target })).toEqual(remoteV1);
    expect(await getRemoteImage(`${ours}@${remoteV1.digest}`, { target })).toEqual(remoteV1);
    expect(await getRemoteImage(remoteV2.uri, { target })).toEqual(remoteV2);
    expect(await getRemoteImage(`${remoteV2.repoUri}:v2`, { target })).toEqual(remoteV2);
    expect(remoteV2.pushed.getTime()).toBeGreaterThanOrEqual(remoteV1.pushed.getTime());
    expect(await getRemoteImage(ours, { target })).toEqual(remoteV2);
  });

  it('finds the image a function runs, by its resolved digest or, before Lambda resolved it, its tag', async () => {
    const target = cloud.target;
    const resolved = functionRunning(`${remoteV1.repoUri}:v1`, remoteV1.uri);
    expect(await getRemoteImage(resolved, { target })).toEqual(remoteV1);
    const pending = functionRunning(`${remoteV2.repoUri}:v2`, undefined);
    expect(await getRemoteImage(pending, { target })).toEqual(remoteV2);
  });

  it('says REMOTE_IMAGE_NOT_FOUND, with what to do, for what is not there', async () => {
    const target = cloud.target;
    const noRepo = await failure(getRemoteImage(`${uniqueName('nowhere')}:v1`, { target }));
    expect(noRepo.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(noRepo.hint).toContain('pushToEcr');
    const noTag = await failure(getRemoteImage(`${ours}:v9`, { target }));
    expect(noTag.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(noTag.message).toBe(`The repository ${ours} has no image ${ours}:v9.`);
    const elsewhere = await failure(getRemoteImage(`127.0.0.1:1/${ours}:v1`, { target }));
    expect(elsewhere.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(elsewhere.message).toBe(
      `127.0.0.1:1/${ours}:v1 is in the registry 127.0.0.1:1, not in this target's (${cloud.cloud.services.registryHost}).`,
    );
    const unpushed = await tinyImage(uniqueName('unpushed'), 'v1', 'never pushed');
    const never = await failure(getRemoteImage(unpushed, { target }));
    expect(never.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(never.message).toBe(
      `The local image ${unpushed.ref} has not been pushed to this target's ECR.`,
    );
    expect(never.hint).toBe('Push it first (lambdash push; pushToEcr).');
  });

  it('refuses names ECR would refuse before any call', async () => {
    const { events, onEvent } = recorder();
    for (const bad of ['Orders', `${ours}:-x`, `${ours}@sha256:12`, '']) {
      expect((await failure(getRemoteImage(bad, { target: cloud.target, onEvent }))).code).toBe(
        'INVALID_NAME',
      );
    }
    expect(events).toEqual([]);
  });
});

describe('getAllRemoteImages', () => {
  it('lists every repository’s images with generatedOnly: false, newest first, one DescribeImages and one tag read per repository', async () => {
    const { events, onEvent } = recorder();
    const all = await getAllRemoteImages({ target: cloud.target, generatedOnly: false, onEvent });
    expect(all.map((i) => i.digest).sort()).toEqual(
      [remoteV1.digest, remoteV2.digest, remoteTheirs.digest].sort(),
    );
    expect(all).toContainEqual(remoteV1);
    const times = all.map((i) => i.pushed.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The repositories' tags are the images' labels (ECR reads them one repository a call).
    expect(awsCalls(events)).toEqual([
      'ECR DescribeRepositories',
      'ECR ListTagsForResource',
      'ECR ListTagsForResource',
      'ECR DescribeImages',
      'ECR DescribeImages',
    ]);
  });

  it('lists only the repositories given, or by default lambdash’s (as Jot)', async () => {
    const target = cloud.target;
    const given = await getAllRemoteImages({
      target,
      repos: [await getEcrRepo(theirs, { target })],
    });
    expect(given).toEqual([remoteTheirs]);
    const generated = await getAllRemoteImages({ target });
    expect(generated.map((i) => i.repo)).toEqual([ours, ours]);
    expect(await getAllRemoteImages({ target, generatedOnly: true })).toEqual(generated);
  });
});

describe('deleteRemoteImage', () => {
  it('deletes an image by digest, every tag with it; deleting it again is fine', async () => {
    const target = cloud.target;
    const doomed = await pushToEcr(v1, { target, tag: 'doomed' });
    expect(doomed.digest).toBe(remoteV1.digest);
    expect(doomed.tags).toEqual(['doomed', 'v1']);
    const { events, onEvent } = recorder();
    await deleteRemoteImage(doomed, { target, onEvent });
    expect(awsCalls(events)).toEqual(['ECR BatchDeleteImage']);
    const error = await failure(getRemoteImage(`${ours}@${remoteV1.digest}`, { target }));
    expect(error.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect((await failure(getRemoteImage(`${ours}:doomed`, { target }))).code).toBe(
      'REMOTE_IMAGE_NOT_FOUND',
    );
    expect(
      (await getAllRemoteImages({ target, generatedOnly: false })).map((i) => i.digest),
    ).not.toContain(remoteV1.digest);
    expect(await getRemoteImage(`${ours}:v2`, { target })).toEqual(remoteV2);
    await deleteRemoteImage(doomed, { target });
  });
});

describe('getRemoteImage by its digest alone', () => {
  it('finds it in whichever repository holds it; in several, says which and how to choose', async () => {
    const target = cloud.target;
    expect(await getRemoteImage(remoteV2.digest, { target })).toEqual(remoteV2);
    expect(await getRemoteImage(remoteTheirs.digest, { target })).toEqual(remoteTheirs);
    const nowhere = `sha256:${'0'.repeat(64)}`;
    const missing = await failure(getRemoteImage(nowhere, { target }));
    expect(missing.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(missing.message).toBe(`No ECR repository holds an image ${nowhere}.`);

    // The same image pushed to a second repository: one digest, two remote images.
    const copyRepo = uniqueName('remote-copy');
    const copy = await pushToEcr(v2, { target, repo: copyRepo });
    expect(copy.digest).toBe(remoteV2.digest);
    const ambiguous = await failure(getRemoteImage(remoteV2.digest, { target }));
    expect(ambiguous.code).toBe('AMBIGUOUS_IMAGE');
    const both = [`${ours}@${copy.digest}`, `${copyRepo}@${copy.digest}`].sort();
    expect(ambiguous.message).toBe(
      `The image ${copy.digest} is in 2 repositories: ${both.join(', ')}.`,
    );
    expect(ambiguous.hint).toBe(
      `Name it with its repository, for example getRemoteImage('${both[0]}').`,
    );
    expect(await getRemoteImage(`${copyRepo}@${copy.digest}`, { target })).toEqual(copy);
  });
});
