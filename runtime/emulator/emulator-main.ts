// `bootstrap [handler] [--port N] [--host H] [--task-root DIR]` outside Lambda: the emulator.
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Emulator, type FunctionConfig } from './emulator.js';
import { startInvokeServer } from './invoke-server.js';
import { readWarmupEvent, warmUp } from './warmup.js';

const USAGE = `usage: bootstrap <file.export> [--port 8080] [--host ADDRESS] [--task-root DIR]
       bootstrap <file.export> --warmup EVENT.json [--task-root DIR]

Serves the Lambda Invoke API for the handler, like AWS's base images:
  curl -d '{}' http://127.0.0.1:8080/2015-03-31/functions/function/invocations
With --warmup, invokes the handler once with the event and writes a V8 code cache beside a
CommonJS handler file (image builds do this), then exits.
Environment: AWS_LAMBDA_FUNCTION_TIMEOUT (seconds, 300), AWS_LAMBDA_FUNCTION_MEMORY_SIZE (MB, 3008),
AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, LAMBDA_TASK_ROOT, _HANDLER.`;

/** `entry` is the path of the bootstrap file, which is also the runtime the emulator spawns. */
export async function runEmulator(argv: string[], entry: string): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    'task-root'?: string;
    warmup?: string;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'task-root': { type: 'string' },
        warmup: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const handler = positionals[0] ?? env._HANDLER;
  if (!handler) fail(`No handler given.\n\n${USAGE}`);
  const taskRoot = path.resolve(values['task-root'] ?? env.LAMBDA_TASK_ROOT ?? process.cwd());
  // Caught here: a missing folder would otherwise surface as "spawn node ENOENT" on invoke.
  if (!statSync(taskRoot, { throwIfNoEntry: false })?.isDirectory())
    fail(`The task root ${taskRoot} is not a folder. Point --task-root at the function's folder.`);
  const port = Number(values.port ?? env.LAMBDASH_EMULATOR_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a port number, not ${values.port}`);
  // Loopback unless told otherwise: lambdash's images set LAMBDASH_EMULATOR_HOST=0.0.0.0 so
  // that `docker run -p 9000:8080` reaches the container's own interface.
  const host = values.host ?? env.LAMBDASH_EMULATOR_HOST ?? '127.0.0.1';

  const { AWS_LAMBDA_RUNTIME_API: _, ...environment } = env;
  const config: FunctionConfig = {
    handler,
    taskRoot,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'function',
    timeoutSeconds: positiveNumber(
      env.AWS_LAMBDA_FUNCTION_TIMEOUT,
      300,
      'AWS_LAMBDA_FUNCTION_TIMEOUT',
    ),
    memorySizeMb: positiveNumber(
      env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      3008,
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    ),
    region: env.AWS_REGION ?? 'us-east-1',
    environment: environment as Record<string, string>,
  };
  if (values.warmup !== undefined) {
    let event: Buffer;
    try {
      event = readWarmupEvent(values.warmup);
    } catch (error) {
      fail(`--warmup needs a JSON event file: ${(error as Error).message}`);
    }
    return warmUp(config, entry, event);
  }
  const emulator = new Emulator({
    config,
    runtimeCommand: [process.execPath, entry],
  });
  let server: Awaited<ReturnType<typeof startInvokeServer>>;
  try {
    server = await startInvokeServer(emulator, { host, port });
  } catch (error) {
    fail(
      `Cannot listen on ${host}:${port}: ${(error as Error).message}. Choose another port with --port.`,
    );
  }
  process.stdout.write(
    `lambdash emulator: ${handler} from ${taskRoot}, invoke with POST ${server.url}/2015-03-31/functions/function/invocations\n`,
  );
  const stop = async () => {
    await server.close();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function positiveNumber(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    fail(`${name} must be a positive number, not "${raw}"`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`lambdash emulator: ${message}\n`);
  process.exit(2);
}
