// `lambdash cloud`: the local cloud (Lambda, ECR, IAM, STS, CloudWatch Logs on 127.0.0.1) in
// the foreground until Ctrl-C, so other lambdash commands, the terminal app and any AWS SDK
// or CLI share it. stdout gets the `export` lines that point a shell at it (eval-able).
import type { Command } from 'commander';
import { connectTarget, LambdashError, localCloudPort } from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { EXIT } from '../exit-codes.js';

export function registerCloud(program: Command, kit: CommandKit): void {
  program
    .command('cloud')
    .description('run the local cloud (Lambda, ECR, IAM, STS, CloudWatch Logs) until Ctrl-C')
    .option(
      '--port <port>',
      'the port on 127.0.0.1 (0: a free one; default $LAMBDASH_CLOUD_PORT, else 4566)',
    )
    .option(
      '--data-dir <folder>',
      'where its state is kept (default: $XDG_DATA_HOME/lambdash/localcloud)',
    )
    .action(
      kit.action(async (ctx, _args, options) => {
        const portText = options.port === undefined ? undefined : String(options.port);
        const port = portText === undefined ? localCloudPort() : Number(portText);
        if (portText !== undefined && (!/^\d+$/.test(portText) || port > 65535)) {
          throw new LambdashError(
            'INVALID_OPTION',
            `"${portText}" is not a port.`,
            'Give a port from 0 to 65535 (0: any free one).',
          );
        }
        const target = await connectTarget({
          kind: 'local',
          localCloud: { port, ...(options.dataDir ? { dataDir: String(options.dataDir) } : {}) },
          ...ctx.operation,
        });
        if (!target.started) {
          await target.close();
          throw new LambdashError(
            'LOCAL_CLOUD_FAILED',
            `A local cloud already serves at ${target.endpoint}.`,
            'Use that one (lambdash commands find it by themselves), or give another --port.',
          );
        }
        // The keys are this data folder's own: a client needs them to sign (see docs/localcloud.md).
        const credentials = await target.clients.sts.config.credentials();
        const env = {
          AWS_ENDPOINT_URL: target.endpoint!,
          AWS_REGION: target.region,
          // The AWS CLI v1 and older SDKs read only this one.
          AWS_DEFAULT_REGION: target.region,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        };
        ctx.result(
          { endpoint: target.endpoint, region: target.region, accountId: target.accountId, env },
          () => Object.entries(env).map(([name, value]) => `export ${name}=${value}`),
        );
        ctx.note(`local cloud serving at ${target.endpoint}; Ctrl-C stops it.`);
        try {
          await new Promise<void>((resolve) => {
            if (ctx.signal.aborted) resolve();
            ctx.signal.addEventListener('abort', () => resolve(), { once: true });
          });
        } finally {
          await target.close();
        }
        ctx.note('local cloud stopped.');
        return EXIT.ok;
      }),
    );
}
