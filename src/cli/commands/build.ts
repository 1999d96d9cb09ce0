// `lambdash build [responders...]`: each responder's container image, tested with its test
// data when it has some (a failed test leaves the previous image under the name).
import type { Command } from 'commander';
import { createLocalImage, type LocalImage } from '../../core/local-images.js';
import type { TestData } from '../../core/local-test.js';
import type { Responder } from '../../core/responder.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { formatBytes, formatTable, shortId } from '../format.js';
import {
  type ChosenResponder,
  chooseResponders,
  platformOf,
  readResponder,
  testDataOf,
} from '../responders.js';

export interface BuiltImage {
  readonly name: string;
  readonly image: LocalImage;
  /** Whether the image was tested with test data during the build. */
  readonly tested: boolean;
}

export interface BuildOptions {
  readonly tag?: string;
  readonly cache?: boolean;
  readonly warmup?: boolean;
  readonly test?: boolean;
}

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
      const chosen = await chooseResponders(ctx, names as string[], handlerOf(options));
      const built: BuiltImage[] = [];
      for (const responder of chosen) built.push((await buildOne(ctx, responder, options)).built);
      ctx.result(built, (list) =>
        formatTable(
          ['RESPONDER', 'IMAGE', 'ID', 'SIZE', 'TESTED'],
          list.map((b) => [
            b.name,
            b.image.ref,
            shortId(b.image.id),
            formatBytes(b.image.size),
            b.tested ? 'yes' : 'no test data',
          ]),
        ),
      );
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
    .option('--no-test', 'skip the tests with the test data');
}

export function handlerOf(options: Record<string, unknown>): { handler?: string } {
  return typeof options.handler === 'string' ? { handler: options.handler } : {};
}

/** Builds one responder's image (with its test, unless `test` is false). */
export async function buildOne(
  ctx: CliContext,
  chosen: ChosenResponder,
  options: BuildOptions,
): Promise<{ built: BuiltImage; responder: Responder; testData: TestData | undefined }> {
  const responder = await readResponder(ctx, chosen);
  ctx.note(`building ${responder.name} from ${responder.source}`);
  const testData = options.test === false ? undefined : await testDataOf(chosen);
  const image = await createLocalImage(responder, {
    ...ctx.operation,
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.cache === false ? { noCache: true } : {}),
    ...(options.warmup ? { warmup: true } : {}),
    ...(testData ? { functionTestData: testData } : {}),
    userLabels: chosen.spec.labels,
    platform: platformOf(chosen.spec.architecture),
  });
  return { built: { name: responder.name, image, tested: !!testData }, responder, testData };
}
