// User labels given once, to the local image, follow it everywhere Jot's do: to its ECR
// repository, its remote image and its function, whether the function comes from the component
// chain or from createLambdaFunction given the remote image (or its repository and tag); and
// getUserLabels answers for all four. Through the real Docker engine, registry and local cloud.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Through the public entry, as a library user calls it.
import {
  createLambdaComponents,
  createLambdaFunction,
  deleteComponents,
  deleteLambdaFunction,
  getEcrRepo,
  getLambdaFunction,
  getRemoteImage,
  getUserLabels,
  LABELS,
  type LambdaComponents,
  withLambdaFunction,
  withRemoteImage,
} from '../../../src/core/index.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const suffix = randomBytes(3).toString('hex');
const name = `labels-${suffix}`;
const fromImage = `${name}-from-image`;
const fromTag = `${name}-from-tag`;
let cloud: TestTarget;
let dir: string;
let file: string;
const made: LambdaComponents[] = [];

beforeAll(async () => {
  cloud = await startTestTarget();
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-labels-'));
  file = path.join(dir, 'labelled.ts');
  writeFileSync(file, 'export const handler = async () => ({ ok: true });\n');
}, 60_000);

afterAll(async () => {
  const quiet = { target: cloud.target };
  for (const fn of [fromImage, fromTag]) {
    await deleteLambdaFunction(fn, quiet).catch(() => undefined);
    await removeFunctionContainers(fn);
  }
  await removeFunctionContainers(name);
  for (const parts of made.reverse()) {
    await deleteComponents(parts, quiet).catch(() => undefined);
  }
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('user labels', () => {
  let deployed: LambdaComponents;

  it('follow createLambdaComponents → withRemoteImage → withLambdaFunction to every part', async () => {
    const built = await createLambdaComponents(file, { name, userLabels: { team: 'comp' } });
    made.push(built);
    const pushed = await withRemoteImage(built, { target: cloud.target });
    made.push(pushed);
    deployed = await withLambdaFunction(pushed, { target: cloud.target, name });
    made.push(deployed);
    const options = { target: cloud.target };
    const repo = await getEcrRepo(name, options);
    const remote = await getRemoteImage(deployed.localImage, options);
    const fn = await getLambdaFunction(name, options);

    for (const tags of [repo.tags, remote.labels, fn.tags, deployed.lambdaFunction!.tags]) {
      expect(tags).toMatchObject({ team: 'comp', [LABELS.generated]: 'true' });
    }
    // getUserLabels answers for all four, with the user's labels only.
    for (const part of [deployed.localImage, repo, remote, deployed.remoteImage!, fn]) {
      expect(getUserLabels(part)).toEqual({ team: 'comp' });
    }
  }, 300_000);

  it("carry the image's labels into createLambdaFunction(remoteImage), beneath those given", async () => {
    const fn = await createLambdaFunction(deployed.remoteImage!, {
      target: cloud.target,
      name: fromImage,
      userLabels: { owner: 'ada' },
    });
    expect(getUserLabels(fn)).toEqual({ team: 'comp', owner: 'ada' });
    expect(getUserLabels(await getLambdaFunction(fromImage, { target: cloud.target }))).toEqual({
      team: 'comp',
      owner: 'ada',
    });
  }, 180_000);

  it('carry them from a repository and tag too, a label given now winning', async () => {
    const fn = await createLambdaFunction(
      { repo: name, tag: 'latest' },
      { target: cloud.target, name: fromTag, userLabels: { team: 'other' } },
    );
    expect(getUserLabels(fn)).toEqual({ team: 'other' });
  }, 180_000);
});
