// `lambdash rm <name> --function --remote --image --container --entry | --all`: any part of a
// responder's chain. Asked for at the terminal (remote parts by typing the name); without a
// terminal only with --yes, else refused before anything is looked up or removed.
import type { Command } from 'commander';
import {
  deleteContainer,
  deleteEcrRepo,
  deleteLambdaFunction,
  deleteLocalImage,
  getEcrRepo,
  getLambdaFunction,
  getLocalImage,
  isLambdashError,
  LambdashError,
  removeResponder,
  stopContainer,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { confirm, confirmByName } from '../confirm.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { containersOf } from './invoke.js';

export type PartKind = 'function' | 'remote' | 'image' | 'container' | 'entry';

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

interface Part {
  readonly kind: PartKind;
  readonly name: string;
  /** What it is, for people: "function hello", "container 3f2a...". */
  readonly label: string;
  remove(): Promise<void>;
}

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
        const { found, missing } = await findParts(ctx, name, kinds, !!options.role);
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
        const removed: { kind: PartKind; label: string }[] = [];
        for (const part of found) {
          await part.remove();
          removed.push({ kind: part.kind, label: part.label });
          ctx.note(`removed ${part.label}`);
        }
        ctx.result({ name, removed, missing }, (r) => [
          ...r.removed.map((p) => `removed ${p.label}`),
          ...r.missing.map((kind) => `(${NONE[kind]})`),
        ]);
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
  // Downstream first: the function still uses its image in ECR; containers go before the image.
  const order: PartKind[] = ['function', 'remote', 'container', 'image', 'entry'];
  return order.filter((kind) => kinds.includes(kind));
}

/** The parts that exist, each ready to remove; and the kinds asked for that are not there. */
async function findParts(
  ctx: CliContext,
  name: string,
  kinds: readonly PartKind[],
  deleteRole: boolean,
): Promise<{ found: Part[]; missing: PartKind[] }> {
  const found: Part[] = [];
  const missing: PartKind[] = [];
  const aws =
    kinds.includes('function') || kinds.includes('remote')
      ? { ...ctx.operation, target: await ctx.target() }
      : undefined;
  for (const kind of kinds) {
    const parts = await partsOf(ctx, kind, name, aws, deleteRole);
    if (parts.length) found.push(...parts);
    else missing.push(kind);
  }
  return { found, missing };
}

async function partsOf(
  ctx: CliContext,
  kind: PartKind,
  name: string,
  aws: Parameters<typeof getLambdaFunction>[1],
  deleteRole: boolean,
): Promise<Part[]> {
  const absent = (code: Parameters<typeof isLambdashError>[1]) => (error: unknown) => {
    if (isLambdashError(error, code)) return undefined;
    throw error;
  };
  switch (kind) {
    case 'function': {
      const fn = await getLambdaFunction(name, aws).catch(absent('FUNCTION_NOT_FOUND'));
      return fn
        ? [
            {
              kind,
              name,
              label: `function ${fn.name}${deleteRole ? ' (and its role, if unshared)' : ''}`,
              remove: () => deleteLambdaFunction(fn, { ...aws, deleteRole }),
            },
          ]
        : [];
    }
    case 'remote': {
      const repo = await getEcrRepo(name, aws).catch(absent('REPO_NOT_FOUND'));
      return repo
        ? [
            {
              kind,
              name,
              label: `ECR repository ${repo.name} with its images`,
              remove: () => deleteEcrRepo(repo, { ...aws, force: true }),
            },
          ]
        : [];
    }
    case 'image': {
      const image = await getLocalImage(name).catch(absent('IMAGE_NOT_FOUND'));
      return image
        ? [
            {
              kind,
              name,
              label: `local image ${image.ref} (${image.id.slice(7, 19)})`,
              remove: () => deleteLocalImage(image, { force: true }),
            },
          ]
        : [];
    }
    case 'container': {
      const image = await getLocalImage(name).catch(absent('IMAGE_NOT_FOUND'));
      if (!image) return [];
      const containers = await containersOf(image.id);
      return containers.map((container) => ({
        kind,
        name,
        label: `container ${container.name} (${container.id.slice(0, 12)})`,
        remove: async () => {
          await stopContainer(container);
          await deleteContainer(container);
        },
      }));
    }
    case 'entry': {
      const project = await ctx.project();
      if (!project?.responders.some((r) => r.name === name)) return [];
      return [
        {
          kind,
          name,
          label: `the entry ${name} in ${project.file}`,
          remove: async () => void (await removeResponder(project, name)),
        },
      ];
    }
  }
}
