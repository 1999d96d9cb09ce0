// `lambdash push [responders...]`: local images to ECR (each repository made when missing),
// with per-layer progress on stderr.
import type { Command } from 'commander';
import type { RemoteImage } from '../../core/aws-resources.js';
import { LambdashError } from '../../core/errors.js';
import { getLocalImage, type LocalImage } from '../../core/local-images.js';
import { validateImageName, validateTag } from '../../core/names.js';
import { pushToEcr } from '../../core/push.js';
import type { CommandKit } from '../command.js';
import { formatBytes, formatTable } from '../format.js';
import { chooseNames } from '../responders.js';

export interface Pushed {
  readonly name: string;
  readonly remoteImage: RemoteImage;
}

export function registerPush(program: Command, kit: CommandKit): void {
  program
    .command('push')
    .description("push local images to ECR (all of the project's without names)")
    .argument('[responders...]', 'names from lambdash.json, or local images (name or name:tag)')
    .option('--tag <tag>', 'the tag in the repository (default: the local tag)')
    .option('--repo <repository>', 'the repository (default: the image name; one image only)')
    .action(
      kit.action(async (ctx, [names], options) => {
        // Checked before the first push: a mistake in the last name pushes nothing.
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
        const images: { name: string; image: LocalImage }[] = [];
        for (const { name } of targets) images.push({ name, image: await getLocalImage(name) });
        const target = await ctx.target();
        const pushed: Pushed[] = [];
        for (const { name, image } of images) {
          ctx.note(`pushing ${name} to ${target.description}`);
          const remoteImage = await pushToEcr(image, {
            ...ctx.operation,
            target,
            ...(options.tag ? { tag: String(options.tag) } : {}),
            ...(options.repo ? { repo: String(options.repo) } : {}),
          });
          pushed.push({ name, remoteImage });
        }
        ctx.result(pushed, (list) =>
          formatTable(
            ['RESPONDER', 'REPOSITORY', 'DIGEST', 'TAGS', 'SIZE'],
            list.map(({ name, remoteImage: r }) => [
              name,
              r.repoUri,
              r.digest.slice(0, 19),
              r.tags.join(',') || '-',
              formatBytes(r.size),
            ]),
          ),
        );
      }),
    );
}
