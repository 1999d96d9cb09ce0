// lambdash marks what it makes with labels under one reverse-DNS prefix (the OCI convention).
// User labels live beside them and may not use the prefix, so the two never mix.
import { escapeControlCharacters, hasControlCharacters } from './control-characters.js';
import { LambdashError } from './errors.js';

export const LABEL_PREFIX = 'dev.lambdash.';

export const LABELS = {
  generated: `${LABEL_PREFIX}generated`,
  name: `${LABEL_PREFIX}name`,
  source: `${LABEL_PREFIX}source`,
  handler: `${LABEL_PREFIX}handler`,
  hash: `${LABEL_PREFIX}hash`,
  runtimeVersion: `${LABEL_PREFIX}runtime-version`,
  /** The responder's options (JSON), so its state can be worked out again with the same ones. */
  options: `${LABEL_PREFIX}options`,
} as const;

/** Label keys as Docker accepts them: lower-case DNS-ish, dots, dashes, slashes. */
const LABEL_KEY = /^[a-z0-9]([a-z0-9._/-]{0,126}[a-z0-9])?$/;
const MAX_VALUE = 4096;

/** Checks user labels; returns them unchanged when they are fine. */
export function validateUserLabels(
  labels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(LABEL_PREFIX)) {
      throw new LambdashError(
        'INVALID_LABEL',
        `The label "${escapeControlCharacters(key)}" uses lambdash's own prefix "${LABEL_PREFIX}".`,
        'Choose another key, such as "team" or "com.example.owner": lambdash keeps that prefix for its own labels.',
      );
    }
    if (!LABEL_KEY.test(key)) {
      throw new LambdashError(
        'INVALID_LABEL',
        `"${escapeControlCharacters(key)}" is not a valid label key.`,
        'Use lower-case letters, digits, dots, dashes and slashes, starting and ending with a letter or digit (at most 128 characters).',
      );
    }
    if (typeof value !== 'string' || value.length > MAX_VALUE || hasControlCharacters(value)) {
      throw new LambdashError(
        'INVALID_LABEL',
        `The value of label "${escapeControlCharacters(key)}" must be a single-line string of at most ${MAX_VALUE} characters.`,
        'Give the label a short text on one line, without tabs or other control characters: put longer notes elsewhere and link to them.',
      );
    }
  }
  return { ...labels };
}

/**
 * A resource's labels: a local or remote image's `labels`, or a repository's or function's
 * `tags` (AWS's name for them).
 */
export type Labelled =
  | { readonly labels: Readonly<Record<string, string>> }
  | { readonly tags: Readonly<Record<string, string>> };

/**
 * The user's labels of a resource (LocalImage, RemoteImage, EcrRepo or LambdaFunction):
 * everything not under lambdash's prefix.
 */
export function getUserLabels(resource: Labelled): Record<string, string> {
  const labels = 'labels' in resource ? resource.labels : resource.tags;
  return Object.fromEntries(
    Object.entries(labels).filter(([key]) => !key.startsWith(LABEL_PREFIX)),
  );
}

/** AWS's limit on a tag's value (ECR and Lambda alike). */
const MAX_TAG_VALUE = 256;

/**
 * lambdash's lineage labels of an image, as tags for its repository and function. A value AWS
 * would refuse (longer than 256 characters, say a deep source path) is left out, not cut:
 * a cut path would name another file.
 */
export function lineageTagsOf(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(
      ([key, value]) => key.startsWith(LABEL_PREFIX) && value.length <= MAX_TAG_VALUE,
    ),
  );
}
