// The invoke and delete workflows against the real engine and a local cloud: invoke returns a
// function's answer or its error with the whole log, from the deployed function or a local
// container (one running reused, else one started with the entry's settings and stopped);
// delete looks parts up without removing them, removes them downstream first, is quiet about
// one already gone, and takes a remote image's emptied repository with it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEcrRepo } from '../../../src/core/ecr/ecr-repos.js';
import { getAllRemoteImages } from '../../../src/core/ecr/remote-images.js';
import { runImageLocally, stopContainer } from '../../../src/core/images/containers.js';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import { InvocationError } from '../../../src/core/lambda/invocation-error.js';
import {
  deleteLambdaFunction,
  getLambdaFunction,
} from '../../../src/core/lambda/lambda-functions.js';
import { readProject } from '../../../src/core/project/project.js';
import {
  deleteEntry,
  deleteEntryParts,
  findEntryParts,
  partsOf,
} from '../../../src/core/workflows/delete.js';
import { deployEntry } from '../../../src/core/workflows/deploy.js';
import { projectEntry } from '../../../src/core/workflows/entry.js';
import { invokeEntry, localContainersOf } from '../../../src/core/workflows/invoke.js';
import { containerExists, removeImagesNamed, uniqueName } from '../../support/images.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const invoked = uniqueName('invoked');
const deleted = uniqueName('deleted');
const GREETER = [
  'export const handler = async (event: { name?: string; fail?: boolean }) => {',
  "  if (event.fail) throw new TypeError('asked to fail');",
  "  const greeting = process.env.GREETING ?? 'Hello';",
  "  return { message: greeting + ', ' + (event.name ?? 'world') + '!' };",
  '};',
  '',
].join('\n');

let test: TestTarget;
let dir: string;

beforeAll(async () => {
  test = await startTestTarget();
  dir = writeTree(makeTempDir(), {
    [`${invoked}/handler.ts`]: GREETER,
    [`${deleted}/handler.ts`]: GREETER,
    'lambdash.json': {
      responders: [
        { name: invoked, source: `${invoked}/handler.ts`, environment: { GREETING: 'Hi' } },
        { name: deleted, source: `${deleted}/handler.ts` },
      ],
    },
  });
}, 180_000);

afterAll(async () => {
  await test?.stop();
  await removeFunctionContainers(invoked, deleted);
  await removeImagesNamed(invoked, deleted);
  removeTempDirs();
}, 120_000);

const project = () => readProject(path.join(dir, 'lambdash.json'));

/** Builds, pushes and deploys the project's entry of that name (no function test). */
async function deploy(name: string): Promise<void> {
  const current = await project();
  const spec = current.responders.find((responder) => responder.name === name)!;
  await deployEntry(projectEntry(current, spec), { target: test.target, test: false });
}

describe('invokeEntry', { timeout: 180_000 }, () => {
  it('returns the answer, or the function error, with the whole log, deployed or local', async () => {
    await deploy(invoked);

    const answer = await invokeEntry(invoked, { name: 'Ada' }, { target: test.target });
    expect(answer).toMatchObject({
      name: invoked,
      invoked: 'function',
      result: { message: 'Hi, Ada!' },
      error: undefined,
    });
    expect(answer.log.requestId).toBe(answer.requestId);
    expect(answer.log.lines[0]).toBe(`START RequestId: ${answer.requestId} Version: $LATEST`);
    expect(answer.log.report).toBeDefined();

    // A function error is an outcome too: its error, its payload and its log.
    const failed = await invokeEntry(invoked, { fail: true }, { target: test.target });
    expect(failed.error).toBeInstanceOf(InvocationError);
    expect(failed.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'asked to fail' });
    expect(failed.result).toMatchObject({ errorType: 'TypeError', errorMessage: 'asked to fail' });
    expect(failed.log.lines.some((line) => line.startsWith('REPORT RequestId: '))).toBe(true);

    // An invocation that cannot be made throws.
    await expect(invokeEntry(`${invoked}-none`, {}, { target: test.target })).rejects.toMatchObject(
      { code: 'FUNCTION_NOT_FOUND' },
    );

    // Locally: a container started with the entry's settings, stopped after the invocation.
    const image = await getLocalImage(invoked);
    const local = await invokeEntry(invoked, { name: 'Box' }, { container: true, project });
    expect(local).toMatchObject({
      invoked: 'container',
      result: { message: 'Hi, Box!' },
      error: undefined,
    });
    expect(local.log.requestId).toBe(local.requestId);
    expect(await localContainersOf(image)).toEqual([]);

    // One that runs already is used as it is (its settings, not the entry's) and left running.
    const running = await runImageLocally(image, { ownedByProcess: true });
    try {
      const warm = await invokeEntry(invoked, { name: 'Warm' }, { container: true, project });
      expect(warm).toMatchObject({ name: running.name, result: { message: 'Hello, Warm!' } });
      expect((await localContainersOf(image)).map((container) => container.id)).toEqual([
        running.id,
      ]);
    } finally {
      await stopContainer(running);
    }
  });
});

describe('findEntryParts and deleteEntry', { timeout: 180_000 }, () => {
  it('look parts up, then remove them downstream first; one already gone is quiet', async () => {
    await deploy(deleted);
    const aws = { target: test.target };
    const image = await getLocalImage(deleted);
    const container = await runImageLocally(image, { ownedByProcess: true });

    // Looking up removes nothing.
    const all = ['entry', 'image', 'container', 'remote', 'function'] as const;
    const { found, missing } = await findEntryParts(deleted, all, {
      ...aws,
      project: await project(),
    });
    expect(found.map((part) => part.label)).toEqual([
      `function ${deleted}`,
      `ECR repository ${deleted} with its images`,
      `container ${container.name} (${container.id.slice(0, 12)})`,
      `local image ${deleted}:latest (${image.id.slice(7, 19)})`,
      `the entry ${deleted} in ${path.join(dir, 'lambdash.json')}`,
    ]);
    expect(missing).toEqual([]);
    expect((await getLambdaFunction(deleted, aws)).name).toBe(deleted);

    // The function goes behind the workflow's back: removing it again is quiet.
    await deleteLambdaFunction(deleted, aws);
    const told: string[] = [];
    const functionPart = found.filter((part) => part.kind === 'function');
    await deleteEntryParts(functionPart, { ...aws, onDeleted: (part) => told.push(part.kind) });
    expect(told).toEqual(['function']);

    // The app's remote image: its repository goes too once nothing is left in it.
    const repos = [await getEcrRepo(deleted, aws)];
    const [remoteImage] = await getAllRemoteImages({ ...aws, repos });
    await deleteEntryParts(partsOf({ remoteImage }), aws);
    await expect(getEcrRepo(deleted, aws)).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });

    const result = await deleteEntry(deleted, all, { ...aws, project: await project() });
    expect(result.removed.map((part) => part.kind)).toEqual(['container', 'image', 'entry']);
    expect(result.missing).toEqual(['function', 'remote']);
    expect(await containerExists(container.id)).toBe(false);
    await expect(getLocalImage(deleted)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    expect((await project()).responders.map((responder) => responder.name)).toEqual([invoked]);

    const none = await deleteEntry(deleted, all, { ...aws, project: await project() });
    expect(none).toEqual({
      name: deleted,
      removed: [],
      missing: ['function', 'remote', 'container', 'image', 'entry'],
    });
  });
});
