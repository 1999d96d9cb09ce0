// The containers the app started, on the real engine: started once and reused, stopped when
// the app closes and when a rebuild replaces their image in the rows; a container someone else
// started (the CLI's) is reused and never stopped. Images are built under this file's names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import {
  type Container,
  deleteContainer,
  isContainerRunning,
  runImageLocally,
  sendLocalRequest,
} from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { createAppContainers } from '../../../src/tui/app-containers.js';
import { containerGone, removeImagesNamed, uniqueName } from '../../support/images.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const name = uniqueName('app-containers');
const other = uniqueName('app-containers-other');
/** Two builds of one responder (the second replaces the first) and another responder's. */
let first: LocalImage;
let rebuilt: LocalImage;
let theirs: LocalImage;
/** Containers a test started itself, removed afterwards whatever happened. */
const extra: Container[] = [];

async function build(image: string, answer: string, tag = 'latest'): Promise<LocalImage> {
  const root = writeTree(makeTempDir(), {
    'fn.ts': `export const handler = async () => ${JSON.stringify(answer)};\n`,
  });
  return createLocalImage(await getResponder(`${root}/fn.ts`, { name: image }), { tag });
}

beforeAll(async () => {
  await ensureBaseImage();
  // Under a tag of its own, so that the engine keeps it once the rebuild has the name.
  first = await build(name, 'first', 'first');
  rebuilt = await build(name, 'rebuilt');
  theirs = await build(other, 'theirs');
}, 180_000);
afterAll(async () => {
  await Promise.all(extra.map((container) => deleteContainer(container)));
  await removeImagesNamed(name, other);
  removeTempDirs();
});

/** A row showing this image as its newest local image. */
function rowOf(image: LocalImage): LineageRow {
  return {
    key: `responder:${image.name}`,
    responder: undefined,
    localImage: image,
    remoteImage: undefined,
    repo: undefined,
    lambdaFunction: undefined,
  };
}

describe('the containers the app started', () => {
  it('are started once, reused, and stopped when the app closes', async () => {
    const containers = createAppContainers();
    const started = await containers.runningContainerOf(first);
    extra.push(started);
    expect((await sendLocalRequest({}, { port: started.port })).body).toBe('first');
    expect((await containers.runningContainerOf(first)).id).toBe(started.id);
    expect(containers.started()).toEqual([started.id]);
    // A refresh that still shows the image leaves it running.
    await containers.retire([rowOf(first), rowOf(theirs)]);
    expect(await isContainerRunning(started)).toBe(true);

    await containers.close();
    expect(await containerGone(started.id)).toBe(true);
    expect(containers.started()).toEqual([]);
  });

  it("are stopped when a rebuild replaces their image as the row's newest", async () => {
    const containers = createAppContainers();
    const old = await containers.runningContainerOf(first);
    extra.push(old);
    await containers.retire([rowOf(rebuilt)]);
    expect(await containerGone(old.id)).toBe(true);
    expect(containers.started()).toEqual([]);
    // The next invocation gets a container of the new image.
    const fresh = await containers.runningContainerOf(rebuilt);
    extra.push(fresh);
    expect((await sendLocalRequest({}, { port: fresh.port })).body).toBe('rebuilt');
    await containers.close();
    expect(await containerGone(fresh.id)).toBe(true);
  });

  it('reuse a container someone else started, and never stop it', async () => {
    // As `lambdash run --detach` leaves one.
    const cli = await runImageLocally(theirs);
    extra.push(cli);
    const containers = createAppContainers();
    expect((await containers.runningContainerOf(theirs)).id).toBe(cli.id);
    expect(containers.started()).toEqual([]);
    await containers.retire([rowOf(first)]);
    await containers.close();
    expect(await isContainerRunning(cli)).toBe(true);
    expect((await sendLocalRequest({}, { port: cli.port })).body).toBe('theirs');
  });
});
