// Local cloud benchmark. `npm run bench:localcloud`.
// - A warm invoke through the local cloud's Lambda API against invoking the same image's emulator
//   directly (both over one kept-alive node:http connection, so the difference is what the local
//   cloud adds), a cold start of each, and listing 1,000 functions.
// - The peer: moto 5's `moto_server`, started here on a free loopback port, twice: as it ships
//   (it checks no signature) and with its IAM auth on (it recomputes the signature and evaluates
//   the caller's policies). The same SDK v3 client code calls all three, alternating rounds.
// - What checking signatures costs: the client's signing, the server's verification in process,
//   and a signed STS GetCallerIdentity (auth and routing) against a request refused unsigned.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand,
  paginateListFunctions,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getDocker } from '../src/core/images/docker.js';
import {
  createLocalImage,
  deleteContainer,
  deleteLocalImage,
  getResponder,
  runImageLocally,
} from '../src/core/index.js';
import { startLocalCloud } from '../src/localcloud/index.js';
import { verifySignature } from '../src/localcloud/sigv4.js';
import { median, writeBenchmarkSection } from './report.js';
import { closeConnections, type Keys, type Request, requestSigner, send } from './signed-http.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const WARM = Number(process.env.BENCH_WARM_INVOKES ?? 300);
const FUNCTIONS = Number(process.env.BENCH_FUNCTIONS ?? 1000);
/** Rounds that alternate between peers; each holds an equal share of the calls. */
const ROUNDS = 5;
const CONTROL_CALLS = Number(process.env.BENCH_CONTROL_CALLS ?? 100);
const WARM_UP = 20;
const COLD = Number(process.env.BENCH_COLD_STARTS ?? 5);
const invokeBody = JSON.stringify({ name: 'bench' });
const ROLE_POLICY = JSON.stringify({
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Lets the last request's leftovers (the socket going back to the pool, its events) run before
 * the next timer starts, so each figure holds its own request's work and nothing else.
 */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Times `count` sequential calls, in ms, into `into`. */
async function sample(call: () => Promise<unknown>, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    await settle();
    const start = performance.now();
    await call();
    into.push(performance.now() - start);
  }
}

/** Microseconds per synchronous call, the median of batches. */
function microsPerCall(fn: () => unknown, batch = 200, batches = 30): number {
  for (let i = 0; i < batch; i++) fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - start) * 1000) / batch);
  }
  return median(samples);
}

/** Microseconds per awaited call, one after another, the median of batches. */
async function microsPerAsyncCall(fn: () => Promise<unknown>, batch = 200, batches = 30) {
  for (let i = 0; i < batch; i++) await fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    samples.push(((performance.now() - start) * 1000) / batch);
  }
  return median(samples);
}

function expectStatus(answer: { status: number; text: string }, status: number, what: string) {
  if (answer.status !== status)
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** `moto_server` on a free loopback port, once it answers. */
async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  // Drained: werkzeug logs every request there.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false)
      child.kill('SIGKILL');
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      await (await fetch(`${endpoint}/moto-api/data.json`)).arrayBuffer();
      return { endpoint, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
      }
      await sleep(100);
    }
  }
}

async function motoVersion(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      'import moto; print(moto.__version__)',
    ]);
    return stdout.trim();
  } catch {
    return '5';
  }
}

/** SDK v3 clients for one endpoint, the same code for every peer. */
function clients(endpoint: string, credentials: Keys) {
  const config = { endpoint, region: 'us-east-1', credentials };
  return {
    config,
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
}
type Clients = ReturnType<typeof clients>;

/** The control-plane calls every peer serves, on an account with no functions. */
const controlCalls: readonly { name: string; call: (c: Clients) => Promise<unknown> }[] = [
  {
    name: 'Lambda ListFunctions (no functions)',
    call: (c) => c.lambda.send(new ListFunctionsCommand({})),
  },
  { name: 'IAM GetRole', call: (c) => c.iam.send(new GetRoleCommand({ RoleName: 'bench' })) },
  { name: 'STS GetCallerIdentity', call: (c) => c.sts.send(new GetCallerIdentityCommand({})) },
];

/**
 * moto with its IAM auth on: an IAM user allowed everything, its access key, then
 * `/moto-api/reset-auth 0`, after which moto checks every request's signature and policies.
 */
async function enableMotoAuth(endpoint: string): Promise<Keys> {
  const iam = new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await iam.send(new CreateUserCommand({ UserName: 'bench' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'bench',
      PolicyName: 'everything',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bench' }))).AccessKey!;
  await iam.send(
    new CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: ROLE_POLICY }),
  );
  const reset = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!reset.ok) throw new Error(`moto's reset-auth answered ${reset.status}`);
  const keys = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  // Auth really is on: a wrong secret must be refused.
  const wrong = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { ...keys, secretAccessKey: `${keys.secretAccessKey}x` },
  });
  const refused = await wrong.send(new GetCallerIdentityCommand({})).then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error('moto accepted a wrong signature with its auth on');
  return keys;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lambdash-bench-cloud-'));
  const suffix = randomBytes(3).toString('hex');
  const cloud = await startLocalCloud({ port: 0, dataDir });
  const motos: Moto[] = [];
  const image = await createLocalImage(
    await getResponder(path.join(root, 'bench/responders/hello/handler.ts'), {
      name: `bench-cloud-${suffix}`,
    }),
  );
  const pushed: string[] = [];
  try {
    const ours = clients(cloud.endpoint, cloud.credentials);
    const { lambda } = ours;
    const moto = await startMoto();
    motos.push(moto);
    const motoAuth = await startMoto();
    motos.push(motoAuth);
    const theirs = clients(moto.endpoint, { accessKeyId: 'test', secretAccessKey: 'test' });
    const theirsAuth = clients(motoAuth.endpoint, await enableMotoAuth(motoAuth.endpoint));
    const role = await ours.iam.send(
      new CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: ROLE_POLICY }),
    );
    const motoRole = await theirs.iam.send(
      new CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: ROLE_POLICY }),
    );

    // Control plane: the same SDK calls, each signed by the SDK, alternating between peers.
    const peers = [
      { name: 'lambdash', clients: ours },
      { name: 'moto', clients: theirs },
      { name: 'moto, auth on', clients: theirsAuth },
    ];
    const control = new Map<string, number[]>();
    for (const peer of peers)
      for (const op of controlCalls) {
        await sample(() => op.call(peer.clients), WARM_UP, []);
        control.set(`${peer.name}/${op.name}`, []);
      }
    for (let round = 0; round < ROUNDS; round++)
      for (const peer of peers)
        for (const op of controlCalls)
          await sample(
            () => op.call(peer.clients),
            CONTROL_CALLS,
            control.get(`${peer.name}/${op.name}`)!,
          );
    const controlMs = (peer: string, op: string) => median(control.get(`${peer}/${op}`)!);

    // Auth alone: a signed GetCallerIdentity sent raw (signed before the timer, so no SDK and no
    // client signing in the figure) against the same request unsigned, refused before its
    // signature is read; and the server's verification in process.
    const stsRequest: Request = {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    };
    const signSts = requestSigner(cloud.endpoint, 'sts', cloud.credentials);
    const signedSts: number[] = [];
    const unsignedSts: number[] = [];
    const rawSts = async (into: number[] | undefined, signed: boolean) => {
      const request = signed ? await signSts(stsRequest) : stsRequest;
      await settle();
      const start = performance.now();
      const answer = await send(cloud.endpoint, request);
      into?.push(performance.now() - start);
      expectStatus(answer, signed ? 200 : 403, 'GetCallerIdentity');
    };
    for (let i = 0; i < WARM_UP; i++) {
      await rawSts(undefined, true);
      await rawSts(undefined, false);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < CONTROL_CALLS; i++) await rawSts(signedSts, true);
      for (let i = 0; i < CONTROL_CALLS; i++) await rawSts(unsignedSts, false);
    }

    // Lambda: an image in the local registry, functions made from it.
    const ecr = new ECRClient(ours.config);
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

    // Invokes are signed per request, as a client would, but before the timer starts: the
    // figure is what the server does. The signing itself is timed apart.
    const signLambda = requestSigner(cloud.endpoint, 'lambda', cloud.credentials);
    const invokeRequest = (name: string): Request => ({
      method: 'POST',
      path: `/2015-03-31/functions/${name}/invocations`,
      headers: { 'content-type': 'application/json' },
      body: invokeBody,
    });
    const signing: number[] = [];
    const invokeCloud = async (name: string, into?: number[]) => {
      await settle();
      const signStart = performance.now();
      const request = await signLambda(invokeRequest(name));
      const start = performance.now();
      const answer = await send(cloud.endpoint, request);
      const end = performance.now();
      expectStatus(answer, 200, `invoke ${name}`);
      if (into) {
        signing.push(start - signStart);
        into.push(end - start);
      }
      return end - start;
    };
    const invokeDirect = async (url: string, into?: number[]) => {
      await settle();
      const start = performance.now();
      const answer = await send(url, invokeRequest('function'));
      const end = performance.now();
      expectStatus(answer, 200, 'the emulator');
      into?.push(end - start);
      return end - start;
    };

    // Cold starts, alternating: the first invoke of a new function (a container started, the
    // runtime's init) and the first invoke of a fresh container of the image.
    const colds: number[] = [];
    const directColds: number[] = [];
    for (let i = 0; i < COLD; i++) {
      await create(`bench-cold-${i}`);
      colds.push(await invokeCloud(`bench-cold-${i}`));
      const fresh = await runImageLocally(image);
      try {
        directColds.push(await invokeDirect(fresh.url));
      } finally {
        await deleteContainer(fresh);
      }
    }
    const cold = median(colds);
    const directCold = median(directColds);

    // Warm: the same image through the local cloud and through its own emulator, alternating.
    await create('bench-warm');
    const viaCloud: number[] = [];
    const viaEmulator: number[] = [];
    const container = await runImageLocally(image);
    try {
      for (let i = 0; i < WARM_UP; i++) {
        await invokeCloud('bench-warm');
        await invokeDirect(container.url);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < WARM / ROUNDS; i++) await invokeCloud('bench-warm', viaCloud);
        for (let i = 0; i < WARM / ROUNDS; i++) await invokeDirect(container.url, viaEmulator);
      }
    } finally {
      await deleteContainer(container);
    }

    // The server's verification alone, in process, on the invoke request.
    const verifyMicros = async (request: Request) => {
      const signed = await signLambda(request);
      const wire = {
        method: signed.method,
        url: signed.path,
        rawHeaders: Object.entries(signed.headers).flat(),
        body: Buffer.from(signed.body),
      };
      const lookup = () => ({
        ok: true as const,
        secretAccessKey: cloud.credentials.secretAccessKey,
        caller: {
          arn: 'arn:aws:iam::000000000000:root',
          userId: '000000000000',
          accessKeyId: cloud.credentials.accessKeyId,
        },
      });
      if (!verifySignature(wire, lookup).ok)
        throw new Error('verifySignature refused a signed request');
      return microsPerCall(() => verifySignature(wire, lookup));
    };
    const verifyInvoke = await verifyMicros(invokeRequest('bench-warm'));
    const signBackToBack = await microsPerAsyncCall(() => signLambda(invokeRequest('bench-warm')));

    // Listing: FUNCTIONS functions in each, read back through the SDK's paginator, alternating.
    // moto takes any image URI without Docker (it stubs ECR), so the two hold the same list.
    /** Functions `list-<from>` … `list-<to - 1>`, all at once (the batches are 25). */
    const createBatch = (c: Clients, roleArn: string, from: number, to: number) =>
      Promise.all(
        Array.from({ length: to - from }, (_, k) =>
          c.lambda.send(
            new CreateFunctionCommand({
              FunctionName: `list-${from + k}`,
              PackageType: 'Image',
              Code: { ImageUri: imageUri },
              Role: roleArn,
            }),
          ),
        ),
      );
    /** Every function through the SDK's paginator; `pageSize` is its MaxItems. */
    const listAll = async (c: Clients, pageSize?: number) => {
      const start = performance.now();
      let count = 0;
      let active = 0;
      let pages = 0;
      const config = { client: c.lambda, ...(pageSize ? { pageSize } : {}) };
      for await (const page of paginateListFunctions(config, {})) {
        pages++;
        for (const f of page.Functions ?? []) {
          count++;
          if (f.State === undefined || f.State === 'Active') active++;
        }
      }
      return { count, active, pages, ms: performance.now() - start };
    };
    /** Waits until every function is listed Active (each is Pending while its image is pulled). */
    const untilActive = async (c: Clients) => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const { count, active } = await listAll(c);
        if (count === FUNCTIONS && active === count) return;
        if (Date.now() > deadline)
          throw new Error(`${count - active} of ${count} functions not Active after 5 minutes`);
        await sleep(100);
      }
    };
    // The local cloud holds the functions made above already; moto gets as many, untimed.
    const made = COLD + 1;
    const activeBatch = async (from: number, to: number) => {
      const deadline = Date.now() + 120_000;
      let waiting = Array.from({ length: to - from }, (_, k) => `list-${from + k}`);
      while (waiting.length > 0) {
        const states = await Promise.all(
          waiting.map((name) =>
            lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
          ),
        );
        if (states.some((c) => c.State === 'Failed'))
          throw new Error(
            `a function failed: ${states.find((c) => c.State === 'Failed')?.StateReason}`,
          );
        waiting = waiting.filter((_, i) => states[i]?.State !== 'Active');
        if (Date.now() > deadline)
          throw new Error(`${waiting.join(', ')} not Active after 2 minutes`);
        if (waiting.length > 0) await sleep(10);
      }
    };
    await createBatch(theirs, motoRole.Role!.Arn!, FUNCTIONS - made, FUNCTIONS);
    // Creation, batch by batch, alternating between the two.
    let createOurs = 0;
    let createTheirs = 0;
    for (let from = 0; from < FUNCTIONS - made; from += 25) {
      const to = Math.min(from + 25, FUNCTIONS - made);
      const a = performance.now();
      await createBatch(ours, role.Role!.Arn!, from, to);
      // The local cloud answers Pending and pulls the image after: its batch ends once all are
      // Active, so that work is counted, and not left running while moto's batch is timed.
      await activeBatch(from, to);
      const b = performance.now();
      await createBatch(theirs, motoRole.Role!.Arn!, from, to);
      createOurs += b - a;
      createTheirs += performance.now() - b;
    }
    await untilActive(ours);
    await untilActive(theirs);
    // As the SDK pages by default (AWS's 50 a page; moto ignores MaxItems and Marker and answers
    // every function at once), then in one page each (MaxItems FUNCTIONS), the same work for both.
    const listing = async (pageSize?: number) => {
      const ms: [number[], number[]] = [[], []];
      const pages: [number, number] = [0, 0];
      await listAll(ours, pageSize);
      await listAll(theirs, pageSize);
      for (let round = 0; round < ROUNDS; round++) {
        const results = [await listAll(ours, pageSize), await listAll(theirs, pageSize)];
        for (const [i, result] of results.entries()) {
          if (result.count !== FUNCTIONS)
            throw new Error(`listed ${result.count} functions, not ${FUNCTIONS}`);
          ms[i]!.push(result.ms);
          pages[i] = result.pages;
        }
      }
      return { ours: median(ms[0]), theirs: median(ms[1]), pages };
    };
    const paged = await listing();
    const onePage = await listing(FUNCTIONS);

    const warmCloud = median(viaCloud);
    const warmDirect = median(viaEmulator);
    const signMs = median(signing);
    const stsSigned = median(signedSts);
    const stsUnsigned = median(unsignedSts);
    const version = await motoVersion();
    const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const controlRows = controlCalls.map((op) => {
      const [a, b, c] = peers.map((peer) => controlMs(peer.name, op.name)) as [
        number,
        number,
        number,
      ];
      return `| ${op.name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${c.toFixed(2)} | **${ratio(a, b)}** | **${ratio(a, c)}** |`;
    });
    const calls = ROUNDS * CONTROL_CALLS;
    const text = [
      `Hello-world image. Every request to the local cloud is SigV4-signed with the data folder's own keys (\`cloud.credentials\`). Node ${process.version}, moto ${version}, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      `**Invokes.** ${WARM} sequential warm invocations through the local cloud and ${WARM} of the same image's emulator directly, in ${ROUNDS} alternating rounds after ${WARM_UP} each to warm up, over one kept-alive node:http connection each; medians. Each invocation of the local cloud is signed afresh with the SDK's own signer (@smithy/signature-v4, node:crypto's SHA-256), as a client would sign it, rather than signed once and replayed (which the cloud would accept within its 5-minute window): but the signing happens before the timer starts, so the invoke figures are what the server does, and the signing is timed apart. The emulator checks no signature and gets the same request unsigned, so the difference includes the cloud's signature check.`,
      '',
      '| what | figure | target |',
      '|---|---|---|',
      `| warm invoke through the local cloud (signed) | ${ms(warmCloud)} | – |`,
      `| warm invoke of the container's emulator directly | ${ms(warmDirect)} | – |`,
      `| what the local cloud adds to a warm invoke | **${ms(warmCloud - warmDirect)}** (ratio ${ratio(warmCloud, warmDirect)}) | ≤ 2 ms |`,
      `| cold start through the local cloud (first invoke of a new function; median of ${COLD}) | ${ms(cold, 1)} | – |`,
      `| cold start of the emulator directly (first invoke of a fresh container; median of ${COLD}) | ${ms(directCold, 1)} | – |`,
      `| client: signing one invoke request (not in the figures above), in the loop; back to back | ${ms(signMs, 3)}; ${ms(signBackToBack / 1000, 3)} | – |`,
      `| server: verifying one invoke request's signature, in process (\`verifySignature\`) | ${(verifyInvoke / 1000).toFixed(3)} ms (${((verifyInvoke / 1000 / (warmCloud - warmDirect)) * 100).toFixed(0)}% of what the cloud adds) | – |`,
      `| signed STS GetCallerIdentity, signed before the timer (auth and routing) | ${ms(stsSigned)} | – |`,
      `| the same request unsigned, refused before its signature is read (403) | ${ms(stsUnsigned)} | – |`,
      '',
      `**Against moto.** moto ${version}'s \`moto_server\` (Python, werkzeug's threaded server), started on a free loopback port in the same run, twice: as it ships, where it checks no signature at all, and with its IAM auth on (\`/moto-api/reset-auth 0\` after making an IAM user allowed \`*\`), where it recomputes each request's signature and evaluates the user's policies, as AWS does, and as the local cloud does minus the policies. The same SDK v3 client code calls each (its default kept-alive agent; every request signed by the SDK, so client work is the same for all), ${calls} calls per peer and call in ${ROUNDS} rounds alternating between peers, after ${WARM_UP} to warm up; median latency in ms, and ratios lambdash / moto (below 1: lambdash is faster).`,
      '',
      '| call | lambdash | moto | moto, auth on | lambdash / moto | lambdash / moto, auth on |',
      '|---|---|---|---|---|---|',
      ...controlRows,
      `| creating ${FUNCTIONS - made} functions from an image, 25 CreateFunction calls at a time, until Active, batches alternating (total; auth off in moto) | ${createOurs.toFixed(0)} | ${createTheirs.toFixed(0)} | – | **${ratio(createOurs, createTheirs)}** | – |`,
      `| listing ${FUNCTIONS} functions with the SDK paginator as it pages by default: ${paged.pages[0]} requests to lambdash, ${paged.pages[1]} to moto (median of ${ROUNDS}, alternating; auth off in moto) | ${paged.ours.toFixed(0)} | ${paged.theirs.toFixed(0)} | – | **${ratio(paged.ours, paged.theirs)}** | – |`,
      `| same in one page each (MaxItems ${FUNCTIONS}): ${onePage.pages[0]} request to lambdash, ${onePage.pages[1]} to moto | ${onePage.ours.toFixed(0)} | ${onePage.theirs.toFixed(0)} | – | **${ratio(onePage.ours, onePage.theirs)}** | – |`,
      '',
      `- Where a warm invoke's ${ms(warmCloud - warmDirect)} goes: checking the signature is ${ms(verifyInvoke / 1000, 3)} of it (in process); a signed GetCallerIdentity, which is the signature check, routing and STS's answer, takes ${ms(stsSigned)} on the wire against ${ms(stsUnsigned)} for a request refused before its signature is read, so auth is a small part; the rest is the local cloud's own work around the invocation (routing to the function, picking a warm container, its Runtime API exchange with the runtime, the log bookkeeping), which the emulator does inside the container.`,
      `- Signing is the client's cost, not the cloud's: ${ms(signBackToBack / 1000, 3)} a request back to back, ${ms(signMs, 3)} in the invoke loop, between requests, where it runs colder than back to back. The SDK's own work is most of lambdash's figures in the moto table: the same GetCallerIdentity takes ${ms(controlMs('lambdash', 'STS GetCallerIdentity'))} through the SDK and ${ms(stsSigned)} raw, so on the server side alone the ratios are lower still.`,
      `- Creating: the local cloud writes each function to disk (temporary file, fsync, rename) before it answers, then the function is Pending while its image is pulled by digest; its batches are timed until every function is Active. moto keeps everything in memory and checks no image, so its functions are Active at once. The listing starts once all are Active in both, so no pull runs while it is timed.`,
      `- Listing: the local cloud pages as AWS does, 50 functions a page by default; moto ignores MaxItems and Marker and answers all ${FUNCTIONS} at once, so through the paginator it saves ${paged.pages[0] - paged.pages[1]} round trips, each of which costs the SDK's own work (see above). In one page each, both do the same work.`,
      `- The local cloud runs in the benchmark's own process (as \`startLocalCloud\` does in tests), moto in its own; the emulator in its container.`,
    ].join('\n');
    console.log(text);
    await writeBenchmarkSection(
      'localcloud',
      'Local cloud: warm and cold invokes, listing, against moto (issue 4)',
      text,
    );
  } finally {
    closeConnections();
    for (const moto of motos) await moto.stop();
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
