// `lambdash test [responders...]`: each responder's local image invoked with its test data
// (in a running container of it, or one started for the test), the answer compared with what
// the test data expects. Without test data, a health invocation: the handler must answer `{}`
// without an error. Every responder is tested and reported, whichever of them fail.
import type { Command } from 'commander';
import {
  type EachOutcome,
  errorLine,
  LambdashError,
  type ProjectResponder,
  type TestData,
  type TestItem,
  type TestOutcome,
  testEach,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { reportEach } from '../each-report.js';
import { formatSeconds } from '../format.js';
import { parsePayload } from '../payload.js';
import { chooseResponders, isSourcePath } from '../responders.js';

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
        const items = await testItems(ctx, names as string[]);
        const outcomes = await testEach(items, {
          ...ctx.operation,
          ...given,
          onOutcome: (outcome) => {
            if (outcome.stale) {
              ctx.warn(
                `${outcome.image} was built from older code: \`lambdash build ${outcome.name}\` to test the current code.`,
              );
            }
          },
        });
        return reportEach(ctx, outcomes, {
          render: (list) => list.flatMap(describeOutcome),
          // A test that ran shows its answer, or how it differs, in its lines.
          explained: (outcome) => outcome.passed === false,
        });
      }),
    );
}

function describeOutcome(outcome: EachOutcome<TestOutcome>): string[] {
  if (outcome.passed === undefined) return [`ERROR ${outcome.name} (not tested)`];
  const what = outcome.kind === 'health' ? 'health check with {}' : 'test data';
  const lines = [
    `${outcome.passed ? 'PASS' : 'FAIL'}  ${outcome.name} (${outcome.image}, ${what}) in ${formatSeconds(outcome.seconds ?? 0)}`,
  ];
  if (!outcome.passed) {
    if (outcome.diff) lines.push(...outcome.diff.split('\n').map((line) => `      ${line}`));
    else if (outcome.functionError) {
      lines.push(
        `      the function failed (${outcome.functionError}): ${errorLine(outcome.response)}`,
      );
    } else lines.push(`      answer: ${JSON.stringify(outcome.response)}`);
  }
  return lines;
}

/**
 * What the names mean: the project's responders (or paths), each tested through the image of
 * its name; names that are all images rather than responders are tested as they are.
 */
async function testItems(ctx: CliContext, names: readonly string[]): Promise<TestItem[]> {
  const project = await ctx.project();
  if (
    names.length &&
    names.every((n) => !isSourcePath(n) && !project?.responders.some((r) => r.name === n))
  ) {
    return names.map((image) => ({ image }));
  }
  return chooseResponders(ctx, names);
}

/** The test data and timeout the options give, checked now. */
function givenTestData(options: Record<string, unknown>): {
  readonly timeout: number;
  readonly testData?: TestData;
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
  return { timeout, ...(override ? { testData: override } : {}) };
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
