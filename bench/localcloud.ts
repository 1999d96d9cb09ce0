// Local cloud benchmark: a warm invoke through the local cloud's Lambda API against invoking
// the same image's emulator directly (both over plain HTTP, so the difference is what the
// local cloud adds), a cold start, and listing 1,000 functions. `npm run bench:localcloud`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  LambdaClient,
  paginateListFunctions,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { getDocker } from '../src/core/docker.js';
import {
  createLocalImage,
  deleteContainer,
  deleteLocalImage,
  getResponder,
  runImageLocally,
} from '../src/core/index.js';
import { startLocalCloud } from '../src/localcloud/index.js';
import { median, writeBenchmarkSection } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const WARM = Number(process.env.BENCH_WARM_INVOKES ?? 300);
const FUNCTIONS = Number(process.env.BENCH_FUNCTIONS ?? 1000);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const body = JSON.stringify({ name: 'bench' });

async function post(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', body });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - start;
}

/** Median ms of `count` sequential posts, after 20 to warm up. */
async function warmLatency(url: string, count: number): Promise<number> {
  for (let i = 0; i < 20; i++) await post(url);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await post(url));
  return median(samples);
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lambdash-bench-cloud-'));
  const suffix = randomBytes(3).toString('hex');
  const cloud = await startLocalCloud({ port: 0, dataDir });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials };
  const lambda = new LambdaClient(config);
  const image = await createLocalImage(
    await getResponder(path.join(root, 'bench/responders/hello/handler.ts'), {
      name: `bench-cloud-${suffix}`,
    }),
  );
  const pushed: string[] = [];
  try {
    const ecr = new ECRClient(config);
    const repo = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: `bench-cloud-${suffix}` }),
    );
    const auth = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
    const [username, password] = Buffer.from(auth.authorizationToken!, 'base64')
      .toString()
      .split(':');
    const docker = getDocker();
    await docker.getImage(image.id).tag({ repo: repo.repository!.repositoryUri!, tag: 'v1' });
    const imageUri = `${repo.repository!.repositoryUri}:v1`;
    pushed.push(imageUri);
    const stream = await docker
      .getImage(imageUri)
      .push({ authconfig: { username, password, serveraddress: auth.proxyEndpoint } });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())),
    );
    const role = await new IAMClient(config).send(
      new CreateRoleCommand({
        RoleName: 'bench',
        AssumeRolePolicyDocument: JSON.stringify({
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
    const create = async (name: string) => {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          PackageType: 'Image',
          Code: { ImageUri: imageUri },
          Role: role.Role!.Arn!,
          MemorySize: 256,
        }),
      );
      await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: name });
    };

    // Cold start: the first invoke of a new function (a container started, the runtime's init).
    await create('bench-cold');
    const cold = await post(`${cloud.endpoint}/2015-03-31/functions/bench-cold/invocations`);

    // Warm: the same image, through the local cloud and through its own emulator.
    await create('bench-warm');
    const viaCloud = await warmLatency(
      `${cloud.endpoint}/2015-03-31/functions/bench-warm/invocations`,
      WARM,
    );
    const container = await runImageLocally(image);
    let direct: number;
    let directCold: number;
    try {
      direct = await warmLatency(
        `${container.url}/2015-03-31/functions/function/invocations`,
        WARM,
      );
    } finally {
      await deleteContainer(container);
    }
    const fresh = await runImageLocally(image);
    try {
      directCold = await post(`${fresh.url}/2015-03-31/functions/function/invocations`);
    } finally {
      await deleteContainer(fresh);
    }

    // Listing: FUNCTIONS functions, read back through the SDK's paginator.
    for (let i = 0; i < FUNCTIONS - 2; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, FUNCTIONS - 2 - i) }, (_, k) =>
          lambda.send(
            new CreateFunctionCommand({
              FunctionName: `list-${i + k}`,
              PackageType: 'Image',
              Code: { ImageUri: imageUri },
              Role: role.Role!.Arn!,
            }),
          ),
        ),
      );
    }
    const listStart = performance.now();
    let listed = 0;
    for await (const page of paginateListFunctions({ client: lambda }, {}))
      listed += page.Functions?.length ?? 0;
    const listMs = performance.now() - listStart;

    const text = [
      `Hello-world image, ${WARM} sequential warm invocations over plain HTTP after 20 to warm up; medians. Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| what | figure | target |',
      '|---|---|---|',
      `| warm invoke through the local cloud | ${viaCloud.toFixed(2)} ms | – |`,
      `| warm invoke of the container's emulator directly | ${direct.toFixed(2)} ms | – |`,
      `| what the local cloud adds to a warm invoke | **${(viaCloud - direct).toFixed(2)} ms** (ratio ${(viaCloud / direct).toFixed(2)}) | ≤ 2 ms |`,
      `| cold start through the local cloud (first invoke of a new function) | ${cold.toFixed(1)} ms | – |`,
      `| cold start of the emulator directly (first invoke of a fresh container) | ${directCold.toFixed(1)} ms | – |`,
      `| listing ${listed} functions with the SDK paginator | ${listMs.toFixed(0)} ms | – |`,
    ].join('\n');
    console.log(text);
    await writeBenchmarkSection(
      'localcloud',
      'Local cloud: warm and cold invokes, listing (issue 4)',
      text,
    );
  } finally {
    await cloud.stop();
    const docker = getDocker();
    for (const ref of pushed)
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    await deleteLocalImage(image, { force: true }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
