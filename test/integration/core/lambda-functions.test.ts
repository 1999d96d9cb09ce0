// Lambda functions against a local cloud of this file's own, through the real SDK clients and
// Docker: created from a pushed image (the tag resolved to its digest), updated in place,
// tagged, listed, a Failed state reported with Lambda's reason, roles Lambda cannot assume (or
// not yet: IAM's propagation), bad input refused before any call, and deletion with the role.
import { randomBytes } from 'node:crypto';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  ListTagsCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaRole } from '../../../src/core/aws/aws-resources.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { createEcrRepo, deleteEcrRepo, getEcrRepo } from '../../../src/core/ecr/ecr-repos.js';
import { invokeFunction } from '../../../src/core/lambda/invoke.js';
import {
  createLambdaFunction,
  deleteLambdaFunction,
  getAllLambdaFunctions,
  getLambdaFunction,
} from '../../../src/core/lambda/lambda-functions.js';
import {
  createLambdaRole,
  DEFAULT_ROLE_NAME,
  getLambdaRole,
} from '../../../src/core/lambda/lambda-roles.js';
import { testDocker } from '../../support/docker.js';
import {
  type FunctionImages,
  pushFunctionImages,
  remoteImageOf,
  unpushedImage,
} from '../../support/function-images.js';
import { failure, recorder } from '../../support/images.js';
import {
  createServiceRole,
  pushToLocalEcr,
  removeFunctionContainers,
} from '../../support/localcloud.js';
import { startGatedProxy } from '../../support/localcloud-proxies.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const suffix = randomBytes(4).toString('hex');
const repo = `lambdash-test/fn-${suffix}`;
/** The function named after the repository. */
const fnName = `lambdash-test-fn-${suffix}`;
const made = new Set<string>([fnName]);
let test: TestTarget;
let images: FunctionImages;

beforeAll(async () => {
  test = await startTestTarget();
  images = await pushFunctionImages(test.target, repo, ['v1', 'v2']);
}, 300_000);

afterAll(async () => {
  await test?.stop();
  await removeFunctionContainers(...made);
  await images?.remove();
}, 120_000);

const calls = (events: readonly LambdashEvent[]) =>
  events.flatMap((event) => (event.type === 'aws.call' ? [event.operation] : []));
const roleExists = (name: string) =>
  test.target.clients.iam.send(new GetRoleCommand({ RoleName: name })).then(
    () => true,
    (error: Error) => {
      if (error.name === 'NoSuchEntityException') return false;
      throw error;
    },
  );
/** A role as the caller knows it, which IAM (and so Lambda) does not know (yet). */
const roleNotInIam = (name: string): LambdaRole => ({
  name,
  arn: `arn:aws:iam::000000000000:role/${name}`,
  created: new Date(),
  policies: [],
  tags: {},
});
const functionExists = (name: string) =>
  test.target.clients.lambda.send(new GetFunctionCommand({ FunctionName: name })).then(
    () => true,
    (error: Error) => {
      if (error.name === 'ResourceNotFoundException') return false;
      throw error;
    },
  );

describe('createLambdaFunction: bad input', () => {
  it('refuses names, limits and settings Lambda would refuse, before any call', async () => {
    const { events, onEvent } = recorder();
    const image = { repo, tag: 'v1' };
    const refused = async (options: Parameters<typeof createLambdaFunction>[1]) =>
      failure(createLambdaFunction(image, { target: test.target, onEvent, ...options }));
    const badName = await refused({ name: 'has space!' });
    expect(badName.code).toBe('INVALID_NAME');
    expect(badName.message).toBe('"has space!" is not a valid Lambda function name.');
    expect((await refused({ name: 'f'.repeat(65) })).code).toBe('INVALID_NAME');
    expect((await refused({ timeout: 0 })).message).toBe('0 is not a Lambda timeout.');
    expect((await refused({ timeout: 901 })).code).toBe('INVALID_OPTION');
    expect((await refused({ memorySize: 127 })).message).toBe('127 is not a Lambda memory size.');
    expect((await refused({ memorySize: 10241 })).code).toBe('INVALID_OPTION');
    expect((await refused({ environment: { AWS_REGION: 'x' } })).message).toBe(
      'AWS_REGION is set by Lambda itself and cannot be given to a function.',
    );
    expect((await refused({ environment: { '1BAD': 'x' } })).code).toBe('INVALID_OPTION');
    expect((await refused({ userLabels: { 'dev.lambdash.x': 'y' } })).code).toBe('INVALID_LABEL');
    expect((await refused({ userLabels: { team: 'x'.repeat(257) } })).code).toBe('INVALID_LABEL');
    expect((await refused({ lineageTags: { team: 'core' } })).code).toBe('INVALID_LABEL');
    expect((await refused({ role: 'no spaces allowed' })).code).toBe('INVALID_NAME');
    expect(
      (
        await failure(
          createLambdaFunction({ repo: 'Bad/Repo', tag: 'v1' }, { target: test.target, onEvent }),
        )
      ).code,
    ).toBe('INVALID_NAME');
    expect(events).toEqual([]);
  });

  it('takes back the role it made when the first deployment is cancelled before the function exists', async () => {
    const controller = new AbortController();
    const { events, onEvent } = recorder();
    const error = await failure(
      createLambdaFunction(
        { repo, tag: 'v1' },
        {
          target: test.target,
          signal: controller.signal,
          onEvent: (event) => {
            onEvent(event);
            if (event.type === 'aws.call' && event.operation === 'CreateFunction') {
              controller.abort();
            }
          },
        },
      ),
    );
    expect(error.code).toBe('ABORTED');
    expect(calls(events)).toContain('CreateRole');
    expect(await roleExists(DEFAULT_ROLE_NAME)).toBe(false);
    expect(await functionExists(fnName)).toBe(false);
  });

  it('keeps the role it made when CreateFunction reached Lambda before the cancellation', async () => {
    const name = `cancelled-late-${suffix}`;
    made.add(name);
    const controller = new AbortController();
    const lambda = test.target.clients.lambda;
    // Lambda made the function, and the caller cancelled before its answer arrived.
    lambda.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'CreateFunctionCommand') return result;
        controller.abort();
        throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      },
      { step: 'deserialize', name: 'cancelAfterCreate' },
    );
    try {
      const error = await failure(
        createLambdaFunction(
          { repo, tag: 'v1' },
          { target: test.target, name, signal: controller.signal },
        ),
      );
      expect(error.code).toBe('ABORTED');
      expect(error.hint).toContain(`The function ${name} was made all the same`);
    } finally {
      lambda.middlewareStack.remove('cancelAfterCreate');
    }
    expect(await functionExists(name)).toBe(true);
    // The function runs as it: taking it back would leave a function that cannot run.
    expect(await roleExists(DEFAULT_ROLE_NAME)).toBe(true);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    await deleteLambdaFunction(name, { target: test.target, deleteRole: true });
    expect(await roleExists(DEFAULT_ROLE_NAME)).toBe(false);
  }, 120_000);

  it('says REPO_NOT_FOUND and REMOTE_IMAGE_NOT_FOUND for an image ECR does not have', async () => {
    const noRepo = await failure(
      createLambdaFunction({ repo: `none-${suffix}`, tag: 'v1' }, { target: test.target }),
    );
    expect(noRepo.code).toBe('REPO_NOT_FOUND');
    const noTag = await failure(
      createLambdaFunction({ repo, tag: 'never-pushed' }, { target: test.target }),
    );
    expect(noTag.code).toBe('REMOTE_IMAGE_NOT_FOUND');
    expect(noTag.message).toBe(`Repository ${repo} has no image tagged never-pushed.`);
  });
});

describe('createLambdaFunction', () => {
  let arn: string;

  it('creates the function from {repo, tag}: named after the repository, the tag resolved to its digest, the default role made', async () => {
    const v1 = images.versions.v1!;
    const { events, onEvent } = recorder();
    const fn = await createLambdaFunction(
      { repo, tag: 'v1' },
      { target: test.target, onEvent, userLabels: { team: 'core' } },
    );
    arn = fn.arn;
    expect(fn).toMatchObject({
      name: fnName,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:${fnName}`,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      imageUri: `${v1.repoUri}@${v1.digest}`,
      resolvedImageUri: `${v1.repoUri}@${v1.digest}`,
      role: `arn:aws:iam::000000000000:role/${DEFAULT_ROLE_NAME}`,
      timeout: 3,
      memorySize: 128,
      architecture: 'x86_64',
      environment: {},
      tags: { team: 'core', 'dev.lambdash.generated': 'true' },
    });
    expect(calls(events)).toEqual(
      expect.arrayContaining(['DescribeImages', 'CreateRole', 'CreateFunction', 'GetFunction']),
    );
    // The role is shared by every function lambdash deploys: this one's labels stay off it.
    expect((await getLambdaRole(DEFAULT_ROLE_NAME, { target: test.target })).tags).toEqual({
      'dev.lambdash.generated': 'true',
    });
    expect(await invokeFunction({ value: 1 }, fn, { target: test.target })).toEqual({
      version: 'v1',
      echo: 1,
    });
  }, 120_000);

  it('updates the function in place: same ARN, the new digest, configuration and tags, never deleted and made again', async () => {
    const v2 = images.versions.v2!;
    const before = await test.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: fnName }),
    );
    const { events, onEvent } = recorder();
    const fn = await createLambdaFunction(
      { repo, tag: 'v2' },
      {
        target: test.target,
        onEvent,
        timeout: 20,
        memorySize: 512,
        environment: { GREETING: 'hi' },
        userLabels: { team: 'core' },
        lineageTags: { 'dev.lambdash.name': 'app', 'dev.lambdash.hash': 'abc' },
      },
    );
    expect(fn).toMatchObject({
      name: fnName,
      arn,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      resolvedImageUri: `${v2.repoUri}@${v2.digest}`,
      timeout: 20,
      memorySize: 512,
      environment: { GREETING: 'hi' },
      tags: {
        team: 'core',
        'dev.lambdash.generated': 'true',
        'dev.lambdash.name': 'app',
        'dev.lambdash.hash': 'abc',
      },
    });
    const operations = calls(events);
    expect(operations).toEqual(
      expect.arrayContaining(['UpdateFunctionCode', 'UpdateFunctionConfiguration', 'TagResource']),
    );
    expect(operations).not.toContain('CreateFunction');
    expect(operations).not.toContain('DeleteFunction');
    expect(operations).not.toContain('CreateRole');
    expect(operations.indexOf('UpdateFunctionCode')).toBeLessThan(
      operations.indexOf('UpdateFunctionConfiguration'),
    );
    const after = await test.target.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: fnName }),
    );
    expect(after.Configuration?.FunctionArn).toBe(before.Configuration?.FunctionArn);
    expect(after.Configuration?.RevisionId).not.toBe(before.Configuration?.RevisionId);
    expect(await invokeFunction({}, fn, { target: test.target })).toEqual({
      version: 'v2',
      echo: null,
    });
    expect(await invokeFunction({ action: 'env' }, fn, { target: test.target })).toEqual({
      greeting: 'hi',
    });
  }, 120_000);

  it('removes lineage tags no longer wanted, and changes nothing that is already right', async () => {
    const { events, onEvent } = recorder();
    const fn = await createLambdaFunction(
      { repo, tag: 'v2' },
      {
        target: test.target,
        onEvent,
        timeout: 20,
        lineageTags: { 'dev.lambdash.name': 'app' },
      },
    );
    expect(calls(events)).toEqual([
      'DescribeRepositories',
      'ListTagsForResource', // the repository's tags: the image's labels, passed on
      'DescribeImages',
      'GetFunction',
      'UntagResource',
      'GetFunction',
    ]);
    const tags = await test.target.clients.lambda.send(new ListTagsCommand({ Resource: fn.arn }));
    // The user's own tag stays; lambdash's stale one goes.
    expect(tags.Tags).toEqual({
      team: 'core',
      'dev.lambdash.generated': 'true',
      'dev.lambdash.name': 'app',
    });
  }, 60_000);

  it('two deployments of a new function at once both succeed, as one function', async () => {
    const name = `raced-${suffix}`;
    made.add(name);
    const { events, onEvent } = recorder();
    const deploy = (version: 'v1' | 'v2') =>
      createLambdaFunction(remoteImageOf(images.versions[version]!), {
        target: test.target,
        name,
        onEvent,
      });
    const [first, second] = await Promise.all([deploy('v1'), deploy('v2')]);
    expect(second.arn).toBe(first.arn);
    expect(first.state).toBe('Active');
    expect(second.state).toBe('Active');
    // Both read "none" (their reads are answered before either creates): both create, and the
    // one Lambda refuses updates what the other made.
    expect(calls(events).filter((c) => c === 'CreateFunction')).toHaveLength(2);
    expect(calls(events)).toContain('UpdateFunctionCode');
    const listed = await getAllLambdaFunctions({ target: test.target });
    expect(listed.filter((fn) => fn.name === name)).toHaveLength(1);
    // The listing test below counts this file's functions.
    await deleteLambdaFunction(name, { target: test.target });
  });

  it('creates from a RemoteImage by its digest, under a name and a role given by name', async () => {
    const v1 = images.versions.v1!;
    const remote = remoteImageOf(v1);
    const name = `named-${suffix}`;
    made.add(name);
    const role = await createLambdaRole({ target: test.target, name: `named-role-${suffix}` });
    const { events, onEvent } = recorder();
    const fn = await createLambdaFunction(remote, {
      target: test.target,
      name,
      role: role.name,
      onEvent,
      architecture: 'x86_64',
    });
    expect(fn).toMatchObject({
      name,
      role: role.arn,
      resolvedImageUri: remote.uri,
      state: 'Active',
    });
    expect(calls(events)).not.toContain('DescribeImages');
  }, 120_000);
});

describe('getLambdaFunction and getAllLambdaFunctions', () => {
  it('finds a function by its name or its repository', async () => {
    const byName = await getLambdaFunction(fnName, { target: test.target });
    expect(byName.name).toBe(fnName);
    expect(await getLambdaFunction(repo, { target: test.target })).toEqual(byName);
    const missing = await failure(getLambdaFunction(`none-${suffix}`, { target: test.target }));
    expect(missing.code).toBe('FUNCTION_NOT_FOUND');
    expect(missing.message).toBe(`There is no Lambda function none-${suffix}.`);
  });

  it('lists lambdash’s functions by default (as Jot), reading only those, or with generatedOnly: false every one', async () => {
    const v1 = images.versions.v1!;
    const foreign = `foreign-${suffix}`;
    made.add(foreign);
    const lambda = test.target.clients.lambda;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: foreign,
        PackageType: 'Image',
        Code: { ImageUri: v1.uri },
        Role: await createServiceRole(test.target.clients.iam, `foreign-role-${suffix}`),
      }),
    );
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: foreign });
    const all = await getAllLambdaFunctions({ target: test.target, generatedOnly: false });
    expect(all.map((fn) => fn.name).sort()).toEqual([foreign, fnName, `named-${suffix}`].sort());
    expect(all.find((fn) => fn.name === foreign)?.resolvedImageUri).toBe(
      `${v1.repoUri}@${v1.digest}`,
    );
    const { events, onEvent } = recorder();
    const ours = await getAllLambdaFunctions({ target: test.target, onEvent });
    expect(ours.map((fn) => fn.name).sort()).toEqual([fnName, `named-${suffix}`].sort());
    expect(calls(events)).toEqual(['ListFunctions', 'GetFunction', 'GetFunction']);
    expect(
      (await getAllLambdaFunctions({ target: test.target, generatedOnly: true })).map(
        (fn) => fn.name,
      ),
    ).toEqual(ours.map((fn) => fn.name));
    expect(ours.find((fn) => fn.name === fnName)).toEqual(
      await getLambdaFunction(fnName, { target: test.target }),
    );
  }, 120_000);
});

describe('getLambdaFunction by repository', () => {
  /** v1's image again, in a repository no function is named after. */
  const other = `lambdash-test/other-${suffix}`;
  let otherUri = '';

  beforeAll(async () => {
    const v1 = images.versions.v1!;
    ({ uri: otherUri } = await pushToLocalEcr(test.target.clients.ecr, other, v1.image.id, 'v1'));
  }, 120_000);

  afterAll(async () => {
    if (otherUri)
      await testDocker()
        .getImage(otherUri)
        .remove()
        .catch(() => undefined);
  });

  it('finds the function running an image of the repository, by its name or as an EcrRepo; two are ambiguous', async () => {
    const target = test.target;
    const repo = await getEcrRepo(other, { target });
    const first = `runs-other-${suffix}`;
    const second = `runs-other-too-${suffix}`;
    made.add(first).add(second);
    await createLambdaFunction({ repo: other, tag: 'v1' }, { target, name: first });
    const byName = await getLambdaFunction(first, { target });
    // The same digest runs in functions of the first repository: the join is by repository too.
    expect(await getLambdaFunction(other, { target })).toEqual(byName);
    expect(await getLambdaFunction(repo, { target })).toEqual(byName);

    await createLambdaFunction({ repo: other, tag: 'v1' }, { target, name: second });
    for (const identity of [other, repo]) {
      const ambiguous = await failure(getLambdaFunction(identity, { target }));
      expect(ambiguous.code).toBe('AMBIGUOUS_FUNCTION');
      expect(ambiguous.message).toBe(
        `2 Lambda functions run images of the repository ${other}: ${first}, ${second}.`,
      );
      expect(ambiguous.hint).toBe(
        `Name the one you mean by its function name, for example getLambdaFunction('${first}').`,
      );
    }
    expect((await getLambdaFunction(second, { target })).name).toBe(second);
    await deleteLambdaFunction(first, { target });
    await deleteLambdaFunction(second, { target });
  }, 120_000);

  it('says FUNCTION_NOT_FOUND for a repository no function runs', async () => {
    const target = test.target;
    const idle = `lambdash-test/idle-${suffix}`;
    const repo = await createEcrRepo(idle, { target });
    const byName = await failure(getLambdaFunction(idle, { target }));
    expect(byName.code).toBe('FUNCTION_NOT_FOUND');
    expect(byName.message).toBe(
      `There is no Lambda function lambdash-test-idle-${suffix}, nor one running an image of the repository ${idle}.`,
    );
    const asRepo = await failure(getLambdaFunction(repo, { target }));
    expect(asRepo.code).toBe('FUNCTION_NOT_FOUND');
    expect(asRepo.message).toBe(`No Lambda function runs an image of the repository ${idle}.`);
    // A repository name too long for a function name is looked up as a repository only.
    const long = `lambdash-test/${'l'.repeat(70)}-${suffix}`;
    await createEcrRepo(long, { target });
    expect((await failure(getLambdaFunction(long, { target }))).message).toBe(
      `No Lambda function runs an image of the repository ${long}.`,
    );
    await deleteEcrRepo(repo, { target });
    await deleteEcrRepo(long, { target });
  });
});

describe('states and roles', () => {
  it('reports a function that goes Failed with Lambda’s reason, and recovers by a deployment of a good image', async () => {
    const v1 = images.versions.v1!;
    const name = `failing-${suffix}`;
    made.add(name);
    const broken = unpushedImage(v1);
    const missing = broken.uri;
    const error = await failure(createLambdaFunction(broken, { target: test.target, name }));
    expect(error.code).toBe('FUNCTION_FAILED');
    expect(error.message).toContain(
      `Function ${name} is Failed: Lambda could not pull the image ${missing}`,
    );
    expect(error.message).toContain('(ImageAccessDenied)');
    expect(error.hint).toContain(`deleteLambdaFunction('${name}', { deleteRole: true })`);
    expect((await getLambdaFunction(name, { target: test.target })).state).toBe('Failed');
    const fixed = await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name });
    expect(fixed).toMatchObject({ state: 'Active', lastUpdateStatus: 'Successful' });
    expect(await invokeFunction({ value: 'ok' }, fixed, { target: test.target })).toEqual({
      version: 'v1',
      echo: 'ok',
    });
  }, 120_000);

  it('reports a failed update every time the same image is deployed again, until a good one is', async () => {
    const v1 = images.versions.v1!;
    const name = `update-failed-${suffix}`;
    made.add(name);
    await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name });
    const broken = unpushedImage(v1);
    const first = await failure(createLambdaFunction(broken, { target: test.target, name }));
    expect(first.code).toBe('FUNCTION_FAILED');
    expect(first.message).toContain(`The update of function ${name} failed: `);
    // Lambda now names the broken image as the function's code: deploying it again must not
    // pass for "nothing to change".
    const again = await failure(createLambdaFunction(broken, { target: test.target, name }));
    expect(again.code).toBe('FUNCTION_FAILED');
    expect(again.message).toContain(`The update of function ${name} failed: `);
    const fixed = await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name });
    expect(fixed).toMatchObject({ state: 'Active', lastUpdateStatus: 'Successful' });
  }, 120_000);

  it('waits a bounded time for a function that stays Pending, announcing each wait', async () => {
    // The registry is reached through a gate held shut: the image cannot be pulled, so the
    // function stays Pending.
    const [host = '', port = ''] = (test.cloud.services.registryHost ?? '').split(':');
    const gate = await startGatedProxy({ host, port: Number(port) });
    const name = `pending-${suffix}`;
    made.add(name);
    try {
      const v1 = images.versions.v1!;
      const gated = { ...remoteImageOf(v1), uri: `${gate.host}/${repo}@${v1.digest}` };
      const { events, onEvent } = recorder();
      const error = await failure(
        createLambdaFunction(gated, { target: test.target, name, waitSeconds: 1, onEvent }),
      );
      expect(error.code).toBe('WAIT_TIMEOUT');
      expect(error.message).toMatch(
        new RegExp(`^Function ${name} is still Pending after \\d+ s\\.$`),
      );
      const waits = events.filter((event) => event.type === 'wait');
      expect(waits.length).toBeGreaterThanOrEqual(2);
      expect(waits[0]).toEqual({
        type: 'wait',
        what: `function ${name}`,
        state: 'Pending',
        seconds: expect.any(Number),
      });
      // It gave up once the bound was reached.
      expect((waits.at(-1) as { seconds: number }).seconds).toBeGreaterThanOrEqual(1);
    } finally {
      gate.open();
      await waitUntilFunctionActiveV2(
        { client: test.target.clients.lambda, maxWaitTime: 60 },
        { FunctionName: name },
      ).catch(() => undefined);
      await deleteLambdaFunction(name, { target: test.target }).catch(() => undefined);
      await gate.close();
    }
  }, 120_000);

  it('refuses a role Lambda cannot assume before CreateFunction', async () => {
    const roleName = `ec2-${suffix}`;
    await createServiceRole(test.target.clients.iam, roleName, 'ec2.amazonaws.com');
    const name = `ec2-fn-${suffix}`;
    const { events, onEvent } = recorder();
    const error = await failure(
      createLambdaFunction(
        { repo, tag: 'v1' },
        { target: test.target, name, role: roleName, onEvent },
      ),
    );
    expect(error.code).toBe('INVALID_ROLE');
    expect(error.message).toContain(`Role ${roleName} does not let Lambda assume it`);
    expect(calls(events)).not.toContain('CreateFunction');
    expect(await functionExists(name)).toBe(false);
  });

  it('retries CreateFunction while Lambda cannot assume a role IAM is still making known', async () => {
    // A role known to the caller before Lambda can assume it, as just after CreateRole on AWS:
    // here it exists in IAM only once the first retry was announced.
    const roleName = `late-${suffix}`;
    const role = roleNotInIam(roleName);
    const name = `late-fn-${suffix}`;
    made.add(name);
    const { events, onEvent } = recorder();
    let roleMade: Promise<unknown> | undefined;
    const fn = await createLambdaFunction(
      { repo, tag: 'v1' },
      {
        target: test.target,
        name,
        role,
        onEvent: (event) => {
          onEvent(event);
          if (event.type === 'retry' && !roleMade) {
            roleMade = createLambdaRole({ target: test.target, name: roleName });
          }
        },
      },
    );
    expect(fn).toMatchObject({ name, role: role.arn, state: 'Active' });
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries[0]).toEqual({
      type: 'retry',
      what: `Lambda CreateFunction ${name}`,
      reason: 'Lambda cannot assume the role yet (IAM is still propagating it)',
      attempt: 1,
      delayMs: 1000,
    });
    expect(calls(events).filter((op) => op === 'CreateFunction').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('gives up on a role Lambda never can assume after roleWaitSeconds, with INVALID_ROLE', async () => {
    const roleName = `never-${suffix}`;
    const role = roleNotInIam(roleName);
    const name = `never-fn-${suffix}`;
    const error = await failure(
      createLambdaFunction(
        { repo, tag: 'v1' },
        { target: test.target, name, role, roleWaitSeconds: 2 },
      ),
    );
    expect(error.code).toBe('INVALID_ROLE');
    expect(error.message).toMatch(
      new RegExp(`^Lambda cannot assume the role ${role.arn} \\(still refused after \\d+ s\\)\\.$`),
    );
    expect(await functionExists(name)).toBe(false);
  }, 60_000);
});

describe('deleteLambdaFunction', () => {
  it('deletes functions, and with deleteRole their role once no other function runs as it', async () => {
    const second = `second-${suffix}`;
    made.add(second);
    await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name: second });
    const failing = `failing-${suffix}`;
    // Every function running as the default role, but the two deleted here, goes first.
    for (const other of await getAllLambdaFunctions({
      target: test.target,
      generatedOnly: false,
    })) {
      if (other.role.endsWith(`/${DEFAULT_ROLE_NAME}`) && ![fnName, second].includes(other.name)) {
        await deleteLambdaFunction(other, { target: test.target });
      }
    }
    expect(await functionExists(failing)).toBe(false);

    await deleteLambdaFunction(second, { target: test.target, deleteRole: true });
    expect(await functionExists(second)).toBe(false);
    // fnName still runs as it.
    expect(await roleExists(DEFAULT_ROLE_NAME)).toBe(true);

    const fn = await getLambdaFunction(fnName, { target: test.target });
    const { events, onEvent } = recorder();
    await deleteLambdaFunction(fn, { target: test.target, deleteRole: true, onEvent });
    expect(await functionExists(fnName)).toBe(false);
    expect(await roleExists(DEFAULT_ROLE_NAME)).toBe(false);
    expect(calls(events)).toEqual([
      'DeleteFunction',
      'ListFunctions',
      'GetRole',
      'ListAttachedRolePolicies',
      'DetachRolePolicy',
      'DeleteRole',
    ]);

    // Already gone is quiet, by name or as the LambdaFunction (which goes on to its role, gone too).
    const again = recorder();
    await deleteLambdaFunction(fnName, { target: test.target, onEvent: again.onEvent });
    await deleteLambdaFunction(fn, {
      target: test.target,
      deleteRole: true,
      onEvent: again.onEvent,
    });
    await deleteLambdaFunction(fnName, { target: test.target, deleteRole: true });
    expect(calls(again.events)).toEqual([
      'DeleteFunction',
      'DeleteFunction',
      'ListFunctions',
      'GetRole',
    ]);
  }, 120_000);

  it('leaves a role lambdash did not make, even with deleteRole: it may serve more than Lambda', async () => {
    const roleName = `theirs-${suffix}`;
    const roleArn = await createServiceRole(test.target.clients.iam, roleName);
    const name = `their-role-fn-${suffix}`;
    made.add(name);
    await createLambdaFunction({ repo, tag: 'v1' }, { target: test.target, name, role: roleArn });
    const { events, onEvent } = recorder();
    await deleteLambdaFunction(name, { target: test.target, deleteRole: true, onEvent });
    expect(await functionExists(name)).toBe(false);
    expect(await roleExists(roleName)).toBe(true);
    expect(calls(events)).toEqual(['GetFunction', 'DeleteFunction', 'ListFunctions', 'GetRole']);
  }, 120_000);
});
