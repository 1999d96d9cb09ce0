// The test workflow: a local image, or a deployed function, invoked with the test data and its
// answer compared with what the data expects; without test data, a health invocation (`{}`).
// Either passes only when the invocation succeeded: a function error never passes.
import { performance } from 'node:perf_hooks';
import type { AwsOptions } from '../aws/aws-call.js';
import type { LambdaFunction } from '../aws/aws-resources.js';
import { LambdashError } from '../common/errors.js';
import { getLocalImage } from '../images/local-image-queries.js';
import { runLocalImageTest, type TestData } from '../images/local-test.js';
import type { LocalImage } from '../images/types.js';
import { runLambdaFunctionTest } from '../lambda/invoke.js';
import { type EachOptions, type EachOutcome, runEach } from './each.js';
import { entryName, entryTestData, readEntry, type WorkflowEntry } from './entry.js';
import { operationOf, reportStage, type WorkflowOptions } from './stage.js';

export interface TestOutcome {
  readonly name: string;
  readonly tested: 'local image' | 'function';
  /** The local image's `name:tag` (for a local image's test). */
  readonly image?: string;
  /** The function's name (for a function's test). */
  readonly function?: string;
  readonly passed: boolean;
  /** `test data` when compared with what it expects; `health` when only `{}` was answered. */
  readonly kind: 'test data' | 'health';
  readonly seconds: number;
  readonly response: unknown;
  /** `Unhandled` when the function failed. */
  readonly functionError: string | undefined;
  /** How the answer differs from what the test data expects. */
  readonly diff: string | undefined;
  /** A local image built from older code than its source holds now. */
  readonly stale?: boolean;
}

export interface TestWorkflowOptions extends WorkflowOptions {
  /** Test data to use instead of each entry's own (and for images outside the project). */
  readonly testData?: TestData;
  /** Seconds the invocation may take, when the test data gives none (default 30). */
  readonly timeout?: number;
}

/** What `testEach` takes: a responder (its image is its name's), or an image by reference. */
export type TestItem = WorkflowEntry | { readonly image: string };

/** Tests a local image with the test data, or a health invocation without. */
export async function testLocalImage(
  name: string,
  image: LocalImage | string,
  testData: TestData | undefined,
  options: WorkflowOptions = {},
): Promise<TestOutcome> {
  const local = typeof image === 'string' ? await getLocalImage(image) : image;
  reportStage(options, { step: 'test', name, tested: 'local image' });
  const result = await runLocalImageTest(local, testData, operationOf(options));
  return {
    name,
    tested: 'local image',
    image: local.ref || local.id,
    passed: result.passed,
    kind: testData ? 'test data' : 'health',
    seconds: result.seconds,
    response: result.response.body,
    functionError: result.response.functionError,
    diff: result.diff,
  };
}

/** Tests a deployed function with the test data, or a health invocation without. */
export async function testFunction(
  name: string,
  fn: LambdaFunction | string,
  testData: TestData | undefined,
  options: AwsOptions & WorkflowOptions = {},
): Promise<TestOutcome> {
  reportStage(options, { step: 'test', name, tested: 'function' });
  const started = performance.now();
  const result = await runLambdaFunctionTest(
    fn,
    testData ?? { payload: {}, expected: undefined },
    options,
  );
  return {
    name,
    tested: 'function',
    function: typeof fn === 'string' ? fn : fn.name,
    passed: result.passed,
    kind: testData ? 'test data' : 'health',
    seconds: (performance.now() - started) / 1000,
    response: result.result,
    functionError: result.functionError,
    diff: result.diff,
  };
}

/** A test item read: the image to test and the test data to send. */
interface PreparedTest {
  readonly name: string;
  readonly image: LocalImage;
  readonly testData: TestData | undefined;
  /** The image was built from older code than the source holds now. */
  readonly stale: boolean;
}

async function prepareTest(item: TestItem, options: TestWorkflowOptions): Promise<PreparedTest> {
  const withTimeout = (data: TestData | undefined) =>
    data && options.timeout !== undefined && data.timeout === undefined
      ? { ...data, timeout: options.timeout }
      : data;
  if ('image' in item) {
    return {
      name: item.image,
      image: await getLocalImage(item.image),
      testData: withTimeout(options.testData),
      stale: false,
    };
  }
  const responder = await readEntry(item, options);
  const image = await getLocalImage(responder.name);
  const built = image.responder?.hash;
  return {
    name: responder.name,
    image,
    testData: withTimeout(options.testData ?? (await entryTestData(item))),
    stale: built !== undefined && built !== responder.hash,
  };
}

async function runPreparedTest(
  prepared: PreparedTest,
  options: TestWorkflowOptions,
): Promise<TestOutcome> {
  const outcome = await testLocalImage(prepared.name, prepared.image, prepared.testData, options);
  return prepared.stale ? { ...outcome, stale: true } : outcome;
}

/**
 * The error of a test that ran and failed: what the answer was, or how it differs from the
 * test data; undefined for a test that passed.
 */
export function testFailure(outcome: TestOutcome): LambdashError | undefined {
  if (outcome.passed) return undefined;
  const what =
    outcome.tested === 'function'
      ? `function ${outcome.function ?? outcome.name}`
      : `local image ${outcome.image ?? outcome.name}`;
  const test = outcome.kind === 'health' ? 'health check (an invocation with {})' : 'test';
  const thrown = outcome.functionError ? errorLine(outcome.response) : undefined;
  const how = outcome.diff
    ? `the answer differs from the test data:\n${outcome.diff}`
    : thrown
      ? `the handler failed: ${thrown}`
      : `the answer was ${JSON.stringify(outcome.response)}`;
  const invoke =
    outcome.tested === 'function'
      ? `lambdash invoke ${outcome.function ?? outcome.name} --log`
      : `lambdash invoke ${outcome.image ?? outcome.name} --container --log`;
  return new LambdashError(
    'TEST_FAILED',
    `The ${what} failed its ${test}: ${how}`,
    outcome.kind === 'health'
      ? `Invoke it to see the error and the log (\`${invoke}\`; i in the app). Without test data the test sends {}: give "testData" in lambdash.json when the handler needs a real event.`
      : `Fix the handler, or the expected answer (the responder's "testData" in lambdash.json, or --expected); \`${invoke}\` shows the log.`,
  );
}

/** Tests each item's local image; one failing (or missing) does not stop the others. */
export function testEach(
  items: readonly TestItem[],
  options: TestWorkflowOptions & EachOptions<TestOutcome> = {},
): Promise<EachOutcome<TestOutcome>[]> {
  return runEach(
    items,
    {
      nameOf: (item) => ('image' in item ? item.image : entryName(item)),
      prepare: (item) => prepareTest(item, options),
      run: (prepared) => runPreparedTest(prepared, options),
      failureOf: testFailure,
    },
    options,
  );
}

/** `TypeError: asked to fail`, from a function error's answer. */
export function errorLine(response: unknown): string {
  const { errorType, errorMessage } = (response ?? {}) as {
    errorType?: unknown;
    errorMessage?: unknown;
  };
  return (
    [errorType, errorMessage].filter((part) => typeof part === 'string').join(': ') ||
    JSON.stringify(response)
  );
}
