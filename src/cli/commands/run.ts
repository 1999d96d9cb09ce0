// `lambdash run <responder>`: a container of the responder's image serving the Lambda Invoke
// API on 127.0.0.1. In the foreground until Ctrl-C (then the container goes), or --detach to
// leave it running (`lambdash rm <name> --container` stops it).
import type { Command } from 'commander';
import {
  type Container,
  getLocalImage,
  isContainerRunning,
  LambdashError,
  runImageLocally,
  stopContainer,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { imageNameOf } from './test.js';

const POLL_MS = 1_000;
/** Where the emulator takes invocations, as on Lambda's Invoke API. */
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

export function registerRun(program: Command, kit: CommandKit): void {
  program
    .command('run')
    .description("start a container of a responder's image (the Lambda Invoke API on 127.0.0.1)")
    .argument('<responder>', 'a name from lambdash.json, or an image (name, name:tag or id)')
    .option('-p, --port <port>', 'the port to serve on (default: a free one)')
    .option('-e, --env <KEY=VALUE...>', 'environment variables (on top of lambdash.json)')
    .option('-d, --detach', 'leave it running and return')
    .action(
      kit.action(async (ctx, [name], options) => {
        const { image, spec } = await imageNameOf(ctx, String(name));
        const local = await getLocalImage(image);
        const environment = {
          ...spec?.environment,
          ...parseEnv(options.env as string[] | undefined),
        };
        const container = await runImageLocally(local, {
          ...ctx.operation,
          // In the foreground the container lives as long as this command does.
          ownedByProcess: !options.detach,
          ...(options.port !== undefined ? { port: parsePort(String(options.port)) } : {}),
          ...(Object.keys(environment).length ? { environment } : {}),
          ...(spec?.timeout ? { timeout: spec.timeout } : {}),
          ...(spec?.memorySize ? { memorySize: spec.memorySize } : {}),
        });
        const invokeUrl = `${container.url}${INVOKE_PATH}`;
        ctx.result(
          {
            container: {
              id: container.id,
              name: container.name,
              port: container.port,
              // What to POST an event to; the base is for other clients (an SDK's endpoint).
              url: invokeUrl,
              baseUrl: container.url,
            },
            image: local.ref,
          },
          () => [
            `${local.ref} runs in container ${container.name} (${container.id.slice(0, 12)})`,
            `invoke it: curl -d '{}' ${invokeUrl}`,
          ],
        );
        if (options.detach) return EXIT.ok;
        ctx.note('Ctrl-C stops it.');
        return waitInForeground(ctx, container);
      }),
    );
}

/** Waits for Ctrl-C (then removes the container) or for the container to stop by itself. */
async function waitInForeground(ctx: CliContext, container: Container): Promise<number> {
  while (!ctx.signal.aborted) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(undefined);
        },
        { once: true },
      );
    });
    if (!ctx.signal.aborted && !(await isContainerRunning(container))) {
      throw new LambdashError(
        'CONTAINER_FAILED',
        `The container ${container.name} stopped by itself.`,
        `See its output: docker logs ${container.id.slice(0, 12)}`,
      );
    }
  }
  await stopContainer(container);
  ctx.note(`stopped ${container.name}`);
  return EXIT.ok;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${text}" is not a port.`,
      'Give a port from 1 to 65535.',
    );
  }
  return port;
}

/** `KEY=VALUE` pairs into an object. */
export function parseEnv(pairs: readonly string[] | undefined): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new LambdashError(
        'INVALID_OPTION',
        `"${pair}" is not KEY=VALUE.`,
        'Give environment variables as --env KEY=VALUE.',
      );
    }
    environment[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return environment;
}
