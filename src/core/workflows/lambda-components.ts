// A responder's whole chain in one value, grown a stage at a time: built (a local image), pushed
// (a remote image), deployed (a function). Each stage passes the lineage on: the repository and
// the function carry the image's dev.lambdash.* labels as tags, so the lineage table can say
// which responder a function runs even when the image is gone from this machine; the user's
// labels (userLabels) follow the same way, through the repository's tags.
import type { AwsOptions } from '../aws/aws-call.js';
import type { LambdaFunction, RemoteImage } from '../aws/aws-resources.js';
import { targetOf } from '../aws/aws-target.js';
import { lineageTagsOf } from '../common/labels.js';
import { repoOfImageName } from '../ecr/ecr-reference.js';
import { pushToEcr } from '../ecr/push.js';
import { createLocalImage } from '../images/local-image-build.js';
import type { LocalImageOptions } from '../images/local-image-options.js';
import { getLocalImage } from '../images/local-image-queries.js';
import {
  type LocalTestOptions,
  runLocalImageTest,
  type TestData,
  type TestResult,
} from '../images/local-test.js';
import type { LocalImage } from '../images/types.js';
import { type InvokeOptions, runLambdaFunctionTest } from '../lambda/invoke.js';
import { readGivenRole } from '../lambda/lambda-function-role.js';
import { checkFunctionOptions } from '../lambda/lambda-function-settings.js';
import { createLambdaFunction, type LambdaFunctionOptions } from '../lambda/lambda-functions.js';
import type { InvocationLog } from '../logs/invocation-log.js';
import { getResponder, type Responder, type ResponderOptions } from '../responder/responder.js';
import { deleteEntryParts, partsOf } from './delete.js';

export interface LambdaComponents {
  readonly responder: Responder;
  readonly localImage: LocalImage;
  readonly remoteImage: RemoteImage | undefined;
  readonly lambdaFunction: LambdaFunction | undefined;
}

/** What deleteComponents removes: any of the parts (a lineage row has this shape too). */
export interface ComponentParts {
  readonly localImage?: LocalImage | undefined;
  readonly remoteImage?: RemoteImage | undefined;
  readonly lambdaFunction?: LambdaFunction | undefined;
}

export interface ComponentTestResult {
  readonly passed: boolean;
  /** The part that was tested: the most downstream one. */
  readonly tested: 'function' | 'local image';
  readonly result: unknown;
  readonly diff: string | undefined;
  /** `Unhandled` when the function failed (which fails the test, with or without test data). */
  readonly functionError: string | undefined;
  /** The function's invocation log (a local image's test has none). */
  readonly log: InvocationLog | undefined;
}

/** Builds the local image of a responder (a path or URL, or one getResponder already read). */
export async function createLambdaComponents(
  responder: Responder | string,
  options: LocalImageOptions & Pick<ResponderOptions, 'handler'> = {},
): Promise<LambdaComponents> {
  const resolved =
    typeof responder === 'string'
      ? await getResponder(responder, {
          ...(options.handler ? { handler: options.handler } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        })
      : responder;
  const localImage = await createLocalImage(resolved, options);
  return { responder: resolved, localImage, remoteImage: undefined, lambdaFunction: undefined };
}

/** Pushes the local image to ECR (its repository is created when missing). */
export async function withRemoteImage(
  components: LambdaComponents,
  options: AwsOptions & { repo?: string; tag?: string } = {},
): Promise<LambdaComponents> {
  const remoteImage = await pushToEcr(components.localImage, options);
  // Read again: the push gave the local image its repository digest (what lineage joins on).
  const localImage = await getLocalImage(components.localImage.id);
  return { ...components, localImage, remoteImage };
}

/**
 * Checks a deployment of the image `repo:tag` before anything is built, pushed or made: the
 * function's name (default: the repository's), the tag, the settings as Lambda would refuse
 * them, and a role given by name or ARN, read from IAM (it must exist and trust Lambda; the
 * default role is made only when the function is created). Returns the options with the role
 * read, so that withLambdaFunction does not read it again.
 */
export async function checkDeployment(
  repo: string,
  options: LambdaFunctionOptions & { readonly tag?: string } = {},
): Promise<LambdaFunctionOptions> {
  const { tag, ...functionOptions } = options;
  checkFunctionOptions({ repo, tag: tag ?? 'latest' }, functionOptions);
  const target = await targetOf(options);
  const role = await readGivenRole(target, options, options.role);
  return { ...functionOptions, target, ...(role !== undefined ? { role } : {}) };
}

/** Creates the function from the remote image, or updates it in place; pushes first if needed. */
export async function withLambdaFunction(
  components: LambdaComponents,
  options: LambdaFunctionOptions = {},
): Promise<LambdaComponents> {
  const target = await targetOf(options);
  const { localImage } = components;
  // Checked before the push: settings Lambda would refuse must leave ECR as it was.
  const checked =
    components.remoteImage || !localImage.name
      ? { ...options, target }
      : await checkDeployment(repoOfImageName(localImage.name), {
          ...options,
          target,
          tag: localImage.tag || 'latest',
        });
  const withImage = components.remoteImage
    ? components
    : await withRemoteImage(components, { ...checked, target });
  const lambdaFunction = await createLambdaFunction(withImage.remoteImage!, {
    ...checked,
    target,
    lineageTags: { ...lineageTagsOf(components.localImage.labels), ...options.lineageTags },
  });
  return { ...withImage, lambdaFunction };
}

/**
 * Tests the most downstream part: the function when there is one, else the local image. With
 * test data, passes when the answer equals `expected`; without, when the handler answered the
 * health invocation (`{}`). A function error fails both: a handler that cannot load never passes.
 * `checkState` goes to the function's test, `thenStop` to the local image's.
 */
export async function runTest(
  components: LambdaComponents,
  testData?: TestData,
  options: InvokeOptions & LocalTestOptions = {},
): Promise<ComponentTestResult> {
  if (components.lambdaFunction) {
    const outcome = await runLambdaFunctionTest(
      components.lambdaFunction,
      testData ?? { payload: {}, expected: undefined },
      options,
    );
    return {
      passed: outcome.passed,
      tested: 'function',
      result: outcome.result,
      diff: outcome.diff,
      functionError: outcome.functionError,
      log: outcome.log,
    };
  }
  const outcome: TestResult = await runLocalImageTest(components.localImage, testData, options);
  return {
    passed: outcome.passed,
    tested: 'local image',
    result: outcome.response.body,
    diff: outcome.diff,
    functionError: outcome.response.functionError,
    log: undefined,
  };
}

/**
 * Deletes the parts, downstream first (a function keeps its image in use): the function, the
 * remote image (and its repository once nothing is left in it), then the local image and its
 * containers. The function's role goes too with `deleteRole`, when nothing else uses it. A part
 * already gone is quiet. The delete workflow (delete.ts) removes them, so both say it once.
 */
export async function deleteComponents(
  parts: ComponentParts,
  options: AwsOptions & { deleteRole?: boolean } = {},
): Promise<void> {
  await deleteEntryParts(partsOf(parts, { deleteRole: !!options.deleteRole }), options);
}
