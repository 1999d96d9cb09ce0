// Functions run like Lambda's, through the real SDK clients, the real engine and a real local
// cloud: the runtime runs as Lambda's sandbox user (whatever USER the image names) with a
// writable /tmp, and holds its role's temporary credentials, with which the function signs its
// own call to the local cloud at AWS_ENDPOINT_URL. A container's credentials are renewed by
// replacing the container before they expire.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalImage, deleteLocalImage, getResponder } from '../../../src/core/index.js';
import { FunctionContainers } from '../../../src/localcloud/function-containers.js';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import type { FunctionConfiguration } from '../../../src/localcloud/lambda-functions.js';
import { FunctionPool } from '../../../src/localcloud/lambda-invoker.js';
import { buildTestImage, removeImages, testDocker } from '../../support/docker.js';
import {
  createServiceRole,
  pushToLocalEcr,
  removeFunctionContainers,
} from '../../support/localcloud.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const suffix = randomBytes(4).toString('hex');
const repositoryName = `lc-sandbox-${suffix}`;
const roleName = `sandbox-role-${suffix}`;
const names = {
  plain: `sandbox-${suffix}`,
  ownEndpoint: `sandbox-endpoint-${suffix}`,
  userImage: `sandbox-user-${suffix}`,
  pool: `sandbox-pool-${suffix}`,
};
/** An endpoint the function's own environment names; the fixture never calls it. */
const OWN_ENDPOINT = 'https://lambda-sandbox.example.invalid';
const userImageTag = `lambdash-test-sandbox-user:${suffix}`;

let cloud: LocalCloud;
let root: AwsCredentialIdentity;
let lambda: LambdaClient;
let imageId: string;
let deleteImage: () => Promise<void> = async () => undefined;
let roleArn: string;
const pushed: string[] = [];

interface Answer {
  uid: number;
  gid: number;
  tmpWritable: boolean;
  taskWritable: boolean;
  env: {
    AWS_ACCESS_KEY_ID: string | null;
    AWS_SECRET_ACCESS_KEY: string | null;
    AWS_SESSION_TOKEN: string | null;
    AWS_ENDPOINT_URL: string | null;
  };
  callerIdentity: { status: number; body: string } | null;
}

async function invoke(name: string): Promise<Answer> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }));
  const text = Buffer.from(out.Payload ?? []).toString('utf8');
  if (out.FunctionError) throw new Error(`${name} failed: ${text}`);
  return JSON.parse(text) as Answer;
}

async function createActive(name: string, imageUri: string, env?: Record<string, string>) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      PackageType: 'Image',
      Code: { ImageUri: imageUri },
      Role: roleArn,
      Timeout: 10,
      ...(env ? { Environment: { Variables: env } } : {}),
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: name });
}

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dataDir: makeTempDir('lambdash-cloud-sandbox-') });
  const env = cloud.env();
  root = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
  };
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: root };
  lambda = new LambdaClient(config);
  const ecr = new ECRClient(config);
  const iam = new IAMClient(config);
  // Built under umask 077, which leaves files 0600 on disk: the image must still let Lambda's
  // unprivileged user read the runtime and the code, or no invocation below would answer.
  const umask = process.umask(0o077);
  let image: Awaited<ReturnType<typeof createLocalImage>>;
  try {
    image = await createLocalImage(
      await getResponder(path.join(repoRoot, 'test/fixtures/localcloud/sandbox.ts'), {
        name: repositoryName,
      }),
      { tag: 'v1' },
    );
  } finally {
    process.umask(umask);
  }
  imageId = image.id;
  deleteImage = () => deleteLocalImage(image, { force: true });
  // The same image, declaring a user of its own (Lambda ignores USER).
  await buildTestImage(userImageTag, `FROM ${imageId}\nUSER 1234:1234\n`);
  const plain = await pushToLocalEcr(ecr, repositoryName, imageId, 'v1');
  const withUser = await pushToLocalEcr(ecr, repositoryName, userImageTag, 'with-user');
  pushed.push(plain.uri, withUser.uri);
  roleArn = await createServiceRole(iam, roleName);
  await createActive(names.plain, plain.uri);
  await createActive(names.ownEndpoint, plain.uri, { AWS_ENDPOINT_URL: OWN_ENDPOINT });
  await createActive(names.userImage, withUser.uri);
  ecr.destroy();
  iam.destroy();
}, 300_000);

afterAll(async () => {
  lambda?.destroy();
  await cloud?.stop();
  await removeFunctionContainers(...Object.values(names));
  await removeImages(...pushed, userImageTag);
  await deleteImage().catch(() => undefined);
  removeTempDirs();
}, 120_000);

describe("a function's container", () => {
  it("runs the runtime as Lambda's sandbox user, with /tmp writable and /var/task not", async () => {
    const answer = await invoke(names.plain);
    expect(answer).toMatchObject({ uid: 993, gid: 990, tmpWritable: true, taskWritable: false });
  });

  it('runs as the sandbox user even when the image names a USER, as Lambda does', async () => {
    const answer = await invoke(names.userImage);
    expect(answer).toMatchObject({ uid: 993, gid: 990, tmpWritable: true });
  });

  it("holds its role's temporary credentials, with the function's name as the session", async () => {
    const { env } = await invoke(names.plain);
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(env.AWS_SESSION_TOKEN).toBeTruthy();
    const sessionArn = `arn:aws:sts::000000000000:assumed-role/${roleName}/${names.plain}`;
    const authority = cloud.services.authority;
    const key = env.AWS_ACCESS_KEY_ID ?? '';
    const token = env.AWS_SESSION_TOKEN ?? '';
    expect(authority.lookup(key, token)).toMatchObject({
      ok: true,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      caller: { arn: sessionArn },
    });
    // Valid for Lambda's 12 hours: still in 11, expired past 12.
    const hour = 3_600_000;
    expect(authority.lookup(key, token, Date.now() + 11 * hour).ok).toBe(true);
    expect(authority.lookup(key, token, Date.now() + 12 * hour + 1000)).toEqual({
      ok: false,
      problem: 'expired-token',
    });
    // The test process can sign with them too.
    const sts = new STSClient({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: key,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
        sessionToken: token,
      },
    });
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(sessionArn);
    } finally {
      sts.destroy();
    }
  });

  it('calls the local cloud at AWS_ENDPOINT_URL, signed with those credentials', async () => {
    const answer = await invoke(names.plain);
    expect(answer.env.AWS_ENDPOINT_URL).toBe(cloud.endpoint);
    expect(answer.callerIdentity?.status).toBe(200);
    expect(answer.callerIdentity?.body).toContain(
      `<Arn>arn:aws:sts::000000000000:assumed-role/${roleName}/${names.plain}</Arn>`,
    );
  });

  it("keeps an AWS_ENDPOINT_URL the function's own environment sets", async () => {
    const answer = await invoke(names.ownEndpoint);
    expect(answer.env.AWS_ENDPOINT_URL).toBe(OWN_ENDPOINT);
    expect(answer.env.AWS_SESSION_TOKEN).toBeTruthy();
  });

  it('keeps its credentials while warm', async () => {
    const first = await invoke(names.plain);
    const second = await invoke(names.plain);
    expect(second.env.AWS_ACCESS_KEY_ID).toBe(first.env.AWS_ACCESS_KEY_ID);
  });
});

describe('FunctionPool', () => {
  it('replaces a container whose credentials would not outlast another invocation', async () => {
    const configuration: FunctionConfiguration = {
      FunctionName: names.pool,
      FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${names.pool}`,
      Role: roleArn,
      Description: '',
      Timeout: 10,
      MemorySize: 256,
      Environment: { Variables: {} },
      Architectures: ['x86_64'],
      PackageType: 'Image',
      CodeSize: 0,
      CodeSha256: '',
      Version: '$LATEST',
      LastModified: new Date().toISOString(),
      RevisionId: 'r',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: 'PassThrough' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${names.pool}` },
    };
    // Credentials for 30 seconds cannot cover a 10-second invocation plus the minute of margin:
    // every container serves one invocation, and the next one gets fresh credentials.
    const docker = testDocker();
    const containers = new FunctionContainers(docker);
    const pool = new FunctionPool(configuration, imageId, {
      docker,
      containers,
      region: 'us-east-1',
      maxContainers: 1,
      idleMs: 60_000,
      log: () => undefined,
      authority: cloud.services.authority,
      endpoint: cloud.endpoint,
      sessionSeconds: 30,
    });
    try {
      const keys: string[] = [];
      for (let i = 0; i < 2; i++) {
        const result = await pool.invoke({ payload: Buffer.from('{}') });
        await result.log;
        const answer = JSON.parse(result.body.toString('utf8')) as Answer;
        keys.push(answer.env.AWS_ACCESS_KEY_ID ?? '');
      }
      expect(keys[0]).toMatch(/^ASIA/);
      expect(keys[1]).toMatch(/^ASIA/);
      expect(keys[1]).not.toBe(keys[0]);
    } finally {
      await pool.close();
      await containers.close();
    }
  });
});
