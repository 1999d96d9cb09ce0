// Framework benchmark (issue 12): the express 4 + serverless-http app of the compatibility
// suite (test/compat/apps/express.cjs), answering an HTTP API (v2) request, under lambdash's
// runtime and AWS's aws-lambda-ric through one Runtime API server each: the time from spawn to
// the first response, and the time per invocation, both runtimes alternating in the same run.
// Run with `npm run bench:frameworks` (no vitest running alongside); figures go to
// docs/benchmarks.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuntimeApiServer } from '../runtime/emulator/runtime-api-server.js';
import { httpEvent } from '../test/support/http-events.js';
import { median, writeBenchmarkSection } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const taskRoot = `${root}test/compat/apps`;
const ricEntry = `${root}test/compat/node_modules/aws-lambda-ric/bin/index.mjs`;
const HANDLER = 'express.handler';

const RUNTIMES = {
  lambdash: [process.execPath, `${root}dist/runtime/bootstrap.cjs`],
  'aws-lambda-ric': [process.execPath, ricEntry],
} as const;
type RuntimeName = keyof typeof RUNTIMES;
const NAMES = Object.keys(RUNTIMES) as RuntimeName[];

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 300);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 21);
const payload = Buffer.from(
  JSON.stringify(httpEvent('apigw-v2', { method: 'GET', path: '/hello' })),
);

let sink: ChildProcess | undefined;
/** Runtime output goes through a pipe to another process, as on Lambda. */
function logSink(): ChildProcess {
  sink ??= spawn('sh', ['-c', 'cat > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  return sink;
}

function launch(name: RuntimeName, server: RuntimeApiServer): ChildProcess {
  const [command, ...args] = RUNTIMES[name];
  return spawn(command, [...args, HANDLER], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: server.address,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: HANDLER,
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
      AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
      AWS_REGION: 'us-east-1',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', logSink().stdin!, logSink().stdin!],
  });
}

let sequence = 0;
async function invokeOnce(server: RuntimeApiServer): Promise<void> {
  const result = await server.invoke({
    requestId: `bench-${++sequence}`,
    payload,
    deadlineMs: Date.now() + 60_000,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  });
  if (result.kind !== 'response') {
    const body = result.kind === 'stream' ? '' : result.body.toString();
    throw new Error(`benchmark invocation failed: ${result.kind} ${body}`);
  }
  if (!result.body.toString().includes('"statusCode":200')) {
    throw new Error(`benchmark invocation answered ${result.body.toString().slice(0, 200)}`);
  }
  await result.idle;
}

async function stop(server: RuntimeApiServer, child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await server.close();
}

/** Median per-invocation time (µs) per runtime; rounds alternate between the runtimes. */
async function perInvocation(): Promise<Record<RuntimeName, number>> {
  const running = new Map<RuntimeName, { server: RuntimeApiServer; child: ChildProcess }>();
  try {
    for (const name of NAMES) {
      const server = await RuntimeApiServer.start();
      running.set(name, { server, child: launch(name, server) });
      for (let i = 0; i < WARM_UP; i++) await invokeOnce(server);
    }
    const rounds = new Map<RuntimeName, number[]>(NAMES.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which runtime goes first, so neither always follows the other.
      const order = round % 2 ? [...NAMES].reverse() : NAMES;
      for (const name of order) {
        const { server } = running.get(name)!;
        const start = performance.now();
        for (let i = 0; i < INVOCATIONS; i++) await invokeOnce(server);
        rounds.get(name)!.push(((performance.now() - start) * 1000) / INVOCATIONS);
      }
    }
    return Object.fromEntries(NAMES.map((name) => [name, median(rounds.get(name)!)])) as Record<
      RuntimeName,
      number
    >;
  } finally {
    for (const { server, child } of running.values()) await stop(server, child);
  }
}

/** Median milliseconds from spawn to the first response, per runtime, alternating. */
async function coldStarts(): Promise<Record<RuntimeName, number>> {
  const samples = new Map<RuntimeName, number[]>(NAMES.map((name) => [name, []]));
  for (let i = 0; i < COLD_STARTS; i++) {
    const order = i % 2 ? [...NAMES].reverse() : NAMES;
    for (const name of order) {
      const server = await RuntimeApiServer.start();
      const start = performance.now();
      const child = launch(name, server);
      await invokeOnce(server);
      samples.get(name)!.push(performance.now() - start);
      await stop(server, child);
    }
  }
  return Object.fromEntries(NAMES.map((name) => [name, median(samples.get(name)!)])) as Record<
    RuntimeName,
    number
  >;
}

async function main(): Promise<void> {
  if (!existsSync(ricEntry) || !existsSync(`${root}test/compat/node_modules/express`)) {
    throw new Error('test/compat is not installed: run `bash scripts/provision.sh` first');
  }
  const cold = await coldStarts();
  const warm = await perInvocation();
  const warmRatio = warm.lambdash / warm['aws-lambda-ric'];
  const coldRatio = cold.lambdash / cold['aws-lambda-ric'];
  const verdict = (ratio: number, target: number) => (ratio <= target ? 'met' : 'not met');
  const text = [
    `The express 4 + serverless-http app (\`test/compat/apps/express.cjs\`) answering \`GET /hello\``,
    `in an HTTP API (v2) event. Per invocation: ${INVOCATIONS} sequential invocations per round, ${ROUNDS}`,
    `rounds alternating between the runtimes after ${WARM_UP} warm-up invocations, median of rounds;`,
    `spawn → first response: ${COLD_STARTS} cold starts each, alternating, median. One Runtime API`,
    `server on loopback per runtime, runtime output piped to a separate reader. Node ${process.version},`,
    `${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| runtime | per invocation (µs) | spawn → first response (ms) |',
    '|---|---|---|',
    ...NAMES.map((name) => `| ${name} | ${warm[name].toFixed(1)} | ${cold[name].toFixed(1)} |`),
    '',
    `- per invocation: lambdash / aws-lambda-ric = **${warmRatio.toFixed(2)}** (target ≤ 0.8: ${verdict(warmRatio, 0.8)})`,
    `- spawn → first response: lambdash / aws-lambda-ric = **${coldRatio.toFixed(2)}** (target ≤ 1.0: ${verdict(coldRatio, 1)})`,
  ].join('\n');
  console.log(text);
  sink?.kill();
  await writeBenchmarkSection(
    'frameworks',
    'Frameworks: express + serverless-http (issue 12)',
    text,
  );
}

await main();
