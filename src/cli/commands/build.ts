// `lambdash build [responders...]`: each responder's container image, tested with its test
// data when it has some (a failed test leaves the previous image under the name). Every
// responder is built and reported, whichever of them fail.
import type { Command } from 'commander';
import {
  type BuildWorkflowOptions,
  buildEach,
  readBuildSecrets,
  validateTag,
  type WorkflowStage,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { failedRow, reportEach } from '../each-report.js';
import { formatBytes, formatTable, shortId } from '../format.js';
import { chooseResponders } from '../responders.js';
import { parseSecretOption } from '../secret-option.js';

export function registerBuild(program: Command, kit: CommandKit): void {
  withBuildOptions(
    program
      .command('build')
      .description("build responders' container images (all of the project's without names)")
      .argument(
        '[responders...]',
        'names from lambdash.json, or paths of .ts/.js files or folders',
      ),
  ).action(
    kit.action(async (ctx, [names], options) => {
      const build = await buildOptionsOf(ctx, options);
      const entries = await chooseResponders(ctx, names as string[], handlerOf(options));
      const outcomes = await buildEach(entries, build);
      return reportEach(ctx, outcomes, {
        render: (list) =>
          formatTable(
            ['RESPONDER', 'IMAGE', 'ID', 'SIZE', 'TESTED'],
            list.map((b) =>
              b.ok
                ? [
                    b.name,
                    b.image.ref,
                    shortId(b.image.id),
                    formatBytes(b.image.size),
                    b.tested ? 'yes' : 'no test data',
                  ]
                : failedRow(b.name, 5),
            ),
          ),
      });
    }),
  );
}

/** The options of a build, which deploy shares. */
export function withBuildOptions(command: Command): Command {
  return command
    .option('--handler <export>', 'the exported handler, for a path (default "handler")')
    .option('--tag <tag>', 'the image tag', 'latest')
    .option('--no-cache', "build without the Docker engine's layer cache")
    .option('--warmup', 'run the test payload during the build and keep the compiled code')
    .option(
      '--secret <id=ID,env=VAR|id=ID,src=FILE>',
      'a build secret for RUN steps, kept in no layer (repeatable; on top of lambdash.json; needs BuildKit)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-test', 'skip the tests with the test data')
    .option('--no-typecheck', 'skip the type check (as "typecheck": false in lambdash.json)');
}

export function handlerOf(options: Record<string, unknown>): { handler?: string } {
  return typeof options.handler === 'string' ? { handler: options.handler } : {};
}

/**
 * The build options the command line gives, checked (the tag, the `--secret` values read)
 * before any responder is read.
 */
export async function buildOptionsOf(
  ctx: CliContext,
  options: Record<string, unknown>,
): Promise<BuildWorkflowOptions> {
  const tag = typeof options.tag === 'string' ? validateTag(options.tag) : undefined;
  const given = Object.fromEntries(((options.secret as string[]) ?? []).map(parseSecretOption));
  const secrets = await readBuildSecrets(given);
  return {
    ...ctx.operation,
    onStage: (stage: WorkflowStage) => {
      if (stage.step === 'build') ctx.note(`building ${stage.name} from ${stage.source}`);
    },
    ...(tag ? { tag } : {}),
    ...(options.cache === false ? { noCache: true } : {}),
    ...(options.warmup ? { warmup: true } : {}),
    ...(options.test === false ? { test: false } : {}),
    ...(options.typecheck === false ? { typecheck: false } : {}),
    ...(Object.keys(secrets).length ? { secrets } : {}),
  };
}
