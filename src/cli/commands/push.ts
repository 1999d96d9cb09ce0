// `lambdash push [responders...]`: local images to ECR (each repository made when missing),
// with per-layer progress on stderr. Every image is looked up first, then each is pushed and
// reported, whichever of them fail.
import type { Command } from 'commander';
import { LambdashError, pushEach, validateImageName, validateTag } from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { failedRow, reportEach } from '../each-report.js';
import { formatBytes, formatTable } from '../format.js';
import { chooseNames } from '../responders.js';

export function registerPush(program: Command, kit: CommandKit): void {
  program
    .command('push')
    .description("push local images to ECR (all of the project's without names)")
    .argument('[responders...]', 'names from lambdash.json, or local images (name or name:tag)')
    .option('--tag <tag>', 'the tag in the repository (default: the local tag)')
    .option('--repo <repository>', 'the repository (default: the image name; one image only)')
    .action(
      kit.action(async (ctx, [names], options) => {
        // Checked before the first push: a mistake in an option pushes nothing.
        if (options.tag !== undefined) validateTag(String(options.tag));
        if (options.repo !== undefined) validateImageName(String(options.repo));
        const targets = await chooseNames(ctx, names as string[]);
        if (options.repo && targets.length > 1) {
          throw new LambdashError(
            'INVALID_OPTION',
            `--repo names one repository, but ${targets.length} images were chosen.`,
            'Push one image with --repo, or leave --repo out (each image goes to the repository of its name).',
          );
        }
        const target = await ctx.target();
        const outcomes = await pushEach(
          targets.map(({ name }) => name),
          {
            ...ctx.operation,
            target,
            ...(options.tag ? { tag: String(options.tag) } : {}),
            ...(options.repo ? { repo: String(options.repo) } : {}),
            onStage: (stage) => ctx.note(`pushing ${stage.name} to ${target.description}`),
          },
        );
        return reportEach(ctx, outcomes, {
          render: (list) =>
            formatTable(
              ['RESPONDER', 'REPOSITORY', 'DIGEST', 'TAGS', 'SIZE'],
              list.map((pushed) =>
                pushed.ok
                  ? [
                      pushed.name,
                      pushed.remoteImage.repoUri,
                      pushed.remoteImage.digest.slice(0, 19),
                      pushed.remoteImage.tags.join(',') || '-',
                      formatBytes(pushed.remoteImage.size),
                    ]
                  : failedRow(pushed.name, 5),
              ),
            ),
        });
      }),
    );
}
