// `lambdash deploy [responders...]`: the core's deploy workflow for each responder: built when
// its source changed (else its image of the current source reused), tested, pushed, the
// function created or updated with the project's settings, and the function tested. Every
// responder is checked first (one refused changes nothing of it), then each is deployed and
// reported, whichever of them fail.
import type { Command } from 'commander';
import { deployEach, readRole, roleNameOf, type WorkflowStage } from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { failedRow, reportEach } from '../each-report.js';
import { formatTable, shortId } from '../format.js';
import { chooseResponders } from '../responders.js';
import { buildOptionsOf, handlerOf, withBuildOptions } from './build.js';

export function registerDeploy(program: Command, kit: CommandKit): void {
  withBuildOptions(
    program
      .command('deploy')
      .description(
        "build, test, push and create or update the functions (all of the project's without names)",
      )
      .argument(
        '[responders...]',
        'names from lambdash.json, or paths of .ts/.js files or folders',
      ),
  )
    .option(
      '--role <role>',
      'the IAM role the function runs as (default: lambdash-function, made when missing)',
    )
    .action(
      kit.action(async (ctx, [names], options) => {
        // The command line's own inputs are checked once, before any responder is read: a
        // role IAM would refuse changes nothing (exit 2, or 3 when it is not there).
        if (options.role !== undefined) roleNameOf(String(options.role));
        const build = await buildOptionsOf(ctx, options);
        const entries = await chooseResponders(ctx, names as string[], handlerOf(options));
        const target = await ctx.target();
        const role =
          options.role !== undefined
            ? await readRole(String(options.role), { ...ctx.operation, target })
            : undefined;
        const outcomes = await deployEach(entries, {
          ...build,
          target,
          ...(role !== undefined ? { role } : {}),
          onStage: (stage) => noteStage(ctx, stage, target.description),
        });
        return reportEach(ctx, outcomes, {
          render: (list) =>
            formatTable(
              ['RESPONDER', 'IMAGE', 'REMOTE', 'FUNCTION', 'STATE', 'TEST'],
              list.map((d) =>
                d.lambdaFunction && d.localImage && d.remoteImage
                  ? [
                      d.name,
                      `${d.localImage.ref} (${shortId(d.localImage.id)}${d.localImage.builtNow ? ', built now' : ''})`,
                      `${d.remoteImage.repo}@${d.remoteImage.digest.slice(7, 19)}`,
                      `${d.lambdaFunction.name} (${d.functionChange})`,
                      d.lambdaFunction.state,
                      d.test ? (d.test.passed ? 'passed' : 'FAILED') : 'not tested',
                    ]
                  : failedRow(d.name, 6),
              ),
            ),
        });
      }),
    );
}

function noteStage(ctx: CliContext, stage: WorkflowStage, target: string): void {
  const doing = `deploying ${stage.name}`;
  switch (stage.step) {
    case 'build':
      ctx.note(`building ${stage.name} from ${stage.source}`);
      break;
    case 'reuse':
      ctx.note(
        `${doing}: ${stage.image.ref} (${shortId(stage.image.id)}) holds the current source, not built again`,
      );
      break;
    case 'test':
      ctx.note(`${doing}: test the ${stage.tested}`);
      break;
    case 'push':
      ctx.note(`${doing}: push to ${target}`);
      break;
    case 'function':
      ctx.note(`${doing}: function (${stage.change === 'create' ? 'create' : 'update in place'})`);
      break;
  }
}
