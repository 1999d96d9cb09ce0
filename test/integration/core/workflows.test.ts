// The workflows against the real engine and a local cloud: deploy builds only when the source
// changed (else it reuses the image of the current source) and the function answers the new
// code; deployEach runs every entry and reports each, a refused one first and untouched, and a
// function whose handler cannot load fails its health check.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../../src/core/common/labels.js';
import { getAllLocalImages, getLocalImage } from '../../../src/core/images/local-image-queries.js';
import { invokeFunction } from '../../../src/core/lambda/invoke.js';
import { getLambdaFunction } from '../../../src/core/lambda/lambda-functions.js';
import { readProject } from '../../../src/core/project/project.js';
import { deployEach, deployEntry } from '../../../src/core/workflows/deploy.js';
import type { EachOutcome } from '../../../src/core/workflows/each.js';
import { projectEntry } from '../../../src/core/workflows/entry.js';
import type { WorkflowStage } from '../../../src/core/workflows/stage.js';
import { removeImagesNamed, uniqueName } from '../../support/images.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const greeter = uniqueName('greeter');
const broken = uniqueName('broken');
const refused = uniqueName('refused');
const GREETER = (word: string) =>
  `export const handler = async (event: { name?: string }) => ({ message: \`${word}, \${event.name ?? 'world'}!\` });\n`;

let test: TestTarget;
let dir: string;

beforeAll(async () => {
  test = await startTestTarget();
  dir = writeTree(makeTempDir(), {
    [`${greeter}/handler.ts`]: GREETER('Hello'),
    // As a package bundled without its native binary: the module throws when it is loaded.
    [`${broken}/handler.mjs`]:
      "if (!process.env.NEVER_SET) throw new Error('cannot load: the native binary is missing');\nexport const handler = async () => ({ ok: true });\n",
    [`${refused}/handler.ts`]: GREETER('Hello'),
    'lambdash.json': {
      responders: [
        {
          name: greeter,
          source: `${greeter}/handler.ts`,
          testData: { payload: { name: 'Ada' }, expected: { message: 'Hello, Ada!' } },
        },
        { name: broken, source: `${broken}/handler.mjs` },
        // Lambda sets AWS_REGION itself: a deployment of this is refused before anything.
        { name: refused, source: `${refused}/handler.ts`, environment: { AWS_REGION: 'x' } },
      ],
    },
  });
}, 180_000);

afterAll(async () => {
  await test?.stop();
  await removeFunctionContainers(greeter, broken, refused);
  await removeImagesNamed(greeter, broken, refused);
  removeTempDirs();
}, 120_000);

/** The project's entry of that name, as the file says now. */
async function entry(name: string) {
  const project = await readProject(path.join(dir, 'lambdash.json'));
  return projectEntry(project, project.responders.find((r) => r.name === name)!);
}

function stageRecorder() {
  const stages: string[] = [];
  const onStage = (stage: WorkflowStage) =>
    stages.push(stage.step === 'test' ? `test ${stage.tested}` : stage.step);
  return { stages, onStage };
}

describe('deployEntry', { timeout: 180_000 }, () => {
  it('builds when the source changed, reuses the image when not, and deploys what it says', async () => {
    const first = stageRecorder();
    const created = await deployEntry(await entry(greeter), {
      target: test.target,
      onStage: first.onStage,
    });
    expect(created).toMatchObject({
      name: greeter,
      localImage: { builtNow: true },
      functionChange: 'created',
      test: { tested: 'function', kind: 'test data', passed: true },
    });
    expect(first.stages).toEqual(['build', 'push', 'function', 'test function']);

    // Unchanged: the same image, tested again here, then pushed and the function updated.
    const again = stageRecorder();
    const reused = await deployEntry(await entry(greeter), {
      target: test.target,
      onStage: again.onStage,
    });
    expect(reused.localImage).toEqual({ ...created.localImage, builtNow: false });
    expect(reused.functionChange).toBe('updated');
    expect(again.stages).toEqual([
      'reuse',
      'test local image',
      'push',
      'function',
      'test function',
    ]);

    // Changed: built again, and the function answers the new code.
    writeFileSync(path.join(dir, greeter, 'handler.ts'), GREETER('Hi'));
    const file = path.join(dir, 'lambdash.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello, Ada!', 'Hi, Ada!'));
    const updated = await deployEntry(await entry(greeter), { target: test.target });
    expect(updated.localImage.builtNow).toBe(true);
    expect(updated.localImage.id).not.toBe(created.localImage.id);
    expect(updated.localImage.sourceHash).not.toBe(created.localImage.sourceHash);
    expect((await getLocalImage(greeter)).id).toBe(updated.localImage.id);
    expect(updated.functionChange).toBe('updated');
    expect(await invokeFunction({ name: 'Sdk' }, greeter, { target: test.target })).toEqual({
      message: 'Hi, Sdk!',
    });
  });
});

describe('deployEach', { timeout: 180_000 }, () => {
  it('deploys every entry and reports each: a refusal first, untouched; a handler that cannot load fails', async () => {
    const told: string[] = [];
    const outcomes = await deployEach(
      [await entry(greeter), await entry(broken), await entry(refused)],
      {
        target: test.target,
        onOutcome: (outcome: EachOutcome<unknown>) => told.push(outcome.name),
      },
    );
    // The refusal is known before anything is built; the others end in their order.
    expect(told).toEqual([refused, greeter, broken]);
    const [ok, failed, refusal] = outcomes;
    expect(ok).toMatchObject({ name: greeter, ok: true, test: { passed: true } });
    // Deployed, but its health check ({} sent) met the init error its module throws.
    expect(failed).toMatchObject({
      name: broken,
      ok: false,
      error: { code: 'TEST_FAILED' },
      functionChange: 'created',
      test: {
        kind: 'health',
        passed: false,
        functionError: 'Unhandled',
      },
    });
    expect(refusal).toMatchObject({
      name: refused,
      ok: false,
      error: { code: 'INVALID_OPTION' },
    });
    expect(Object.keys(refusal!).sort()).toEqual(['error', 'name', 'ok']);
    const images = await getAllLocalImages();
    expect(images.filter((image) => image.labels[LABELS.name] === refused)).toEqual([]);
    const missing = await getLambdaFunction(refused, { target: test.target }).catch(
      (error: { code?: string }) => error.code,
    );
    expect(missing).toBe('FUNCTION_NOT_FOUND');
  });
});
