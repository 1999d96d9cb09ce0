// The local cloud's registry asks for ECR's token, as ECR does: through the real docker CLI (with
// a config folder of its own, so the user's ~/.docker is never read or written), dockerode and
// plain fetch, a push without login and a wrong password are refused, a push with the token
// from GetAuthorizationToken works, and Lambda pulls the image with the registry's credentials.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { buildTestImage, imageExists, removeImages, testDocker } from '../../support/docker.js';
import { createServiceRole, removeFunctionContainers } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const run = promisify(execFile);
const suffix = randomBytes(4).toString('hex');
const repository = `registry-auth-${suffix}`;
const functionName = `registry-auth-${suffix}`;

let cloud: LocalCloud;
let ecr: ECRClient;
let host: string;
let image: string;
/** DOCKER_CONFIG for every docker CLI call here: a folder of this test's own. */
let dockerConfig: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dataDir: makeTempDir('lambdash-registry-auth-') });
  ecr = new ECRClient(clientConfig());
  host = cloud.services.registryHost!;
  dockerConfig = makeTempDir('lambdash-docker-config-');
  await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  image = `${host}/${repository}:v1`;
  await buildTestImage(image, 'FROM scratch\nCOPY data.txt /data.txt\n', {
    'data.txt': `registry auth ${suffix}`,
  });
});

afterAll(async () => {
  await new LambdaClient(clientConfig())
    .send(new DeleteFunctionCommand({ FunctionName: functionName }))
    .catch(() => undefined);
  await removeFunctionContainers(functionName);
  await cloud?.stop();
  await removeImages(image, ...(await repoImages()));
  removeTempDirs();
});

/** The local cloud's own credentials (the data folder's, not a well-known pair). */
function clientConfig() {
  const env = cloud.env();
  return {
    endpoint: cloud.endpoint,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  };
}

/** Every local reference (tag or digest) of the test's repository. */
async function repoImages(): Promise<string[]> {
  const images = await testDocker().listImages({ all: true });
  return images
    .flatMap((i) => [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])])
    .filter((ref) => ref.startsWith(`${host}/${repository}`));
}

/** The docker CLI with this test's config folder; never throws, returns what it said. */
async function docker(args: string[], input?: string): Promise<{ code: number; output: string }> {
  const child = run('docker', args, {
    env: { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_API_VERSION: '1.41' },
  });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout}${e.stderr}` };
  }
}

/** GetAuthorizationToken's answer, decoded as clients decode it. */
async function token(): Promise<{
  username: string;
  password: string;
  proxyEndpoint: string;
  expiresAt: Date;
}> {
  const data = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
  const decoded = Buffer.from(data.authorizationToken!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    proxyEndpoint: data.proxyEndpoint!,
    expiresAt: data.expiresAt!,
  };
}

/** Pushes through dockerode with this password; the engine's error text, or the digest. */
async function pushWith(password: string): Promise<{ error?: string; digest?: string }> {
  const engine = testDocker();
  const stream = await engine.getImage(image).push({
    authconfig: { username: 'AWS', password, serveraddress: `http://${host}` },
  });
  const lines = await new Promise<{ error?: string; aux?: { Digest?: string } }[]>(
    (resolve, reject) =>
      engine.modem.followProgress(stream, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
  );
  const error = lines.find((line) => line.error)?.error;
  if (error) return { error };
  return { digest: lines.find((line) => line.aux?.Digest)?.aux?.Digest };
}

function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** Files under `dir` whose content includes `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile() && readFileSync(file, 'utf8').includes(secret));
}

describe('the registry asks for the token', () => {
  it('hands out base64 of AWS:<password>, for the registry, for 12 hours', async () => {
    const before = Date.now();
    const t = await token();
    expect(t.username).toBe('AWS');
    expect(t.password).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(t.proxyEndpoint).toBe(`http://${host}`);
    expect(t.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 12 * 3600_000 - 1000);
    expect(t.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 12 * 3600_000 + 1000);
    // The same password on every call while the cloud runs: it is the registry's.
    expect((await token()).password).toBe(t.password);
  });

  it('refuses `docker push` without login', async () => {
    const pushed = await docker(['push', image]);
    expect(pushed.code).not.toBe(0);
    expect(pushed.output).toMatch(
      /no basic auth credentials|unauthorized|authentication required/i,
    );
    expect(await repoDigests()).toEqual([]);
  });

  it('answers 401 to the HTTP API without credentials or with a wrong password', async () => {
    const anonymous = await fetch(`http://${host}/v2/_catalog`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await anonymous.arrayBuffer();

    const { password } = await token();
    const wrongPassword = `${password.slice(0, -2)}xx`;
    for (const headers of [basic('AWS', wrongPassword), basic('docker', password)]) {
      const refused = await fetch(`http://${host}/v2/_catalog`, { headers });
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
    }
  });

  it('refuses a wrong password from `docker login` and from a push', async () => {
    const { password } = await token();
    const wrongPassword = `${password.slice(0, -2)}xx`;
    const login = await docker(
      ['login', '--username', 'AWS', '--password-stdin', host],
      wrongPassword,
    );
    expect(login.code).not.toBe(0);
    expect(login.output).toMatch(/401|unauthorized/i);

    const pushed = await pushWith(wrongPassword);
    expect(pushed.error).toMatch(/unauthorized|authentication required|no basic auth/i);
    expect(await repoDigests()).toEqual([]);
  });

  it('accepts a push with the token from GetAuthorizationToken, and keeps it off the disk', async () => {
    const { password } = await token();
    const pushed = await pushWith(password);
    expect(pushed.error).toBeUndefined();
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await repoDigests()).toEqual([pushed.digest]);

    const catalog = await fetch(`http://${host}/v2/_catalog`, { headers: basic('AWS', password) });
    expect(catalog.status).toBe(200);
    expect(((await catalog.json()) as { repositories: string[] }).repositories).toContain(
      repository,
    );

    expect(filesContaining(cloud.dataDir, password)).toEqual([]);
    expect(filesContaining(dockerConfig, password)).toEqual([]);
  });

  it("lets Lambda pull the image with the registry's credentials", async () => {
    // Gone from the engine: the function can only become Active by pulling it.
    await removeImages(image, ...(await repoImages()));
    expect(await imageExists(image)).toBe(false);

    const iam = new IAMClient(clientConfig());
    const role = await createServiceRole(iam, `registry-auth-${suffix}`);
    const lambda = new LambdaClient(clientConfig());
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        PackageType: 'Image',
        Code: { ImageUri: image },
        Role: role,
      }),
    );
    const waited = await waitUntilFunctionActiveV2(
      { client: lambda, maxWaitTime: 120 },
      { FunctionName: functionName },
    );
    expect(waited.state).toBe('SUCCESS');
    expect((await repoImages()).some((ref) => ref.includes('@sha256:'))).toBe(true);
  });
});

/** The digests ECR lists for the test's repository. */
async function repoDigests(): Promise<(string | undefined)[]> {
  const described = await ecr.send(new DescribeImagesCommand({ repositoryName: repository }));
  return (described.imageDetails ?? []).map((detail) => detail.imageDigest);
}
