// Runtime benchmark: sequential invocations of a trivial handler through one Runtime API
// server, for (a) lambdash's runtime, (b) AWS's aws-lambda-ric, (c) floors that only do
// next + response: one on lambdash's raw transport, one on Node's http module. Also the time
// from spawn to the first response. Run with `npm run bench`; figures go to docs/benchmarks.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { RuntimeApiServer } from '../runtime/emulator/runtime-api-server.js';
import { median, writeBenchmarkSection } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const taskRoot = `${root}bench/handlers`;
const ricEntry = `${root}test/compat/node_modules/aws-lambda-ric/bin/index.mjs`;

const rawFloor = `${root}dist/bench/floor-client-raw.mjs`;
const RUNTIMES = {
  lambdash: [process.execPath, `${root}dist/runtime/bootstrap.cjs`],
  'aws-lambda-ric': [process.execPath, ricEntry],
  'floor (raw socket)': [process.execPath, rawFloor],
  'floor (node:http)': [process.execPath, `${root}bench/floor-client-http.mjs`],
} as const;
type RuntimeName = keyof typeof RUNTIMES;

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 15);
const payload = Buffer.from('{"hello":"world"}');

interface Running {
  readonly server: RuntimeApiServer;
  readonly child: ChildProcess;
}

async function launch(
  name: RuntimeName,
  server: RuntimeApiServer,
  handler = 'trivial.handler',
): Promise<ChildProcess> {
  const [command, ...args] = RUNTIMES[name];
  const child = spawn(command, [...args, handler], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: server.address,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: handler,
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
      AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
      AWS_REGION: 'us-east-1',
    },
    // Output goes through a pipe to another process, as on Lambda, where a log agent reads it.
    stdio: ['ignore', logSink().stdin!, logSink().stdin!],
  });
  return child;
}

let sink: ChildProcess | undefined;
function logSink(): ChildProcess {
  sink ??= spawn('sh', ['-c', 'cat > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  return sink;
}

let sequence = 0;
async function invokeOnce(server: RuntimeApiServer): Promise<void> {
  const result = await server.invoke({
    requestId: `bench-${++sequence}`,
    payload,
    deadlineMs: Date.now() + 60_000,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  });
  if (result.kind !== 'response') throw new Error(`benchmark invocation failed: ${result.kind}`);
  // The next invocation may only start once the runtime asked for it.
  await result.idle;
}

async function stop({ server, child }: Running): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  await server.close();
}

/** Median per-invocation time (µs) per runtime; rounds alternate between runtimes. */
async function perInvocation(names: readonly RuntimeName[]): Promise<Record<string, number>> {
  const running = new Map<RuntimeName, Running>();
  try {
    for (const name of names) {
      const server = await RuntimeApiServer.start();
      running.set(name, { server, child: await launch(name, server) });
      for (let i = 0; i < 500; i++) await invokeOnce(server); // warm-up: JIT, sockets
    }
    const rounds = new Map<RuntimeName, number[]>(names.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const { server } = running.get(name)!;
        const start = performance.now();
        for (let i = 0; i < INVOCATIONS; i++) await invokeOnce(server);
        rounds.get(name)!.push(((performance.now() - start) * 1000) / INVOCATIONS);
      }
    }
    return Object.fromEntries(names.map((name) => [name, median(rounds.get(name)!)]));
  } finally {
    for (const process of running.values()) await stop(process);
  }
}

/** Median milliseconds from spawn to the first response, per runtime, alternating. */
async function coldStarts(
  names: readonly RuntimeName[],
  handler: string,
): Promise<Record<string, number>> {
  const samples = new Map<RuntimeName, number[]>(names.map((name) => [name, []]));
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const name of names) {
      const server = await RuntimeApiServer.start();
      const start = performance.now();
      const child = await launch(name, server, handler);
      await invokeOnce(server);
      samples.get(name)!.push(performance.now() - start);
      await stop({ server, child });
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples.get(name)!)]));
}

async function main(): Promise<void> {
  if (!existsSync(ricEntry))
    throw new Error('aws-lambda-ric is not built: run `bash scripts/provision.sh` first');
  await build({
    entryPoints: [`${root}bench/floor-client-raw.ts`],
    outfile: rawFloor,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const names = Object.keys(RUNTIMES) as RuntimeName[];
  const warm = await perInvocation(names);
  // The floors ignore the handler: their cold start is Node's own boot plus one round trip.
  const cold = await coldStarts(names, 'trivial.handler');
  const coldCjs = await coldStarts(['lambdash', 'aws-lambda-ric'], 'trivial-cjs.handler');

  const a = warm.lambdash!;
  const b = warm['aws-lambda-ric']!;
  const c = warm['floor (raw socket)']!;
  const rows = [
    '| runtime | per invocation (µs, median of rounds) | spawn → first response, ES module handler (ms) | same, CommonJS handler (ms) |',
    '|---|---|---|---|',
    ...names.map(
      (name) =>
        `| ${name} | ${warm[name]!.toFixed(1)} | ${cold[name]!.toFixed(1)} | ${coldCjs[name]?.toFixed(1) ?? '–'} |`,
    ),
  ];
  const summary = [
    `- per invocation: lambdash / aws-lambda-ric = **${(a / b).toFixed(2)}** (target < 1), lambdash / floor (raw socket) = **${(a / c).toFixed(2)}** (target ≤ 1.3), lambdash / floor (node:http) = **${(a / warm['floor (node:http)']!).toFixed(2)}**`,
    `- spawn → first response: lambdash / aws-lambda-ric = **${(cold.lambdash! / cold['aws-lambda-ric']!).toFixed(2)}** with an ES module handler, **${(coldCjs.lambdash! / coldCjs['aws-lambda-ric']!).toFixed(2)}** with a CommonJS one (target < 1)`,
  ];
  const text = [
    `${INVOCATIONS} sequential invocations of a trivial handler per round, ${ROUNDS} rounds after 500 warm-up`,
    `invocations, one Runtime API server on loopback (lambdash's), runtime output piped to a separate reader;`,
    `${COLD_STARTS} cold starts each. Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    ...rows,
    '',
    ...summary,
  ].join('\n');
  console.log(text);
  sink?.kill();
  await writeBenchmarkSection('runtime', 'Runtime: invocation loop and cold start (issue 2)', text);
}

await main();
