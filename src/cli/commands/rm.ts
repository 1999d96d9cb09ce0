// `lambdash rm <name> --function --remote --image --container --entry | --all`: any part of a
// responder's chain. Asked for at the terminal (remote parts by typing the name); without a
// terminal only with --yes, else refused before anything is looked up or removed.
import type { Command } from 'commander';
import {
  deleteEntryParts,
  type EntryPartKind,
  findEntryParts,
  inDeleteOrder,
  LambdashError,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { confirm, confirmByName } from '../confirm.js';
import { EXIT } from '../exit-codes.js';

export type PartKind = Exclude<EntryPartKind, 'remoteImage'>;

const PART_WORDS: Record<PartKind, string> = {
  function: 'the Lambda function',
  remote: 'the ECR repository and its images',
  image: 'the local image (and its containers)',
  container: 'its running containers',
  entry: 'its entry in lambdash.json (the code stays)',
};

const NONE: Record<PartKind, string> = {
  function: 'no function to remove',
  remote: 'no ECR repository to remove',
  image: 'no local image to remove',
  container: 'no container to remove',
  entry: 'no entry in lambdash.json to remove',
};

export function registerRm(program: Command, kit: CommandKit): void {
  program
    .command('rm')
    .description(
      "remove parts of a responder's chain: its function, remote images, local image, containers",
    )
    .argument('<name>', 'a name from lambdash.json, or an image or function name')
    .option('--function', PART_WORDS.function)
    .option(
      '--role',
      'with --function: its role too, when lambdash made it and no other function uses it',
    )
    .option('--remote', PART_WORDS.remote)
    .option('--image', PART_WORDS.image)
    .option('--container', PART_WORDS.container)
    .option('--entry', PART_WORDS.entry)
    .option('-a, --all', 'the function, the ECR repository and the local image')
    .option('-y, --yes', 'do not ask (needed without a terminal)')
    .action(
      kit.action(async (ctx, [nameArg], options) => {
        const name = String(nameArg);
        const kinds = chosenKinds(options);
        if (!options.yes && !ctx.interactive) {
          throw new LambdashError(
            'INVALID_OPTION',
            `Nothing was removed: without a terminal to confirm on, rm needs --yes.`,
            `Run it again with --yes to remove ${kinds.map((k) => PART_WORDS[k]).join(', ')} of ${name}.`,
          );
        }
        const aws = kinds.includes('function') || kinds.includes('remote');
        const workflow = {
          ...ctx.operation,
          ...(aws ? { target: await ctx.target() } : {}),
          ...(kinds.includes('entry') ? { project: await ctx.project() } : {}),
          deleteRole: !!options.role,
        };
        const { found, missing } = await findEntryParts(name, kinds, workflow);
        if (found.length === 0) {
          throw new LambdashError(
            'RESPONDER_NOT_FOUND',
            `There is nothing of ${name} to remove (looked for ${kinds.map((k) => PART_WORDS[k]).join(', ')}).`,
            '`lambdash ls` shows what there is.',
          );
        }
        if (!options.yes) {
          const list = found.map((part) => `  ${part.label}`).join('\n');
          const remote = found.some((part) => part.kind === 'function' || part.kind === 'remote');
          const agreed = remote
            ? await confirmByName(ctx, `This removes:\n${list}`, name)
            : await confirm(ctx, `This removes:\n${list}\nGo on?`);
          if (!agreed) {
            ctx.note('Nothing was removed.');
            return EXIT.usage;
          }
        }
        const removed = await deleteEntryParts(found, {
          ...workflow,
          onDeleted: (part) => ctx.note(`removed ${part.label}`),
        });
        ctx.result(
          { name, removed: removed.map(({ kind, label }) => ({ kind, label })), missing },
          (r) => [
            ...r.removed.map((p) => `removed ${p.label}`),
            ...r.missing.map((kind) => `(${NONE[kind as PartKind]})`),
          ],
        );
      }),
    );
}

function chosenKinds(options: Record<string, unknown>): PartKind[] {
  const kinds = (['function', 'remote', 'image', 'container', 'entry'] as const).filter(
    (kind) => options[kind],
  );
  if (options.all) {
    for (const kind of ['function', 'remote', 'image'] as const)
      if (!kinds.includes(kind)) kinds.push(kind);
  }
  if (kinds.length === 0) {
    throw new LambdashError(
      'INVALID_OPTION',
      'Say what to remove: --function, --remote, --image, --container, --entry, or --all.',
      'lambdash rm --help describes each.',
    );
  }
  return inDeleteOrder(kinds);
}
