// Names Docker and ECR would reject are refused before any call, with the rule that applies.
import { escapeControlCharacters } from './control-characters.js';
import { LambdashError } from './errors.js';

// ECR repository names (and so our image names): lower case, 2–256 characters, path parts
// separated by '/', each part made of letters and digits joined by '.', '_', '-'.
const REPOSITORY = /^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
// Docker tags: 1–128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// Any image reference: [registry[:port]/]path[:tag][@sha256:digest], nothing else. It goes into
// a FROM line and into the engine's URLs, so nothing else may reach either.
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function validateImageName(name: string): string {
  if (!REPOSITORY.test(name)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(String(name))}" is not a valid image name.`,
      'Use 2 to 256 lower-case letters and digits, with ".", "_" or "-" between them and "/" between parts, as Docker and ECR require (for example "orders-api").',
    );
  }
  return name;
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(String(tag))}" is not a valid image tag.`,
      'Use 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-" (for example "v1" or "latest").',
    );
  }
  return tag;
}

/** Checks an image reference of the user's (a base image: `node:20-slim`, `host:5000/team/base:1`). */
export function validateImageReference(reference: string): string {
  if (typeof reference !== 'string' || !IMAGE_REFERENCE.test(reference)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(String(reference))}" is not a valid image reference.`,
      'Name an image such as "node:20-slim" or "registry.example.com/team/base:1.2".',
    );
  }
  return reference;
}

/** A name for an image made from any text (a file name, a package name). */
export function toImageName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .replace(/(^|\/)[._-]+|[._-]+($|\/)/g, '$1$2')
    .replace(/\/{2,}/g, '/')
    .replace(/^\/|\/$/g, '');
  const name = cleaned.length >= 2 ? cleaned.slice(0, 200) : `fn-${cleaned || 'responder'}`;
  return validateImageName(name);
}

// Lambda function names: 1–64 letters, digits, '-' and '_' (Lambda also takes ARNs, we do not).
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
// IAM role names: 1–64 letters, digits and '+=,.@_-'.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function validateFunctionName(name: string): string {
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(String(name))}" is not a valid Lambda function name.`,
      'Use 1 to 64 letters, digits, "-" or "_", as Lambda requires (for example "orders-api").',
    );
  }
  return name;
}

export function validateRoleName(name: string): string {
  if (typeof name !== 'string' || !ROLE_NAME.test(name)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(String(name))}" is not a valid IAM role name.`,
      'Use 1 to 64 letters, digits or "+=,.@_-", as IAM requires (for example "orders-api-role").',
    );
  }
  return name;
}

export const SECRET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** A build secret's id: it names the file /run/secrets/<id> in a RUN step. */
export function validateSecretId(id: string): string {
  if (typeof id !== 'string' || !SECRET_ID.test(id)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `"${escapeControlCharacters(String(id))}" is not a valid build secret id.`,
      'Use 1 to 64 letters, digits, "_", "." or "-", not starting with "." or "-" (for example "npm_token"): it names the file /run/secrets/<id>.',
    );
  }
  return id;
}
