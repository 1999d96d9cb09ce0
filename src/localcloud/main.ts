// `npm run cloud`: runs the local cloud on its own and prints, on stdout, the `export` lines
// that point a shell's SDKs and the AWS CLI at it (notes go to stderr, so stdout can be eval'd).
import { parseArgs } from 'node:util';
import { DataDirInUseError, DEFAULT_PORT, PortInUseError, startLocalCloud } from './index.js';

const USAGE = `Usage: npm run cloud -- [--port PORT] [--data-dir DIR]

Runs lambdash's local cloud (Lambda, ECR, IAM, STS, CloudWatch Logs) on 127.0.0.1 until
interrupted, and prints the environment variables that point the AWS SDKs and CLI at it.

  --port PORT      port to listen on (default: $LAMBDASH_CLOUD_PORT, else ${DEFAULT_PORT}; 0 = any free)
  --data-dir DIR   where state is kept (default: $XDG_DATA_HOME/lambdash/localcloud)
`;

function fail(message: string, code: number): never {
  process.stderr.write(`lambdash cloud: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: { port?: string; 'data-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const portText = values.port ?? (process.env.LAMBDASH_CLOUD_PORT?.trim() || String(DEFAULT_PORT));
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    fail(`the port must be a number from 0 to 65535, not "${portText}".`, 2);
  }

  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  try {
    cloud = await startLocalCloud({
      port,
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      fail(`${error.message} Choose another with --port or LAMBDASH_CLOUD_PORT.`, 1);
    }
    if (error instanceof DataDirInUseError) {
      fail(`${error.message} Stop that one, or choose another folder with --data-dir.`, 1);
    }
    throw error;
  }

  for (const [name, value] of Object.entries(cloud.env())) {
    process.stdout.write(`export ${name}=${value}\n`);
  }
  process.stderr.write(
    `lambdash cloud: serving on ${cloud.endpoint}, state in ${cloud.dataDir}; Ctrl-C stops it.\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second interrupt: the user does not want to wait for the clean stop.
      process.exit(130);
    }
    stopping = true;
    cloud.stop().then(
      () => {
        process.stderr.write(`lambdash cloud: stopped (${signal}).\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`lambdash cloud: stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error), 1);
});
