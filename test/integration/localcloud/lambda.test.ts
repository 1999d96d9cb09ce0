// The whole local pipeline through the real AWS SDK clients: an image pushed to the local ECR
// with its token, a role, a function created from the image and waited for with the SDK's
// waiter, invocations of every kind, the log of one request, an update, and deletion.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDocker } from '../../../src/core/images/docker.js';
import {
  createLocalImage,
  deleteLocalImage,
  getResponder,
  type LocalImage,
} from '../../../src/core/index.js';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { cloudCredentials } from '../../support/localcloud.js';
import { repoRoot } from '../../support/paths.js';

const suffix = randomBytes(4).toString('hex');
let cloud: LocalCloud;
let dataDir: string;
let lambda: LambdaClient;
let imageV1: LocalImage;
let imageV2: LocalImage;
let uriV1: string;
let uriV2: string;
let roleArn: string;
const pushed: string[] = [];

function clients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: cloudCredentials(endpoint) };
  return {
    lambda: new LambdaClient(config),
    ecr: new ECRClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

async function push(
  image: LocalImage,
  repositoryUri: string,
  tag: string,
  token: string,
  proxyEndpoint: string,
): Promise<string> {
  const docker = getDocker();
  const [username, password] = Buffer.from(token, 'base64').toString('utf8').split(':');
  await docker.getImage(image.id).tag({ repo: repositoryUri, tag });
  const ref = `${repositoryUri}:${tag}`;
  pushed.push(ref);
  const stream = await docker
    .getImage(ref)
    .push({ authconfig: { username, password, serveraddress: proxyEndpoint } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
  return ref;
}

async function invoke(
  name: string,
  payload: unknown,
  extra: Partial<{ LogType: 'Tail'; InvocationType: 'Event' | 'DryRun' }> = {},
) {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(payload)),
      ...extra,
    }),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  return {
    status: out.StatusCode,
    functionError: out.FunctionError,
    body: text ? JSON.parse(text) : undefined,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
    version: out.ExecutedVersion,
  };
}

async function createFunction(name: string, imageUri: string, timeout = 10): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      PackageType: 'Image',
      Code: { ImageUri: imageUri },
      Role: roleArn,
      Timeout: timeout,
      MemorySize: 256,
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: name });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-cloud-lambda-'));
  cloud = await startLocalCloud({ port: 0, dataDir });
  const c = clients(cloud.endpoint);
  lambda = c.lambda;
  imageV1 = await createLocalImage(
    await getResponder(path.join(repoRoot, 'test/fixtures/localcloud/function.ts'), {
      name: `lc-fn-${suffix}`,
    }),
    { tag: 'v1' },
  );
  // The second version is the first with another VERSION: derived, not kept as a copy.
  const fixture = path.join(repoRoot, 'test/fixtures/localcloud/function.ts');
  const v2File = path.join(dataDir, 'function-v2.ts');
  writeFileSync(
    v2File,
    readFileSync(fixture, 'utf8').replace("const VERSION = 'v1';", "const VERSION = 'v2';"),
  );
  imageV2 = await createLocalImage(await getResponder(v2File, { name: `lc-fn-${suffix}` }), {
    tag: 'v2',
  });
  const repo = await c.ecr.send(new CreateRepositoryCommand({ repositoryName: `lc-fn-${suffix}` }));
  const auth = await c.ecr.send(new GetAuthorizationTokenCommand({}));
  const data = auth.authorizationData![0]!;
  uriV1 = await push(
    imageV1,
    repo.repository!.repositoryUri!,
    'v1',
    data.authorizationToken!,
    data.proxyEndpoint!,
  );
  uriV2 = await push(
    imageV2,
    repo.repository!.repositoryUri!,
    'v2',
    data.authorizationToken!,
    data.proxyEndpoint!,
  );
  const role = await c.iam.send(
    new CreateRoleCommand({
      RoleName: `lambda-${suffix}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  roleArn = role.Role!.Arn!;
  await c.iam.send(
    new AttachRolePolicyCommand({
      RoleName: `lambda-${suffix}`,
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    }),
  );
}, 240_000);

afterAll(async () => {
  await cloud?.stop();
  const docker = getDocker();
  for (const ref of pushed)
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  for (const image of [imageV1, imageV2])
    if (image) await deleteLocalImage(image, { force: true }).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('local Lambda', () => {
  const name = `fn-${suffix}`;

  it('creates a function from a pushed image and reaches Active through the SDK waiter', async () => {
    await createFunction(name, uriV1);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.Configuration?.LastUpdateStatus).toBe('Successful');
    expect(got.Code?.ImageUri).toBe(uriV1);
    expect(got.Code?.ResolvedImageUri).toMatch(/@sha256:[a-f0-9]{64}$/);
  }, 180_000);

  it('invokes: the answer, the executed version, and the tail of the log with a cold start', async () => {
    const first = await invoke(name, { value: 42 }, { LogType: 'Tail' });
    expect(first).toMatchObject({
      status: 200,
      functionError: undefined,
      body: { version: 'v1', echo: 42 },
      version: '$LATEST',
    });
    expect(first.log).toMatch(/^START RequestId: \S+ Version: \$LATEST$/m);
    expect(first.log).toMatch(/^END RequestId: /m);
    expect(first.log).toMatch(
      /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
    );
    const warm = await invoke(name, { value: 'again' }, { LogType: 'Tail' });
    expect(warm.body).toEqual({ version: 'v1', echo: 'again' });
    expect(warm.log).not.toMatch(/Init Duration/);
  }, 60_000);

  it('answers a handled error as Lambda does: 200, Unhandled, the error JSON', async () => {
    const failed = await invoke(name, { action: 'fail' });
    expect(failed.status).toBe(200);
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.body).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'the event asked for a failure',
    });
    expect((await invoke(name, { value: 1 })).body).toEqual({ version: 'v1', echo: 1 });
  }, 60_000);

  it('answers Event with 202 and DryRun with 204', async () => {
    expect((await invoke(name, { value: 'async' }, { InvocationType: 'Event' })).status).toBe(202);
    expect((await invoke(name, {}, { InvocationType: 'DryRun' })).status).toBe(204);
  }, 60_000);

  it('keeps every line of one request in CloudWatch Logs, found by its request id', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"action":"log"}') }),
    );
    const requestId = out.$metadata.requestId!;
    const logs = clients(cloud.endpoint).logs;
    // CloudWatch Logs is eventually consistent, locally as on AWS: read until the REPORT line.
    const events = await vi.waitFor(
      async () => {
        const found: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await logs.send(
            new FilterLogEventsCommand({
              logGroupName: `/aws/lambda/${name}`,
              filterPattern: `"${requestId}"`,
              nextToken,
            }),
          );
          found.push(...(page.events ?? []).map((e) => e.message ?? ''));
          nextToken = page.nextToken;
        } while (nextToken);
        if (!found.at(-1)?.startsWith('REPORT'))
          throw new Error(`no REPORT line yet: ${found.at(-1)}`);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(events[0]).toMatch(new RegExp(`^START RequestId: ${requestId}`));
    expect(events.filter((line) => line.includes('INFO\tline '))).toHaveLength(120);
    expect(events.join('\n').length).toBeGreaterThan(4096);
    expect(events.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${requestId}`));
  }, 60_000);

  it('updates the code in place: the new image answers after the SDK waiter', async () => {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: uriV2 }));
    await expect(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: uriV2 })),
    ).rejects.toBeInstanceOf(ResourceConflictException);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: name });
    expect((await invoke(name, { value: 'new' })).body).toEqual({ version: 'v2', echo: 'new' });
  }, 180_000);

  it('answers 50 invocations, 10 at a time, each with its own answer', async () => {
    const answers: unknown[] = [];
    for (let batch = 0; batch < 5; batch++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            invoke(name, { value: batch * 10 + i }).then((r) => r.body),
          ),
        )),
      );
    }
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => ({ version: 'v2', echo: i })));
  }, 240_000);

  it('times out as Lambda does and replaces a crashed runtime', async () => {
    const slow = `slow-${suffix}`;
    await createFunction(slow, uriV1, 1);
    const timedOut = await invoke(slow, { action: 'sleep', ms: 5000 });
    expect(timedOut.functionError).toBe('Unhandled');
    expect(timedOut.body).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds/),
    });
    const crashed = await invoke(slow, { action: 'exit' });
    expect(crashed.body).toMatchObject({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/exit status 3/),
    });
    expect((await invoke(slow, { value: 'alive' })).body).toEqual({ version: 'v1', echo: 'alive' });
  }, 180_000);

  it('keeps functions across a restart of the local cloud', async () => {
    await cloud.stop();
    cloud = await startLocalCloud({ port: 0, dataDir });
    lambda = clients(cloud.endpoint).lambda;
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    const listed = await lambda.send(new ListFunctionsCommand({}));
    expect(listed.Functions?.map((f) => f.FunctionName).sort()).toEqual(
      [name, `slow-${suffix}`].sort(),
    );
  }, 120_000);

  it('refuses what Lambda refuses, and deletes', async () => {
    await expect(
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'bad name!',
          PackageType: 'Image',
          Code: { ImageUri: uriV1 },
          Role: roleArn,
        }),
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/Validation|InvalidParameterValue/) });
    await expect(
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: `t-${suffix}`,
          PackageType: 'Image',
          Code: { ImageUri: uriV1 },
          Role: roleArn,
          MemorySize: 64,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await expect(
      lambda.send(new GetFunctionCommand({ FunctionName: name })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  }, 60_000);
});
