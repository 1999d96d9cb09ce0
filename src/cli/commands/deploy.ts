// `lambdash deploy [responders...]`: build (tested with the test data), push, create or update
// the function with the project's settings, and test the function with the same test data.
// A failed test stops at its stage: a failed local test pushes nothing.
import type { Command } from 'commander';
import type { LambdaFunction, RemoteImage } from '../../core/aws-resources.js';
import {
  type ComponentTestResult,
  checkDeployment,
  type LambdaComponents,
  runTest,
  withLambdaFunction,
  withRemoteImage,
} from '../../core/lambda-components.js';
import type { LambdaFunctionOptions } from '../../core/lambda-functions.js';
import { roleNameOf } from '../../core/lambda-roles.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatTable, shortId } from '../format.js';
import { type ChosenResponder, chooseResponders } from '../responders.js';
import {
  buildPrepared,
  handlerOf,
  type PreparedBuild,
  prepareBuild,
  withBuildOptions,
} from './build.js';

export interface Deployed {
  readonly name: string;
  readonly localImage: { readonly id: string; readonly ref: string };
  readonly remoteImage: RemoteImage;
  readonly lambdaFunction: LambdaFunction;
  /** The function's test; null without test data. */
  readonly test: Pick<ComponentTestResult, 'passed' | 'result' | 'diff'> | null;
}

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
        // Everything is checked before the first change: a role or a setting that AWS would
        // refuse leaves the local images, ECR and Lambda as they were (exit 2: nothing changed).
        if (options.role !== undefined) roleNameOf(String(options.role));
        const chosen = await chooseResponders(ctx, names as string[], handlerOf(options));
        const plans: DeployPlan[] = [];
        for (const one of chosen) plans.push(await planDeploy(ctx, one, options));
        const deployed: Deployed[] = [];
        for (const plan of plans) deployed.push(await deployOne(ctx, plan, options));
        ctx.result(deployed, (list) =>
          formatTable(
            ['RESPONDER', 'IMAGE', 'REMOTE', 'FUNCTION', 'STATE', 'TEST'],
            list.map((d) => [
              d.name,
              `${d.localImage.ref} (${shortId(d.localImage.id)})`,
              `${d.remoteImage.repo}@${d.remoteImage.digest.slice(7, 19)}`,
              d.lambdaFunction.name,
              d.lambdaFunction.state,
              d.test ? (d.test.passed ? 'passed' : 'FAILED') : 'no test data',
            ]),
          ),
        );
        return deployed.every((d) => d.test?.passed ?? true) ? EXIT.ok : EXIT.testFailed;
      }),
    );
}

/** A responder read, and its deployment checked, before anything is built. */
interface DeployPlan {
  readonly build: PreparedBuild;
  readonly functionOptions: LambdaFunctionOptions;
}

async function planDeploy(
  ctx: CliContext,
  chosen: ChosenResponder,
  options: Record<string, unknown>,
): Promise<DeployPlan> {
  const build = await prepareBuild(ctx, chosen, options);
  const spec = chosen.spec;
  const functionOptions = await checkDeployment(build.responder.name, {
    ...ctx.operation,
    target: await ctx.target(),
    tag: String(options.tag),
    name: build.responder.name,
    userLabels: { ...spec.labels },
    ...(chosen.project ? { environment: { ...spec.environment } } : {}),
    ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
    ...(spec.architecture ? { architecture: spec.architecture } : {}),
    ...(options.role ? { role: String(options.role) } : {}),
  });
  return { build, functionOptions };
}

async function deployOne(
  ctx: CliContext,
  { build, functionOptions }: DeployPlan,
  options: Record<string, unknown>,
): Promise<Deployed> {
  const { responder, testData } = build;
  const built = await buildPrepared(ctx, build, options);
  let components: LambdaComponents = {
    responder,
    localImage: built.image,
    remoteImage: undefined,
    lambdaFunction: undefined,
  };
  const target = await ctx.target();
  ctx.note(`deploying ${responder.name}: push to ${target.description}`);
  components = await withRemoteImage(components, {
    ...ctx.operation,
    target,
    tag: String(options.tag),
  });
  ctx.note(`deploying ${responder.name}: function`);
  components = await withLambdaFunction(components, {
    ...functionOptions,
    ...ctx.operation,
    target,
  });
  let test: Deployed['test'] = null;
  if (testData) {
    ctx.note(`deploying ${responder.name}: test the function`);
    const outcome = await runTest(components, testData, { ...ctx.operation, target });
    test = { passed: outcome.passed, result: outcome.result, diff: outcome.diff };
    if (!outcome.passed) {
      ctx.warn(
        `the function ${responder.name} failed its test:\n${outcome.diff ?? JSON.stringify(outcome.result)}`,
      );
    }
  }
  return {
    name: responder.name,
    localImage: { id: components.localImage.id, ref: components.localImage.ref },
    remoteImage: components.remoteImage!,
    lambdaFunction: components.lambdaFunction!,
    test,
  };
}
