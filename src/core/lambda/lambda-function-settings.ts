// What createLambdaFunction is given, checked before any call: names, limits, environment and
// tags as Lambda would refuse them, with the rule that applies.
import { RESERVED_ENV_NAMES } from '../../aws-rules/reserved-env.js';
import type { AwsOptions } from '../aws/aws-call.js';
import type { Architecture, LambdaRole, RemoteImage } from '../aws/aws-resources.js';
import { resourceTags } from '../aws/aws-tags.js';
import { LambdashError } from '../common/errors.js';
import { LABEL_PREFIX, LABELS } from '../common/labels.js';
import {
  validateFunctionName,
  validateImageName,
  validateImageReference,
  validateTag,
} from '../common/names.js';
import { roleNameOf } from './lambda-roles.js';

export interface LambdaFunctionOptions extends AwsOptions {
  /** The function's name (default: the image's repository, `team/api` → `team-api`). */
  readonly name?: string;
  /** The role it runs as (default: createLambdaRole(), when the function is created). */
  readonly role?: LambdaRole | string;
  /** Seconds, 1–900 (Lambda's default 3 on creation). */
  readonly timeout?: number;
  /** MB, 128–10240 (Lambda's default 128 on creation). */
  readonly memorySize?: number;
  readonly architecture?: Architecture;
  /** Replaces the function's environment variables when given. */
  readonly environment?: Record<string, string>;
  readonly userLabels?: Record<string, string>;
  /** lambdash's lineage tags (dev.lambdash.*), set by LambdaComponents from the local image's labels. */
  readonly lineageTags?: Record<string, string>;
  /** Bound on waiting for Active/Successful, seconds (default 300). */
  readonly waitSeconds?: number;
  /**
   * Bound on retrying CreateFunction while IAM makes a new role known to Lambda, seconds
   * (default 60; IAM usually takes under ten).
   */
  readonly roleWaitSeconds?: number;
}

/** An image as createLambdaFunction takes it: pushed (by digest), or a tag in a repository. */
export type FunctionImage = RemoteImage | { readonly repo: string; readonly tag: string };

/** What a deployment sets on the function, checked. */
export interface FunctionSettings {
  readonly name: string;
  /** `<repoUri>@sha256:…` */
  readonly imageUri: string;
  readonly environment: Record<string, string> | undefined;
  readonly tags: Record<string, string>;
}

/**
 * The description lambdash gives its functions. ListFunctions returns descriptions but not
 * tags, so `generatedOnly` picks lambdash's functions from it without a call per function of
 * the account; the tag (GetFunction) then confirms each.
 */
export const FUNCTION_DESCRIPTION = 'Deployed by lambdash (dev.lambdash.generated).';

// Lambda's pattern for variable names (the reserved ones are set by Lambda itself).
const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;
/** Lambda's limit on all variables together (names and values). */
const MAX_ENV_BYTES = 4096;

/** Checks all that createLambdaFunction is given; the settings but the image's URI. */
export function checkFunctionOptions(
  image: FunctionImage,
  options: LambdaFunctionOptions,
): Omit<FunctionSettings, 'imageUri'> {
  const name = validateFunctionName(options.name ?? functionNameOf(image.repo));
  checkImageReference(image);
  checkTimeout(options.timeout);
  checkMemorySize(options.memorySize);
  checkArchitecture(options.architecture);
  checkWaitSeconds(options.waitSeconds, 'waitSeconds');
  checkWaitSeconds(options.roleWaitSeconds, 'roleWaitSeconds');
  if (typeof options.role === 'string') roleNameOf(options.role);
  return {
    name,
    environment: checkEnvironment(options.environment),
    tags: functionTags(options.userLabels, options.lineageTags),
  };
}

/** The function name for an image repository: `team/api` → `team-api` (dots become dashes too). */
export function functionNameOf(repo: string): string {
  return repo.replace(/[/.]/g, '-');
}

export function checkTimeout(timeout: number | undefined): void {
  if (timeout === undefined || (Number.isInteger(timeout) && timeout >= 1 && timeout <= 900)) {
    return;
  }
  throw new LambdashError(
    'INVALID_OPTION',
    `${String(timeout)} is not a Lambda timeout.`,
    'Give the timeout in whole seconds, from 1 to 900 (15 minutes, Lambda’s limit).',
  );
}

export function checkMemorySize(memorySize: number | undefined): void {
  if (
    memorySize === undefined ||
    (Number.isInteger(memorySize) && memorySize >= 128 && memorySize <= 10240)
  ) {
    return;
  }
  throw new LambdashError(
    'INVALID_OPTION',
    `${String(memorySize)} is not a Lambda memory size.`,
    'Give the memory in whole MB, from 128 to 10240, as Lambda allows.',
  );
}

export function checkArchitecture(architecture: Architecture | undefined): void {
  if (architecture === undefined || architecture === 'x86_64' || architecture === 'arm64') return;
  throw new LambdashError(
    'INVALID_OPTION',
    `"${String(architecture)}" is not a Lambda architecture.`,
    'Use "x86_64" (the default, for linux/amd64 images) or "arm64" (for linux/arm64 images).',
  );
}

export function checkWaitSeconds(seconds: number | undefined, option: string): void {
  if (seconds === undefined || (Number.isFinite(seconds) && seconds > 0)) return;
  throw new LambdashError(
    'INVALID_OPTION',
    `${String(seconds)} is not a number of seconds for ${option}.`,
    `Give ${option} as a positive number of seconds.`,
  );
}

export function checkEnvironment(
  environment: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  if (environment === undefined) return undefined;
  for (const [key, value] of Object.entries(environment)) {
    if (!ENV_KEY.test(key)) {
      throw new LambdashError(
        'INVALID_OPTION',
        `"${key}" is not a name Lambda accepts for an environment variable.`,
        'Start with a letter, then letters, digits or "_" (at least two characters), for example "TABLE_NAME".',
      );
    }
    if (RESERVED_ENV_NAMES.has(key)) {
      throw new LambdashError(
        'INVALID_OPTION',
        `${key} is set by Lambda itself and cannot be given to a function.`,
        'Choose another name for the variable.',
      );
    }
    if (typeof value !== 'string') {
      throw new LambdashError(
        'INVALID_OPTION',
        `The value of environment variable ${key} is not a string.`,
        'Give every variable a string value (String(value)).',
      );
    }
  }
  if (Buffer.byteLength(Object.entries(environment).flat().join('')) > MAX_ENV_BYTES) {
    throw new LambdashError(
      'INVALID_OPTION',
      'The environment variables exceed 4 KB together, more than Lambda allows.',
      'Keep large settings elsewhere (SSM Parameter Store, S3) and pass their names instead.',
    );
  }
  return { ...environment };
}

/** lambdash's own tags: keys under `dev.lambdash.`, values strings. */
function checkLineageTags(
  tags: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!key.startsWith(LABEL_PREFIX) || typeof value !== 'string') {
      throw new LambdashError(
        'INVALID_LABEL',
        `"${key}" is not one of lambdash's lineage tags.`,
        `Lineage tags use the "${LABEL_PREFIX}" prefix; give other tags as userLabels.`,
      );
    }
  }
  return { ...tags };
}

/** The tags a function gets: the user's, the lineage's, and lambdash's mark, as AWS allows them. */
export function functionTags(
  userLabels: Readonly<Record<string, string>> | undefined,
  lineageTags: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return resourceTags({ ...checkLineageTags(lineageTags), [LABELS.generated]: 'true' }, userLabels);
}

/** Checks a `{ repo, tag }` image reference. */
export function checkImageReference(
  image: { readonly repo: string; readonly tag: string } | { readonly uri: string },
): void {
  if ('uri' in image) {
    validateImageReference(image.uri);
    return;
  }
  validateImageName(image.repo);
  validateTag(image.tag);
}
