// `lambdash deploy` against a local cloud: build, test, push, create the function with the
// project's settings, test it; a second deploy updates it in place; a function whose test
// fails exits 4.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { GREETER, jsonOf, lambdash, projectFixture, uniqueName } from '../run-cli.js';

const name = uniqueName('deploy');
const staged = uniqueName('staged');
const fx = projectFixture([
  { name, entry: { memorySize: 256, timeout: 20, labels: { team: 'cli' } } },
  // Runs with STAGE=prod as a function: its local test passes, the function's fails.
  { name: staged, entry: { environment: { STAGE: 'prod' } } },
]);

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
      remoteImage: { repo: string; digest: string };
      lambdaFunction: { name: string; state: string; memorySize: number; timeout: number };
      test: { passed: boolean; result: unknown };
    }[];
    expect(deployed).toMatchObject({
      name,
      remoteImage: { repo: name },
      lambdaFunction: { name, state: 'Active', memorySize: 256, timeout: 20 },
      test: { passed: true, result: { message: 'Hello, Ada!', stage: 'local' } },
    });
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
    for (const stage of ['push to local cloud', 'function', 'test the function']) {
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
        `^${name} +${name}:latest \\([0-9a-f]{12}\\) +${name}@[0-9a-f]{12} +${name} +Active +passed$`,
      ),
    );
    const after = await fx.cloud.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: name }),
    );
    expect(after.Configuration?.FunctionArn).toBe(before.Configuration?.FunctionArn);
    expect(after.Configuration?.CodeSha256).not.toBe(before.Configuration?.CodeSha256);
    expect(await invokeWithSdk({ name: 'Sdk' })).toEqual({ message: 'Hi, Sdk!', stage: 'local' });
  });

  it('deploying unchanged code again tests the image in a container of its own', async () => {
    // The function's container in the local cloud runs this very image; the local test must
    // not take it for one of its own.
    const result = await lambdash(['deploy', name, '--json', ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(0);
    expect((jsonOf(result) as { test: { passed: boolean } }[])[0]?.test.passed).toBe(true);
  });

  it('a function that fails its test exits 4 with the difference', async () => {
    const result = await lambdash(
      ['deploy', staged, '--json', '--endpoint', fx.cloud.cloud.endpoint],
      { cwd: fx.project },
    );
    expect(result.code).toBe(4);
    const [deployed] = jsonOf(result) as {
      lambdaFunction: { state: string };
      test: { passed: boolean; diff: string };
    }[];
    expect(deployed?.lambdaFunction.state).toBe('Active');
    expect(deployed?.test.passed).toBe(false);
    expect(deployed?.test.diff).toContain('-   "stage": "local"\n+   "stage": "prod"');
    expect(result.stderr).toContain(`warning: the function ${staged} failed its test:`);
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
});
