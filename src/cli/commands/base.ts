// `lambdash base`: the base image every responder image starts FROM, made now rather than at
// the first build (a local node image when there is one, else one built offline from this
// machine's Node.js). --refresh removes lambdash's offline one first, so it is built again
// (after a Node.js upgrade, or to pick up the host's newer libraries).
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  type BaseImage,
  DEFAULT_OFFLINE_NAME,
  deleteLocalImage,
  ensureBaseImage,
  isLambdashError,
  type Platform,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { shortId } from '../format.js';

export function registerBase(program: Command, kit: CommandKit): void {
  program
    .command('base')
    .description('build (or find) the base image responder images start from')
    .option('--refresh', "remove lambdash's offline base image first, so it is built again")
    .addOption(
      new Option('--platform <platform>', 'the platform').choices(['linux/amd64', 'linux/arm64']),
    )
    .option('--no-pull', 'never pull node images, even when a registry is in reach')
    .action(
      kit.action(async (ctx, _args, options) => {
        let removed: string | undefined;
        if (options.refresh) {
          const offline = `${DEFAULT_OFFLINE_NAME}:${process.versions.node}`;
          try {
            await deleteLocalImage(offline);
            removed = offline;
            ctx.note(`removed ${offline}`);
          } catch (error) {
            if (!isLambdashError(error, 'IMAGE_NOT_FOUND')) throw error;
          }
        }
        const base: BaseImage = await ensureBaseImage({
          ...ctx.operation,
          ...(options.platform ? { platform: options.platform as Platform } : {}),
          ...(options.pull === false || options.refresh ? { pull: false } : {}),
        });
        ctx.result(
          { ...base, removed: removed ?? null },
          (b) =>
            `${b.image} (${shortId(b.id)}, Node.js ${b.nodeVersion}${b.built ? ', built now' : ', already there'})`,
        );
      }),
    );
}
