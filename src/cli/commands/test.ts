// `lambdash test [responders...]`: each responder's local image invoked with its test data
// (in a running container of it, or one started for the test), the answer compared with what
// the test data expects. Without test data, a health invocation: the handler must load.
import type { Command } from 'commander';
import { LambdashError } from '../../core/errors.js';
import { getLocalImage } from '../../core/local-images.js';
import { runLocalImageTest, type TestData } from '../../core/local-test.js';
import type { ProjectResponder } from '../../core/project.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatSeconds } from '../format.js';
import { parsePayload } from '../payload.js';
import { chooseResponders, isSourcePath, readResponder, testDataOf } from '../responders.js';

export interface TestOutcome {
  readonly name: string;
  readonly image: string;
  readonly passed: boolean;
  /** `test data` when compared with what is expected; `health` when only the handler's loading was checked. */
  readonly kind: 'test data' | 'health';
  readonly seconds: number;
  readonly response: unknown;
  readonly functionError: string | undefined;
  readonly diff: string | undefined;
}

export function registerTest(program: Command, kit: CommandKit): void {
  program
    .command('test')
    .description(
      "test responders' local images with their test data (all of the project's without names)",
    )
    .argument('[responders...]', 'names from lambdash.json, or images (name, name:tag or id)')
    .option('--payload <json>', 'the event to send instead of the test data')
    .option('--expected <json>', 'the answer to expect (with --payload)')
    .option('--timeout <seconds>', 'how long the invocation may take', '30')
    .action(
      kit.action(async (ctx, [names], options) => {
        // The options are checked before any container starts.
        const given = givenTestData(options);
        const targets = await testTargets(ctx, names as string[]);
        const outcomes: TestOutcome[] = [];
        for (const target of targets) {
          const testData = given.testDataFor(target.testData);
          const image = await getLocalImage(target.image);
          if (target.hash && image.responder?.hash && image.responder.hash !== target.hash) {
            ctx.warn(
              `${image.ref} was built from older code: \`lambdash build ${target.name}\` to test the current code.`,
            );
          }
          const result = await runLocalImageTest(image, testData, ctx.operation);
          outcomes.push({
            name: target.name,
            image: image.ref,
            passed: result.passed,
            kind: testData ? 'test data' : 'health',
            seconds: result.seconds,
            response: result.response.body,
            functionError: result.response.functionError,
            diff: result.diff,
          });
        }
        ctx.result(outcomes, (list) => list.flatMap(describeOutcome));
        return outcomes.every((o) => o.passed) ? EXIT.ok : EXIT.testFailed;
      }),
    );
}

function describeOutcome(outcome: TestOutcome): string[] {
  const what = outcome.kind === 'health' ? 'health check: the handler loaded' : 'test data';
  const lines = [
    `${outcome.passed ? 'PASS' : 'FAIL'}  ${outcome.name} (${outcome.image}, ${what}) in ${formatSeconds(outcome.seconds)}`,
  ];
  if (!outcome.passed) {
    if (outcome.diff) lines.push(...outcome.diff.split('\n').map((line) => `      ${line}`));
    else lines.push(`      answer: ${JSON.stringify(outcome.response)}`);
  }
  return lines;
}

interface TestTarget {
  readonly name: string;
  readonly image: string;
  readonly testData: TestData | undefined;
  /** The code's hash now, to warn when the image is older. */
  readonly hash: string | undefined;
}

async function testTargets(ctx: CliContext, names: readonly string[]): Promise<TestTarget[]> {
  const project = await ctx.project();
  // Names that are images rather than the project's responders are tested as they are.
  if (
    names.length &&
    names.every((n) => !isSourcePath(n) && !project?.responders.some((r) => r.name === n))
  ) {
    return names.map((name) => ({ name, image: name, testData: undefined, hash: undefined }));
  }
  const chosen = await chooseResponders(ctx, names);
  const targets: TestTarget[] = [];
  for (const one of chosen) {
    const responder = await readResponder(ctx, one);
    targets.push({
      name: responder.name,
      image: responder.name,
      testData: await testDataOf(one),
      hash: responder.hash,
    });
  }
  return targets;
}

/** The test data the options give (checked now), and how they apply to a responder's own. */
function givenTestData(options: Record<string, unknown>): {
  testDataFor(fromProject: TestData | undefined): TestData | undefined;
} {
  const timeout = Number(options.timeout);
  if (!/^\d+$/.test(String(options.timeout)) || timeout < 1 || timeout > 900) {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${String(options.timeout)}" is not a test timeout.`,
      'Give --timeout in whole seconds, from 1 to 900 (Lambda’s limits).',
    );
  }
  const payload = options.payload as string | undefined;
  const expected = options.expected as string | undefined;
  if ((payload === undefined) !== (expected === undefined)) {
    throw new LambdashError(
      'INVALID_OPTION',
      '--payload and --expected go together.',
      'Give both, or neither to use the test data of lambdash.json. To only see an answer, use `lambdash invoke`.',
    );
  }
  const override: TestData | undefined =
    payload !== undefined
      ? {
          payload: parsePayload(payload, '--payload'),
          expected: parsePayload(expected!, '--expected'),
        }
      : undefined;
  return {
    testDataFor(fromProject) {
      const data = override ?? fromProject;
      return data ? { ...data, timeout: data.timeout ?? timeout } : undefined;
    },
  };
}

/**
 * The image a command-line name means: the project's responder of that name (its image has
 * the same name), else the name as an image reference.
 */
export async function imageNameOf(
  ctx: CliContext,
  name: string,
): Promise<{ image: string; spec: ProjectResponder | undefined }> {
  const project = await ctx.project();
  const spec = project?.responders.find((r) => r.name === name);
  return { image: name, spec };
}
