// `lambdash build [responders...]`: each responder's container image, tested with its test
// data when it has some (a failed test leaves the previous image under the name).
import type { Command } from 'commander';
import { readBuildSecrets } from '../../core/build-secrets.js';
import { createLocalImage, type LocalImage } from '../../core/local-images.js';
import type { TestData } from '../../core/local-test.js';
import { validateTag } from '../../core/names.js';
import { loadBuildSecrets } from '../../core/project.js';
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
import { parseSecretOption } from '../secret-option.js';

export interface BuiltImage {
  readonly name: string;
  readonly image: LocalImage;
  /** Whether the image was tested with test data during the build. */
  readonly tested: boolean;
}

export interface BuildOptions {
  readonly tag?: string;
  /** `--secret` values, as docker build takes them. */
  readonly secret?: readonly string[];
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
      // Every responder is read first: a mistake in the last one builds nothing.
      const prepared: PreparedBuild[] = [];
      for (const one of chosen) prepared.push(await prepareBuild(ctx, one, options));
      const built: BuiltImage[] = [];
      for (const one of prepared) built.push(await buildPrepared(ctx, one, options));
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
    .option(
      '--secret <id=ID,env=VAR|id=ID,src=FILE>',
      'a build secret for RUN steps, kept in no layer (repeatable; on top of lambdash.json; needs BuildKit)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-test', 'skip the tests with the test data');
}

export function handlerOf(options: Record<string, unknown>): { handler?: string } {
  return typeof options.handler === 'string' ? { handler: options.handler } : {};
}

/** A responder read and checked, with its test data and secrets, ready to build. */
export interface PreparedBuild {
  readonly chosen: ChosenResponder;
  readonly responder: Responder;
  readonly testData: TestData | undefined;
  readonly secrets: Record<string, Uint8Array>;
}

/** Reads (finds, checks and hashes) the responder and its test data; builds nothing. */
export async function prepareBuild(
  ctx: CliContext,
  chosen: ChosenResponder,
  options: BuildOptions,
): Promise<PreparedBuild> {
  if (options.tag) validateTag(options.tag);
  const given = Object.fromEntries((options.secret ?? []).map(parseSecretOption));
  const responder = await readResponder(ctx, chosen);
  const testData = options.test === false ? undefined : await testDataOf(chosen);
  // The command line's secrets win over the project's of the same id.
  const secrets = {
    ...(chosen.project ? await loadBuildSecrets(chosen.project, chosen.spec) : {}),
    ...(await readBuildSecrets(given)),
  };
  return { chosen, responder, testData, secrets };
}

/** Builds a prepared responder's image (with its test, unless `test` is false). */
export async function buildPrepared(
  ctx: CliContext,
  { chosen, responder, testData, secrets }: PreparedBuild,
  options: BuildOptions,
): Promise<BuiltImage> {
  ctx.note(`building ${responder.name} from ${responder.source}`);
  const image = await createLocalImage(responder, {
    ...ctx.operation,
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.cache === false ? { noCache: true } : {}),
    ...(options.warmup ? { warmup: true } : {}),
    ...(testData ? { functionTestData: testData } : {}),
    ...(Object.keys(secrets).length ? { secrets } : {}),
    userLabels: chosen.spec.labels,
    platform: platformOf(chosen.spec.architecture),
  });
  return { name: responder.name, image, tested: !!testData };
}
