// The deploy workflow, the same for the command line and the app: the responder read (its
// hash), built when its source changed (no local image carries the current hash) or else its
// newest image of that code reused, tested locally with the test data, pushed, the function
// created or updated (lineage tags, the user's labels and the entry's settings), and the
// function tested. Everything AWS would refuse is checked before the first change.
import type { AwsOptions } from '../aws/aws-call.js';
import type { LambdaFunction, LambdaRole, RemoteImage } from '../aws/aws-resources.js';
import { targetOf } from '../aws/aws-target.js';
import type { LambdashError } from '../common/errors.js';
import type { LocalImage } from '../images/types.js';
import { readGivenRole } from '../lambda/lambda-function-role.js';
import { getLambdaFunctionNamed, type LambdaFunctionOptions } from '../lambda/lambda-functions.js';
import { type BuildWorkflowOptions, type PreparedBuild, prepareBuild, runBuild } from './build.js';
import { findCurrentImage } from './current-image.js';
import { type EachOptions, type EachOutcome, runEach } from './each.js';
import { entryName, type WorkflowEntry } from './entry.js';
import {
  checkDeployment,
  type LambdaComponents,
  withLambdaFunction,
  withRemoteImage,
} from './lambda-components.js';
import { operationOf, reportStage } from './stage.js';
import { type TestOutcome, testFailure, testFunction, testLocalImage } from './test.js';

export interface DeployWorkflowOptions extends BuildWorkflowOptions, AwsOptions {
  /** The role the function runs as (default: lambdash-function, made when missing). */
  readonly role?: LambdaRole | string;
}

/** An entry read, and its deployment checked as AWS would, before anything is made. */
export interface PreparedDeploy extends PreparedBuild {
  /** The function's options, checked, with the role read. */
  readonly functionOptions: LambdaFunctionOptions;
}

export interface DeployResult {
  readonly name: string;
  /** The code deployed: its image, the source hash it was built from, and whether built now. */
  readonly localImage: {
    readonly id: string;
    readonly ref: string;
    readonly sourceHash: string;
    readonly builtNow: boolean;
  };
  readonly remoteImage: RemoteImage;
  readonly lambdaFunction: LambdaFunction;
  readonly functionChange: 'created' | 'updated';
  /** The function's test (test data, or a health invocation); null with `test: false`. */
  readonly test: TestOutcome | null;
}

/**
 * A role given by name or ARN, read once (it must exist and trust Lambda): ROLE_NOT_FOUND or
 * INVALID_ROLE before anything is made.
 */
export async function readRole(
  role: string,
  options: AwsOptions = {},
): Promise<LambdaRole | string | undefined> {
  return readGivenRole(await targetOf(options), operationOf(options), role);
}

/** Reads the entry and checks its deployment (settings, tag, role); changes nothing. */
export async function prepareDeploy(
  entry: WorkflowEntry,
  options: DeployWorkflowOptions = {},
): Promise<PreparedDeploy> {
  const build = await prepareBuild(entry, options);
  const functionOptions = await checkDeployment(build.responder.name, {
    ...awsOf(options),
    tag: options.tag ?? 'latest',
    ...build.settings.function,
    ...(options.role !== undefined ? { role: options.role } : {}),
  });
  return { ...build, functionOptions };
}

/** Deploys a prepared entry; a local test that fails stops before the push. */
export async function runDeploy(
  prepared: PreparedDeploy,
  options: DeployWorkflowOptions = {},
): Promise<DeployResult> {
  const { name, responder, functionOptions } = prepared;
  const aws = { ...awsOf(options), target: await targetOf(functionOptions) };
  const tag = options.tag ?? 'latest';
  const { image, builtNow } = await currentCode(prepared, options);
  reportStage(options, { step: 'push', name });
  let components: LambdaComponents = {
    responder,
    localImage: image,
    remoteImage: undefined,
    lambdaFunction: undefined,
  };
  components = await withRemoteImage(components, { ...aws, tag });
  const existed = await functionExists(name, aws);
  reportStage(options, { step: 'function', name, change: existed ? 'update' : 'create' });
  components = await withLambdaFunction(components, { ...functionOptions, ...aws });
  const lambdaFunction = components.lambdaFunction!;
  const test =
    options.test === false
      ? null
      : await testFunction(name, lambdaFunction, prepared.testData, {
          ...aws,
          ...(options.onStage ? { onStage: options.onStage } : {}),
        });
  return {
    name,
    localImage: {
      id: components.localImage.id,
      ref: components.localImage.ref,
      sourceHash: responder.hash,
      builtNow,
    },
    remoteImage: components.remoteImage!,
    lambdaFunction,
    functionChange: existed ? 'updated' : 'created',
    test,
  };
}

/** Deploys one entry. */
export async function deployEntry(
  entry: WorkflowEntry,
  options: DeployWorkflowOptions = {},
): Promise<DeployResult> {
  return runDeploy(await prepareDeploy(entry, options), options);
}

/** The error of a deployment whose function failed its test; undefined when it passed. */
export function deployFailure(result: DeployResult): LambdashError | undefined {
  return result.test ? testFailure(result.test) : undefined;
}

/**
 * Deploys every entry: all read and checked first (one refused changes nothing of it), then
 * each deployed; one failing does not stop the others.
 */
export function deployEach(
  entries: readonly WorkflowEntry[],
  options: DeployWorkflowOptions & EachOptions<DeployResult> = {},
): Promise<EachOutcome<DeployResult>[]> {
  return runEach(
    entries,
    {
      nameOf: entryName,
      prepare: (entry) => prepareDeploy(entry, options),
      run: (prepared) => runDeploy(prepared, options),
      failureOf: deployFailure,
    },
    options,
  );
}

/**
 * The image of the source as it is now: the newest one built from it, tested with the test
 * data, or a new build when the source changed (or `noCache`/`warmup` asks for one).
 */
async function currentCode(
  prepared: PreparedDeploy,
  options: DeployWorkflowOptions,
): Promise<{ image: LocalImage; builtNow: boolean }> {
  const { name, responder, settings, testData } = prepared;
  const reusable =
    options.noCache || options.warmup
      ? undefined
      : await findCurrentImage(
          responder,
          {
            platform: settings.build.platform ?? 'linux/amd64',
            userLabels: settings.build.userLabels ?? {},
            tag: options.tag ?? 'latest',
          },
          options.signal,
        );
  if (!reusable) return { image: (await runBuild(prepared, options)).image, builtNow: true };
  reportStage(options, { step: 'reuse', name, image: reusable });
  if (testData) {
    const failure = testFailure(await testLocalImage(name, reusable, testData, options));
    if (failure) throw failure;
  }
  return { image: reusable, builtNow: false };
}

/** By the name the entry's function has: another function running the same image is not it. */
async function functionExists(name: string, options: AwsOptions): Promise<boolean> {
  return (await getLambdaFunctionNamed(name, options)) !== undefined;
}

/** The signal, the listener and the target: what AWS calls take from a workflow's options. */
function awsOf(options: AwsOptions): AwsOptions {
  return { ...operationOf(options), ...(options.target ? { target: options.target } : {}) };
}
