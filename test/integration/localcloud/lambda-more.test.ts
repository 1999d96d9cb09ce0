// The local Lambda's configuration, tags, states, concurrency and failures, through the real
// AWS SDK clients and the real Docker engine: GetFunctionConfiguration and
// UpdateFunctionConfiguration (settings reaching the handler), Lambda's validation, tags,
// Pending and Failed functions, the container limit and idle reaping, bad invocations, and the
// Docker engine going away and coming back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationCommandInput,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalImage, getResponder } from '../../../src/core/index.js';
import { ACCOUNT_ID, type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { testDocker } from '../../support/docker.js';
import {
  cloudClients,
  createServiceRole,
  functionContainers,
  pushToLocalEcr,
  removeFunctionContainers,
} from '../../support/localcloud.js';
import { startGatedProxy, startRestartableDockerProxy } from '../../support/localcloud-proxies.js';
import { repoRoot } from '../../support/paths.js';

const suffix = randomBytes(4).toString('hex');
const repositoryName = `lc-more-${suffix}`;
const MAX_CONTAINERS = 2;
const IDLE_MS = 1000;
const dataDirs: string[] = [];
/** Every function name used, so their containers can be swept at the end. */
const names: string[] = [];
let cloud: LocalCloud;
let clients: ReturnType<typeof cloudClients>;
let lambda: LambdaClient;
let imageId: string;
let goodUri: string;
let repositoryUri: string;
let roleArn: string;

function fnName(label: string): string {
  const name = `more-${label}-${suffix}`;
  names.push(name);
  return name;
}

function arnOf(name: string): string {
  return `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${name}`;
}

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-cloud-more-'));
  dataDirs.push(dir);
  return dir;
}

interface Answer {
  instance: string;
  echo: unknown;
  env: { GREETING: string | null; memory: string | null; timeout: string | null };
}

async function invoke(
  name: string,
  payload: unknown,
  client = lambda,
  tail = false,
): Promise<{ body: Answer; functionError?: string; log?: string }> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(payload)),
      ...(tail ? { LogType: 'Tail' as const } : {}),
    }),
  );
  return {
    body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')),
    functionError: out.FunctionError,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
  };
}

async function createFunction(
  input: Omit<CreateFunctionCommandInput, 'PackageType' | 'Code' | 'Role'> & {
    ImageUri?: string;
    Role?: string;
  },
  client = lambda,
) {
  const { ImageUri = goodUri, Role = roleArn, ...rest } = input;
  return client.send(
    new CreateFunctionCommand({ PackageType: 'Image', Code: { ImageUri }, Role, ...rest }),
  );
}

async function createActive(
  input: Parameters<typeof createFunction>[0],
  client = lambda,
): Promise<void> {
  await createFunction(input, client);
  await waitUntilFunctionActiveV2(
    { client, maxWaitTime: 120 },
    { FunctionName: input.FunctionName },
  );
}

interface Failure {
  name: string;
  message: string;
  status: number | undefined;
}

/** The error a call failed with (and a test failure when it did not fail). */
async function failure(call: Promise<unknown>): Promise<Failure> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error('expected the call to fail, and it succeeded');
  const error = caught as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

/** Polls `read` until `done` says yes, at most `attempts` times; returns the last value. */
async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  attempts = 150,
  everyMs = 100,
): Promise<T> {
  let value = await read();
  await vi
    .waitFor(
      async () => {
        value = await read();
        if (!done(value)) throw new Error('not yet');
      },
      { timeout: attempts * everyMs, interval: everyMs },
    )
    .catch(() => undefined);
  return value;
}

/** Resolves once the function's log has a line with `text` (the handler is running). */
async function logged(name: string, text: string): Promise<boolean> {
  const found = await pollUntil(
    async () => {
      const page = await clients.logs
        .send(
          new FilterLogEventsCommand({
            logGroupName: `/aws/lambda/${name}`,
            filterPattern: `"${text}"`,
          }),
        )
        .catch(() => ({ events: [] }));
      return (page.events ?? []).length;
    },
    (count) => count > 0,
  );
  return found > 0;
}

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    dataDir: tempDataDir(),
    lambda: { maxContainers: MAX_CONTAINERS, idleMs: IDLE_MS },
  });
  clients = cloudClients(cloud.endpoint);
  lambda = clients.lambda;
  const image = await createLocalImage(
    await getResponder(path.join(repoRoot, 'test/fixtures/localcloud/configurable.ts'), {
      name: repositoryName,
    }),
    { tag: 'v1' },
  );
  imageId = image.id;
  ({ uri: goodUri, repositoryUri } = await pushToLocalEcr(
    clients.ecr,
    repositoryName,
    imageId,
    'v1',
  ));
  roleArn = await createServiceRole(clients.iam, `lambda-more-${suffix}`);
}, 240_000);

afterAll(async () => {
  await cloud?.stop();
  await removeFunctionContainers(...names);
  // By id: the build's tag, the pushed tag and every pulled digest go with it.
  if (imageId)
    await testDocker()
      .getImage(imageId)
      .remove({ force: true })
      .catch(() => undefined);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('options', () => {
  it.each([
    [{ maxContainers: 0 }, /maxContainers must be a whole number from 1, not 0/],
    [{ maxContainers: 1.5 }, /maxContainers must be a whole number from 1, not 1\.5/],
    [{ idleMs: 0 }, /idleMs must be a number of milliseconds from 1, not 0/],
  ])(
    'refuses lambda options %o',
    async (lambdaOptions, message) => {
      const dataDir = tempDataDir();
      await expect(startLocalCloud({ port: 0, dataDir, lambda: lambdaOptions })).rejects.toThrow(
        message,
      );
      // Nothing is left holding the data folder: a good start on it works.
      const again = await startLocalCloud({ port: 0, dataDir });
      await again.stop();
    },
    60_000,
  );
});

describe('function configuration', () => {
  const name = fnName('config');

  it('GetFunctionConfiguration answers what CreateFunction set, by name and by ARN', async () => {
    await createActive({
      FunctionName: name,
      Timeout: 5,
      MemorySize: 256,
      Environment: { Variables: { GREETING: 'hello' } },
      Description: 'first',
    });
    const expected = {
      FunctionName: name,
      FunctionArn: arnOf(name),
      Role: roleArn,
      Timeout: 5,
      MemorySize: 256,
      Environment: { Variables: { GREETING: 'hello' } },
      Description: 'first',
      PackageType: 'Image',
      Version: '$LATEST',
      State: 'Active',
      LastUpdateStatus: 'Successful',
    };
    const byName = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(byName).toMatchObject(expected);
    expect(byName.CodeSha256).toMatch(/^[a-f0-9]{64}$/);
    const byArn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: arnOf(name) }),
    );
    expect(byArn).toMatchObject({ ...expected, RevisionId: byName.RevisionId });
    const { body } = await invoke(name, { value: 1 });
    expect(body.env).toEqual({ GREETING: 'hello', memory: '256', timeout: '5' });
  }, 180_000);

  it('UpdateFunctionConfiguration reaches the next invocation, even one a container busy during the update would have served', async () => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    // An invocation under way while the configuration changes: its container must not serve
    // anything after it with the old environment.
    const busy = invoke(name, { value: 'busy', sleepMs: 2500 });
    expect(await logged(name, 'sleeping busy')).toBe(true);
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Timeout: 7,
        MemorySize: 512,
        Environment: { Variables: { GREETING: 'updated' } },
        Description: 'second',
      }),
    );
    expect(updated).toMatchObject({
      Timeout: 7,
      MemorySize: 512,
      Description: 'second',
      LastUpdateStatus: 'InProgress',
    });
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(after).toMatchObject({
      Timeout: 7,
      MemorySize: 512,
      Environment: { Variables: { GREETING: 'updated' } },
      Description: 'second',
      State: 'Active',
      LastUpdateStatus: 'Successful',
    });
    expect(after.RevisionId).not.toBe(before.RevisionId);
    // The busy invocation finishes in the container it started in, with the old settings.
    const old = (await busy).body;
    expect(old.env).toEqual({ GREETING: 'hello', memory: '256', timeout: '5' });
    const next = await invoke(name, { value: 2 }, lambda, true);
    expect(next.body.env).toEqual({ GREETING: 'updated', memory: '512', timeout: '7' });
    expect(next.body.instance).not.toBe(old.instance);
    expect(next.log).toMatch(/\tMemory Size: 512 MB\t/);
  }, 120_000);

  it('enforces a Timeout set by UpdateFunctionConfiguration', async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 2 }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    const timedOut = await invoke(name, { sleepMs: 5000 });
    expect(timedOut.functionError).toBe('Unhandled');
    expect(timedOut.body).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 2\.00 seconds$/),
    });
    // Only the timeout changed: the rest of the configuration is kept.
    expect((await invoke(name, { value: 3 })).body.env).toEqual({
      GREETING: 'updated',
      memory: '512',
      timeout: '2',
    });
  }, 120_000);

  it('refuses invalid values and unassumable roles with InvalidParameterValueException, changing nothing', async () => {
    const ec2Role = await createServiceRole(clients.iam, `ec2-more-${suffix}`, 'ec2.amazonaws.com');
    const missingRole = `arn:aws:iam::${ACCOUNT_ID}:role/no-such-role-${suffix}`;
    const { $metadata: _before, ...before } = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: name }),
    );
    const cases: [string, Partial<UpdateFunctionConfigurationCommandInput>, RegExp][] = [
      ['Timeout 0', { Timeout: 0 }, /Timeout/],
      ['Timeout 901', { Timeout: 901 }, /Timeout/],
      ['MemorySize 127', { MemorySize: 127 }, /MemorySize/],
      ['MemorySize 10241', { MemorySize: 10241 }, /MemorySize/],
      [
        'a reserved variable',
        { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } },
        /reserved keys.*AWS_REGION/,
      ],
      ['a malformed role ARN', { Role: 'lambda-role' }, /role ARN/],
      ['a role that does not exist', { Role: missingRole }, /cannot be assumed by Lambda/],
      ['a role that trusts EC2 only', { Role: ec2Role }, /cannot be assumed by Lambda/],
    ];
    for (const [label, change, message] of cases) {
      const error = await failure(
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...change })),
      );
      expect({ label, ...error }).toEqual({
        label,
        name: 'InvalidParameterValueException',
        status: 400,
        message: expect.stringMatching(message),
      });
    }
    const { $metadata: _after, ...after } = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: name }),
    );
    expect(after).toEqual(before);
    // CreateFunction checks the role the same way, and creates nothing.
    for (const role of [missingRole, ec2Role]) {
      const refused = fnName('refused');
      const error = await failure(createFunction({ FunctionName: refused, Role: role }));
      expect(error).toMatchObject({
        name: 'InvalidParameterValueException',
        status: 400,
        message: expect.stringMatching(/cannot be assumed by Lambda/),
      });
      expect(
        (await failure(lambda.send(new GetFunctionCommand({ FunctionName: refused })))).name,
      ).toBe('ResourceNotFoundException');
    }
  }, 60_000);
});

describe('tags', () => {
  it('keeps the tags given at creation and changes them with TagResource and UntagResource', async () => {
    const name = fnName('tags');
    await createFunction({ FunctionName: name, Tags: { team: 'core', stage: 'test' } });
    const list = async () =>
      (await lambda.send(new ListTagsCommand({ Resource: arnOf(name) }))).Tags;
    expect(await list()).toEqual({ team: 'core', stage: 'test' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Tags).toEqual({
      team: 'core',
      stage: 'test',
    });
    await lambda.send(
      new TagResourceCommand({ Resource: arnOf(name), Tags: { stage: 'prod', owner: 'me' } }),
    );
    expect(await list()).toEqual({ team: 'core', stage: 'prod', owner: 'me' });
    await lambda.send(
      new UntagResourceCommand({ Resource: arnOf(name), TagKeys: ['team', 'owner'] }),
    );
    expect(await list()).toEqual({ stage: 'prod' });
    expect(
      await failure(
        lambda.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'aws:x': 'y' } })),
      ),
    ).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await list()).toEqual({ stage: 'prod' });
    expect(
      await failure(lambda.send(new ListTagsCommand({ Resource: arnOf(`none-${suffix}`) }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  }, 120_000);
});

describe('function states', () => {
  it('goes Pending → Failed when the image was never pushed, refuses invocations, and recovers by a code update', async () => {
    const name = fnName('failed');
    const missing = `${repositoryUri}:never-pushed`;
    await createFunction({ FunctionName: name, ImageUri: missing });
    const waited = await failure(
      waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name }),
    );
    expect(JSON.parse(waited.message)).toMatchObject({
      state: 'FAILURE',
      reason: { Configuration: { State: 'Failed' } },
    });
    const failed = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(failed).toMatchObject({
      State: 'Failed',
      StateReasonCode: 'ImageAccessDenied',
      StateReason: expect.stringContaining(`${repositoryName}:never-pushed`),
    });
    expect(await failure(invoke(name, {}))).toEqual({
      name: 'ResourceConflictException',
      status: 409,
      message: expect.stringMatching(/in the following state: Failed/),
    });
    // Another missing image: still Failed, and the reason names the new one.
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: `${repositoryUri}:gone` }),
    );
    const updateFailed = await failure(
      waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name }),
    );
    expect(JSON.parse(updateFailed.message)).toMatchObject({ state: 'FAILURE' });
    expect(
      await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
    ).toMatchObject({
      State: 'Failed',
      LastUpdateStatus: 'Failed',
      StateReason: expect.stringContaining(`${repositoryName}:gone`),
    });
    // A good image makes it usable.
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: goodUri }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    const fixed = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(fixed).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(fixed.StateReason).toBeUndefined();
    expect((await invoke(name, { value: 'recovered' })).body.echo).toBe('recovered');
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  }, 120_000);

  it('refuses invocations and updates with 409 while Pending, then becomes Active', async () => {
    // The registry is reached through a gate held shut: the image cannot be resolved, so the
    // function stays Pending until the gate opens.
    const [host = '', port = ''] = (cloud.services.registryHost ?? '').split(':');
    const gate = await startGatedProxy({ host, port: Number(port) });
    try {
      const name = fnName('pending');
      await createFunction({ FunctionName: name, ImageUri: `${gate.host}/${repositoryName}:v1` });
      expect(
        await pollUntil(
          async () => gate.connections,
          (n) => n > 0,
        ),
      ).toBeGreaterThan(0);
      expect(
        await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
      ).toMatchObject({
        State: 'Pending',
        StateReasonCode: 'Creating',
        LastUpdateStatus: 'InProgress',
      });
      expect(await failure(invoke(name, {}))).toEqual({
        name: 'ResourceConflictException',
        status: 409,
        message: expect.stringMatching(/in the following state: Pending/),
      });
      const updates = [
        lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: goodUri })),
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 9 })),
      ];
      for (const update of updates) {
        expect(await failure(update)).toMatchObject({
          name: 'ResourceConflictException',
          status: 409,
        });
      }
      gate.open();
      await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      expect(got.Configuration).toMatchObject({ State: 'Active', Timeout: 3 });
      // The gate is not the cloud's registry, so Lambda sends it no credentials; refused
      // there, the image is found in the cloud's own registry, as for a port of an earlier run.
      expect(got.Code?.ResolvedImageUri).toMatch(
        new RegExp(`^${cloud.services.registryHost}/${repositoryName}@sha256:[a-f0-9]{64}$`),
      );
      expect((await invoke(name, { value: 'active' })).body.echo).toBe('active');
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    } finally {
      gate.open();
      await gate.close();
    }
  }, 120_000);
});

describe('concurrency', () => {
  it(`runs 6 concurrent invocations in at most ${MAX_CONTAINERS} containers, and reaps idle ones`, async () => {
    const name = fnName('concurrent');
    await createActive({ FunctionName: name });
    let running = true;
    let most = 0;
    const sampler = (async () => {
      while (running) {
        most = Math.max(most, (await functionContainers(name)).length);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => invoke(name, { value: i, sleepMs: 300 })),
    ).finally(() => {
      running = false;
    });
    await sampler;
    most = Math.max(most, (await functionContainers(name)).length);
    expect(answers.map((a) => [a.functionError, a.body.echo])).toEqual(
      Array.from({ length: 6 }, (_, i) => [undefined, i]),
    );
    expect(most).toBeLessThanOrEqual(MAX_CONTAINERS);
    // Each container's runtime has its own id: the work was spread over exactly the limit.
    const instances = new Set(answers.map((a) => a.body.instance));
    expect(instances.size).toBe(MAX_CONTAINERS);
    // Idle for IDLE_MS, the containers go (bounded wait, not a timing assertion).
    const left = await pollUntil(
      () => functionContainers(name),
      (ids) => ids.length === 0,
    );
    expect(left).toEqual([]);
    const cold = await invoke(name, { value: 'again' });
    expect(cold.body.echo).toBe('again');
    expect(instances.has(cold.body.instance)).toBe(false);
  }, 120_000);
});

describe('bad invocations', () => {
  it('answers each with its error and keeps serving', async () => {
    const name = fnName('bad-input');
    await createActive({ FunctionName: name });
    const cases: [string, InvokeCommand, Omit<Failure, 'message'>][] = [
      [
        'a payload over 6 MB',
        new InvokeCommand({
          FunctionName: name,
          Payload: Buffer.from(JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) })),
        }),
        { name: 'RequestTooLargeException', status: 413 },
      ],
      [
        'a payload that is not JSON',
        new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"value": ') }),
        { name: 'InvalidRequestContentException', status: 400 },
      ],
      [
        'an unknown function',
        new InvokeCommand({ FunctionName: `no-such-fn-${suffix}`, Payload: Buffer.from('{}') }),
        { name: 'ResourceNotFoundException', status: 404 },
      ],
    ];
    for (const [label, command, expected] of cases) {
      const { message: _, ...error } = await failure(lambda.send(command));
      expect({ label, ...error }).toEqual({ label, ...expected });
      expect((await invoke(name, { value: label })).body.echo).toBe(label);
    }
  }, 120_000);
});

describe('the Docker engine going away', () => {
  it('answers an error instead of hanging, keeps serving, and works again when the engine is back', async () => {
    const proxy = await startRestartableDockerProxy();
    let other: LocalCloud | undefined;
    try {
      // dockerode reads DOCKER_HOST when the local cloud makes its client.
      const previous = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = proxy.host;
      try {
        other = await startLocalCloud({
          port: 0,
          dataDir: tempDataDir(),
          lambda: { maxContainers: 1 },
        });
      } finally {
        if (previous === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = previous;
      }
      // One attempt per call: the service's own answer, not the SDK's retries of it.
      const c = cloudClients(other.endpoint, { maxAttempts: 1 });
      const role = await createServiceRole(c.iam, `lambda-engine-${suffix}`);
      // In this cloud's own registry: the first one's asks for the first one's token.
      const { uri: otherUri } = await pushToLocalEcr(c.ecr, repositoryName, imageId, 'v1');
      const name = fnName('engine');
      await createActive({ FunctionName: name, Role: role, ImageUri: otherUri }, c.lambda);

      // The engine stops answering, then goes away. The function was never invoked, so each
      // invocation needs a new container, which needs the engine. One container is allowed:
      // while the first start hangs the other two queue, and each failed start must let the
      // next one try rather than leave it waiting forever.
      proxy.hang();
      const down = Promise.all(
        [1, 2, 3].map((value) => failure(invoke(name, { value }, c.lambda))),
      );
      expect(
        await pollUntil(
          async () => proxy.held,
          (n) => n > 0,
        ),
      ).toBe(1);
      // Not an assertion: time for the other two (sent with the first) to reach the queue.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await proxy.stop();
      expect(await down).toEqual(
        Array.from({ length: 3 }, () => ({
          name: 'ServiceException',
          status: 500,
          message: expect.stringMatching(
            new RegExp(
              `could not start a container for ${name}: .*(ENOENT|ECONNREFUSED|ECONNRESET|socket hang up)`,
            ),
          ),
        })),
      );
      const listed = await c.lambda.send(new ListFunctionsCommand({}));
      expect(listed.Functions?.map((f) => [f.FunctionName, f.State])).toEqual([[name, 'Active']]);
      // A function created meanwhile cannot have its image pulled: Failed, with the reason.
      const late = fnName('engine-late');
      await createFunction({ FunctionName: late, Role: role, ImageUri: otherUri }, c.lambda);
      await failure(
        waitUntilFunctionActiveV2({ client: c.lambda, maxWaitTime: 30 }, { FunctionName: late }),
      );
      expect(
        await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: late })),
      ).toMatchObject({
        State: 'Failed',
        StateReason: expect.stringMatching(/could not pull the image .*(ENOENT|ECONNREFUSED)/),
      });

      await proxy.start();
      expect((await invoke(name, { value: 'back' }, c.lambda)).body.echo).toBe('back');
      await c.lambda.send(
        new UpdateFunctionCodeCommand({ FunctionName: late, ImageUri: otherUri }),
      );
      await waitUntilFunctionUpdatedV2(
        { client: c.lambda, maxWaitTime: 60 },
        { FunctionName: late },
      );
      expect((await invoke(late, { value: 'late' }, c.lambda)).body.echo).toBe('late');
    } finally {
      // Stopped while the engine is reachable, so its containers are removed.
      await proxy.start();
      await other?.stop();
      await proxy.close();
    }
  }, 180_000);
});
