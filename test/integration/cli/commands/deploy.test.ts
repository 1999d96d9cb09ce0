// `lambdash deploy` against a local cloud: build, test, push, create the function with the
// project's settings, test it; a second deploy updates it in place with the new code, and one
// of unchanged code reuses its image; a function whose test fails exits 4; refusals change
// nothing of the responder refused, and the others are deployed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { awsErrorName } from '../../../../src/core/aws/aws-errors.js';
import { LABELS } from '../../../../src/core/common/labels.js';
import {
  getAllLocalImages,
  getLocalImage,
} from '../../../../src/core/images/local-image-queries.js';
import { errorOf, GREETER, jsonOf, lambdash, projectFixture, uniqueName } from '../run-cli.js';

const name = uniqueName('deploy');
const staged = uniqueName('staged');
// Deployed before the tests; deploys that must be refused then try to change it.
const guarded = uniqueName('guarded');
// Never deployed: refused deploys must not make any of its parts.
const fresh = uniqueName('fresh');
const fx = projectFixture(
  [
    { name, entry: { memorySize: 256, timeout: 20, labels: { team: 'cli' } } },
    // Runs with STAGE=prod as a function: its local test passes, the function's fails.
    { name: staged, entry: { environment: { STAGE: 'prod' } } },
    { name: guarded },
    { name: fresh },
  ],
  { deploy: [guarded] },
);

/** What there is of a responder's chain: its local images, its remote images, its function. */
async function chainOf(responder: string) {
  const images = (await getAllLocalImages())
    .filter((image) => image.labels[LABELS.name] === responder)
    .map((image) => `${image.id} ${image.tags.join(',')}`)
    .sort();
  const { ecr, lambda } = fx.cloud.target.clients;
  const remote = await ecr
    .send(new DescribeImagesCommand({ repositoryName: responder }))
    .then((out) => out.imageDetails?.map((d) => `${d.imageDigest} ${d.imageTags?.join(',')}`))
    .catch((error: unknown) => {
      if (awsErrorName(error) === 'RepositoryNotFoundException') return 'no repository';
      throw error;
    });
  const fn = await lambda
    .send(new GetFunctionCommand({ FunctionName: responder }))
    .then((out) => `${out.Configuration?.CodeSha256} ${out.Configuration?.LastModified}`)
    .catch((error: unknown) => {
      if (awsErrorName(error) === 'ResourceNotFoundException') return 'no function';
      throw error;
    });
  return { images, remote, fn };
}

async function invokeWithSdk(payload: unknown): Promise<unknown> {
  const answer = await fx.cloud.target.clients.lambda.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  return JSON.parse(Buffer.from(answer.Payload!).toString('utf8'));
}

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash deploy', { timeout: 120_000 }, () => {
  it('builds, tests, pushes and creates the function with the project settings, then tests it', async () => {
    const result = await lambdash(
      ['deploy', name, '--json', '--endpoint', fx.cloud.cloud.endpoint],
      {
        cwd: fx.project,
      },
    );
    expect(result.code).toBe(0);
    const [deployed] = jsonOf(result) as {
      name: string;
      localImage: { id: string; sourceHash: string; builtNow: boolean };
      remoteImage: { repo: string; digest: string };
      lambdaFunction: { name: string; state: string; memorySize: number; timeout: number };
      test: { passed: boolean; response: unknown };
    }[];
    expect(deployed).toMatchObject({
      name,
      ok: true,
      localImage: { builtNow: true },
      remoteImage: { repo: name },
      lambdaFunction: { name, state: 'Active', memorySize: 256, timeout: 20 },
      functionChange: 'created',
      test: {
        tested: 'function',
        passed: true,
        kind: 'test data',
        response: { message: 'Hello, Ada!', stage: 'local' },
      },
    });
    const image = await getLocalImage(name);
    expect(deployed!.localImage.id).toBe(image.id);
    expect(deployed!.localImage.sourceHash).toBe(image.responder?.hash);
    const fn = await fx.cloud.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: name }),
    );
    expect(fn.Configuration?.MemorySize).toBe(256);
    expect(fn.Configuration?.CodeSha256).toBe(deployed!.remoteImage.digest.slice(7));
    expect(fn.Tags?.team).toBe('cli');
    expect(await invokeWithSdk({ name: 'Sdk' })).toEqual({
      message: 'Hello, Sdk!',
      stage: 'local',
    });
    expect(result.stderr).toContain(
      `building ${name} from ${path.join(fx.project, name, 'handler.ts')}`,
    );
    expect(result.stderr).toContain('build: [6/6] Testing the image');
    for (const stage of ['push to local cloud', 'function (create)', 'test the function']) {
      expect(result.stderr).toContain(`deploying ${name}: ${stage}`);
    }
  });

  it('a second deploy updates the same function in place with the new code', async () => {
    const handler = path.join(fx.project, name, 'handler.ts');
    writeFileSync(handler, GREETER.replace('Hello', 'Hi'));
    const file = path.join(fx.project, 'lambdash.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"message": "Hello, Ada!"', '"message": "Hi, Ada!"'));
    const before = await fx.cloud.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: name }),
    );
    const result = await lambdash(['deploy', name, '--endpoint', fx.cloud.cloud.endpoint, '-q'], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(
      new RegExp(
        `^${name} +${name}:latest \\([0-9a-f]{12}, built now\\) +${name}@[0-9a-f]{12} +${name} \\(updated\\) +Active +passed$`,
      ),
    );
    const after = await fx.cloud.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: name }),
    );
    expect(after.Configuration?.FunctionArn).toBe(before.Configuration?.FunctionArn);
    expect(after.Configuration?.CodeSha256).not.toBe(before.Configuration?.CodeSha256);
    expect(await invokeWithSdk({ name: 'Sdk' })).toEqual({ message: 'Hi, Sdk!', stage: 'local' });
  });

  it('deploying unchanged code again reuses its image, tested in a container of its own', async () => {
    // The function's container in the local cloud runs this very image; the local test must
    // not take it for one of its own.
    const before = await getLocalImage(name);
    const result = await lambdash(['deploy', name, '--json', ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toMatchObject([
      {
        name,
        ok: true,
        localImage: { id: before.id, builtNow: false },
        functionChange: 'updated',
        test: { passed: true },
      },
    ]);
    expect(result.stderr).not.toMatch(/^building /m);
    expect(result.stderr).toContain(
      `deploying ${name}: ${name}:latest (${before.id.slice(7, 19)}) holds the current source, not built again`,
    );
    expect(result.stderr).toContain(`deploying ${name}: test the local image`);
  });

  it('a function that fails its test exits 4 with the difference', async () => {
    const result = await lambdash(
      ['deploy', staged, '--json', '--endpoint', fx.cloud.cloud.endpoint],
      { cwd: fx.project },
    );
    expect(result.code).toBe(4);
    const [deployed] = jsonOf(result) as {
      ok: boolean;
      error: { code: string; message: string };
      lambdaFunction: { state: string };
      test: { passed: boolean; diff: string };
    }[];
    expect(deployed?.ok).toBe(false);
    expect(deployed?.error.code).toBe('TEST_FAILED');
    expect(deployed?.lambdaFunction.state).toBe('Active');
    expect(deployed?.test.passed).toBe(false);
    expect(deployed?.test.diff).toContain('-   "stage": "local"\n+   "stage": "prod"');
    expect(result.stderr).toContain(
      `error: The function ${staged} failed its test: the answer differs from the test data:\n`,
    );
  });

  it('an unknown responder exits 3 before anything is built or pushed', async () => {
    const result = await lambdash(['deploy', 'nosuch', '--endpoint', fx.cloud.cloud.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toBe(
      'error: lambdash.json has no responder named "nosuch".',
    );
  });

  it('a role IAM would refuse exits 2, and nothing is built, pushed, tagged or deployed', async () => {
    const before = await chainOf(guarded);
    expect(before.images.length).toBe(1);
    expect(before.fn).not.toBe('no function');
    // New code: a build would make a new image, and a push would move `latest` to it.
    const handler = path.join(fx.project, guarded, 'handler.ts');
    writeFileSync(handler, GREETER.replace('Hello', 'Changed'));
    const result = await lambdash(
      ['deploy', guarded, fresh, '--role', 'bad role!', ...fx.endpoint],
      {
        cwd: fx.project,
      },
    );
    expect(result.code).toBe(2);
    expect(errorOf(result)[0]).toBe('error: "bad role!" is not a valid IAM role name.');
    expect(result.stderr).not.toMatch(/^building /m);
    expect(await chainOf(guarded)).toEqual(before);
    expect(await chainOf(fresh)).toEqual({
      images: [],
      remote: 'no repository',
      fn: 'no function',
    });
  });

  it('a role that is not there exits 3 before anything is built', async () => {
    const before = await chainOf(guarded);
    const result = await lambdash(
      ['deploy', guarded, fresh, '--role', 'lambdash-no-such-role', ...fx.endpoint],
      { cwd: fx.project },
    );
    expect(result.code).toBe(3);
    expect(errorOf(result)[0]).toBe('error: There is no IAM role lambdash-no-such-role.');
    expect(result.stderr).not.toMatch(/^building /m);
    expect(await chainOf(guarded)).toEqual(before);
    expect(await chainOf(fresh)).toEqual({
      images: [],
      remote: 'no repository',
      fn: 'no function',
    });
  });

  it('a setting Lambda would refuse changes nothing of that responder; the others are deployed', async () => {
    const file = path.join(fx.project, 'lambdash.json');
    const original = readFileSync(file, 'utf8');
    // AWS_REGION is Lambda's own: the project file's rules allow the name, Lambda does not.
    const project = JSON.parse(original) as {
      responders: { name: string; environment?: object }[];
    };
    project.responders.find((r) => r.name === fresh)!.environment = { AWS_REGION: 'x' };
    writeFileSync(file, JSON.stringify(project));
    const before = await chainOf(guarded);
    try {
      // Without tests: guarded's code no longer answers as its test data expects.
      const result = await lambdash(
        ['deploy', fresh, guarded, '--no-test', '--json', ...fx.endpoint],
        { cwd: fx.project },
      );
      // The worst of the two: the refusal.
      expect(result.code).toBe(2);
      const [refused, deployed] = jsonOf(result) as {
        name: string;
        ok: boolean;
        error?: { code: string; message: string };
        functionChange?: string;
      }[];
      expect(refused).toEqual({
        name: fresh,
        ok: false,
        error: {
          code: 'INVALID_OPTION',
          message: 'AWS_REGION is set by Lambda itself and cannot be given to a function.',
          hint: expect.any(String),
        },
      });
      expect(result.stderr).not.toMatch(new RegExp(`^building ${fresh}`, 'm'));
      expect(await chainOf(fresh)).toEqual({
        images: [],
        remote: 'no repository',
        fn: 'no function',
      });
      // guarded's code changed in an earlier test: it is built and deployed all the same.
      expect(deployed).toMatchObject({ name: guarded, ok: true, functionChange: 'updated' });
      expect((await chainOf(guarded)).fn).not.toBe(before.fn);
    } finally {
      writeFileSync(file, original);
    }
  });
});
