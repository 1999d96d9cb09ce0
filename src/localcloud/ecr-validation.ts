// The local ECR's input checks, in ECR's wording: its names, tags, image ids and settings. The
// JSON type checks every JSON service shares are in validation.ts.
import type { ImageId, TagStatus } from './ecr-image-ids.js';
import { ServiceError } from './service.js';
import {
  type Input,
  invalidParameter,
  optionalInteger,
  optionalObject,
  optionalString,
  serializationError,
} from './validation.js';

export interface RepositoryTag {
  Key: string;
  Value: string;
}

const NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const NAME_PATTERN_TEXT = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
export const MUTABILITIES = ['MUTABLE', 'IMMUTABLE'];
export const ENCRYPTIONS = ['AES256', 'KMS', 'KMS_DSSE'];
export const MAX_TAGS = 50;

export function tooManyTags(): ServiceError {
  return new ServiceError(
    'TooManyTagsException',
    `The list of tags on the repository is over the limit. The maximum number of tags that can be applied to a repository is ${MAX_TAGS}.`,
  );
}

export function repositoryName(input: Input): string {
  const name = optionalString(input, 'repositoryName');
  if (name === undefined) throw invalidParameter("Missing required parameter: 'repositoryName'");
  if (name.length < 2 || name.length > 256) {
    throw invalidParameter(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length between 2 and 256'`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${NAME_PATTERN_TEXT}''`,
    );
  }
  return name;
}

/** maxResults and the like: a whole number from min to max. */
export function integerBetween(
  input: Input,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = optionalInteger(input, key);
  if (value !== undefined && (value < min || value > max))
    throw invalidParameter(`${key} must be between ${min} and ${max}.`);
  return value;
}

export function tagList(value: unknown, key: string): RepositoryTag[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serializationError(`${key} must be a list.`);
  return value.map((tag: unknown) => {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || (Value !== undefined && typeof Value !== 'string'))
      throw new ServiceError('InvalidTagParameterException', 'Each tag needs a Key and a Value.');
    return { Key, Value: Value ?? '' };
  });
}

export function checkTags(tags: RepositoryTag[]): void {
  for (const { Key, Value } of tags) {
    if (Key.length < 1 || Key.length > 128 || Value.length > 256 || /^aws:/i.test(Key)) {
      throw new ServiceError(
        'InvalidTagParameterException',
        `Invalid tag ${JSON.stringify(Key)}: keys are 1-128 characters and may not start with aws:, values at most 256.`,
      );
    }
  }
  if (dedupeTags(tags).length > MAX_TAGS) throw tooManyTags();
}

/** Later values win, as TagResource overwrites a key. */
export function dedupeTags(tags: RepositoryTag[]): RepositoryTag[] {
  const byKey = new Map<string, string>();
  for (const { Key, Value } of tags) byKey.set(Key, Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

export function imageIdList(input: Input, required: boolean): ImageId[] | undefined {
  const value = input.imageIds;
  if (value === undefined || value === null) {
    if (required) throw invalidParameter("Missing required parameter: 'imageIds'");
    return undefined;
  }
  if (!Array.isArray(value)) throw serializationError('imageIds must be a list.');
  if (value.length < 1 || value.length > 100)
    throw invalidParameter('imageIds must hold 1 to 100 ids.');
  return value.map((item: unknown) => {
    const { imageDigest, imageTag } = (item ?? {}) as Record<string, unknown>;
    if (
      (imageDigest !== undefined && typeof imageDigest !== 'string') ||
      (imageTag !== undefined && typeof imageTag !== 'string')
    )
      throw serializationError('imageDigest and imageTag must be strings.');
    return {
      ...(imageDigest ? { imageDigest } : {}),
      ...(imageTag ? { imageTag } : {}),
    };
  });
}

export function tagStatusFilter(input: Input): TagStatus {
  const status = optionalObject(input, 'filter')?.tagStatus ?? 'ANY';
  if (status !== 'TAGGED' && status !== 'UNTAGGED' && status !== 'ANY')
    throw invalidParameter('filter.tagStatus must be TAGGED, UNTAGGED or ANY.');
  return status;
}
