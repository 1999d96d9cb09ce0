// `lambdash rm`: refused without --yes and without a terminal (nothing changed), then each
// part removed, checked through the SDK and the engine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../../src/core/common/errors.js';
import { getLocalImage } from '../../../../src/core/images/local-image-queries.js';
import { errorOf, jsonOf, lambdash, projectFixture, uniqueName } from '../run-cli.js';

const name = uniqueName('rm');
const fx = projectFixture([{ name }], { deploy: [name] });

async function functionExists(): Promise<boolean> {
  try {
    await fx.cloud.target.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    return true;
  } catch {
    return false;
  }
}

async function repoExists(): Promise<boolean> {
  try {
    await fx.cloud.target.clients.ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: [name] }),
    );
    return true;
  } catch {
    return false;
  }
}

async function imageExists(): Promise<boolean> {
  try {
    await getLocalImage(name);
    return true;
  } catch (error) {
    if (isLambdashError(error, 'IMAGE_NOT_FOUND')) return false;
    throw error;
  }
}

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash rm', { timeout: 120_000 }, () => {
  it('without --yes and without a terminal, refuses (exit 2) and changes nothing', async () => {
    const result = await lambdash(['rm', name, '--all', ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: Nothing was removed: without a terminal to confirm on, rm needs --yes.\n' +
        `hint: Run it again with --yes to remove the Lambda function, the ECR repository and its images, the local image (and its containers) of ${name}.\n`,
    );
    expect(await functionExists()).toBe(true);
    expect(await repoExists()).toBe(true);
    expect(await imageExists()).toBe(true);
  });

  it('asks what to remove when given no part (exit 2)', async () => {
    const result = await lambdash(['rm', name, '--yes', ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'error: Say what to remove: --function, --remote, --image, --container, --entry, or --all.',
    );
  });

  it('removes the function alone, then the rest with --all', async () => {
    const fn = await lambdash(['rm', name, '--function', '--yes', '--json', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(fn.code).toBe(0);
    expect(jsonOf(fn)).toEqual({
      name,
      removed: [{ kind: 'function', label: `function ${name}` }],
      missing: [],
    });
    expect(await functionExists()).toBe(false);
    expect(await repoExists()).toBe(true);

    const all = await lambdash(['rm', name, '--all', '--yes', ...fx.endpoint], { cwd: fx.project });
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')).toEqual([
      `removed ECR repository ${name} with its images`,
      expect.stringMatching(new RegExp(`^removed local image ${name}:latest \\([0-9a-f]{12}\\)$`)),
      '(no function to remove)',
      '',
    ]);
    expect(await repoExists()).toBe(false);
    expect(await imageExists()).toBe(false);
  });

  it('nothing left to remove exits 3; --entry takes the responder out of lambdash.json', async () => {
    const none = await lambdash(['rm', name, '--all', '--yes', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(none.code).toBe(3);
    expect(errorOf(none)[0]).toMatch(new RegExp(`^error: There is nothing of ${name} to remove`));

    const entry = await lambdash(['rm', name, '--entry', '--yes'], { cwd: fx.project });
    expect(entry.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(fx.project, 'lambdash.json'), 'utf8'))).toEqual({
      responders: [],
    });
  });
});
