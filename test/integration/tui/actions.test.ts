// The app's actions on the real engine and a local cloud: `c` on a row whose source changed
// deploys the new code (the function answers it), and the toast says which code it deployed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { invokeFunction } from '../../../src/core/lambda/invoke.js';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import { readProject } from '../../../src/core/project/project.js';
import { createActions } from '../../../src/tui/actions.js';
import { removeImagesNamed, uniqueName } from '../../support/images.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const name = uniqueName('app');
const GREETER = (word: string) =>
  `export const handler = async (event: { name?: string }) => ({ message: \`${word}, \${event.name ?? 'world'}!\` });\n`;

let test: TestTarget;
let dir: string;

beforeAll(async () => {
  test = await startTestTarget();
  dir = writeTree(makeTempDir(), {
    [`${name}/handler.ts`]: GREETER('Hello'),
    'lambdash.json': {
      responders: [
        {
          name,
          source: `${name}/handler.ts`,
          testData: { payload: { name: 'Ada' }, expected: { message: 'Hello, Ada!' } },
        },
      ],
    },
  });
}, 180_000);

afterAll(async () => {
  await test?.stop();
  await removeFunctionContainers(name);
  await removeImagesNamed(name);
  removeTempDirs();
}, 120_000);

function actions() {
  return createActions({
    target: () => test.target,
    project: () => readProject(path.join(dir, 'lambdash.json')),
    projectDir: dir,
    projectChanged: () => undefined,
  });
}

/** The row the table shows for the responder: its source, and the image built last. */
function rowOf(image: LocalImage | undefined): LineageRow {
  return {
    key: `responder:${name}`,
    responder: {
      name,
      source: path.join(dir, name, 'handler.ts'),
      handler: 'handler',
      hash: image?.responder?.hash,
      state: 'current',
    },
    localImage: image,
    remoteImage: undefined,
    repo: undefined,
    lambdaFunction: undefined,
  };
}

describe('the app deploys what the row shows', { timeout: 180_000 }, () => {
  it('deploys the changed source, not the image built before it', async () => {
    const app = actions();
    expect(await app.build(rowOf(undefined), {})).toMatch(
      new RegExp(`^Built ${name}:latest \\([0-9a-f]+, \\d+MB\\), tested\\.$`),
    );
    const built = await getLocalImage(name);
    const created = await app.deploy(rowOf(built), {});
    expect(created).toBe(
      `Deployed ${name}: function created with image ${built.id.slice(7, 19)}, already built from this source; test passed.`,
    );
    expect(await invokeFunction({ name: 'Bo' }, name, { target: test.target })).toEqual({
      message: 'Hello, Bo!',
    });

    // The source changes; the row still shows the image built before.
    writeFileSync(path.join(dir, name, 'handler.ts'), GREETER('Hi'));
    const file = path.join(dir, 'lambdash.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello, Ada!', 'Hi, Ada!'));
    const updated = await app.deploy(rowOf(built), {});
    const rebuilt = await getLocalImage(name);
    expect(rebuilt.id).not.toBe(built.id);
    expect(updated).toBe(
      `Deployed ${name}: function updated with image ${rebuilt.id.slice(7, 19)}, built now from the changed source; test passed.`,
    );
    expect(await invokeFunction({ name: 'Bo' }, name, { target: test.target })).toEqual({
      message: 'Hi, Bo!',
    });
  });
});
