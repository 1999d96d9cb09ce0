// Input checks in AWS's own wording, for every service of the local cloud. Two kinds:
//
// - JSON members of the wrong JSON type (a number where a string goes): the JSON 1.1 services
//   answer SerializationException, `<member> must be a string.` and so on.
// - Values that break a member's constraint: AWS's validation layer words them the same in every
//   service, `1 validation error detected: Value 'x' at 'member' failed to satisfy constraint:
//   Member must …`, joined with `; ` when there are several; only the error code differs
//   (InvalidParameterException in CloudWatch Logs, ValidationError in IAM and STS,
//   ValidationException in Lambda). Clients and people match on these texts, so they are built
//   here once.
import { ServiceError } from './service.js';

/** A JSON 1.1 request's input. */
export type Input = Record<string, unknown>;

/** The JSON 1.1 services' error for a value they cannot accept (ECR, CloudWatch Logs). */
export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message);
}

/** A member of the wrong JSON type. */
export function serializationError(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}

// --- constraints -------------------------------------------------------------------------------

/** What a member must be, as AWS's validation messages say it. */
export const must = {
  notBeNull: 'Member must not be null',
  beAnInteger: 'Member must be an integer',
  haveLengthBetween: (min: number, max: number) =>
    `Member must have length between ${min} and ${max}`,
  haveLengthAtLeast: (min: number) => `Member must have length greater than or equal to ${min}`,
  haveLengthAtMost: (max: number) => `Member must have length less than or equal to ${max}`,
  haveValueAtLeast: (min: number) => `Member must have value greater than or equal to ${min}`,
  haveValueAtMost: (max: number) => `Member must have value less than or equal to ${max}`,
  /** `shown` is the pattern as AWS's model writes it, not necessarily our RegExp. */
  matchPattern: (shown: string) => `Member must satisfy regular expression pattern: ${shown}`,
  beOneOf: (values: readonly string[]) =>
    `Member must satisfy enum value set: [${values.join(', ')}]`,
} as const;

/**
 * One clause: `Value 'x' at 'member' failed to satisfy constraint: <rule>`. A null value reads
 * `Value null`; a list (whose items AWS does not print) passes undefined and reads `Value at`.
 */
export function violation(member: string, value: string | null | undefined, rule: string): string {
  const shown = value === null ? 'Value null' : value === undefined ? 'Value' : `Value '${value}'`;
  return `${shown} at '${member}' failed to satisfy constraint: ${rule}`;
}

/** `N validation error(s) detected: a; b`. */
export function validationMessage(violations: readonly string[]): string {
  const count = `${violations.length} validation error${violations.length === 1 ? '' : 's'}`;
  return `${count} detected: ${violations.join('; ')}`;
}

/** The service's validation error (`code` is its name for it) for one or more violations. */
export function validationError(
  code: string,
  violations: readonly string[],
  status = 400,
): ServiceError {
  return new ServiceError(code, validationMessage(violations), status);
}

/**
 * The violations of one member: not null, then each rule whose check failed, in order (STS
 * reports them all in one message).
 */
export function violations(
  member: string,
  value: string | null,
  checks: readonly (readonly [failed: boolean, rule: string])[],
): string[] {
  if (value === null) return [violation(member, null, must.notBeNull)];
  return checks.filter(([failed]) => failed).map(([, rule]) => violation(member, value, rule));
}

/** Throws `code`'s validation error unless `value` has a length from min to max. */
export function checkLengthBetween(
  code: string,
  member: string,
  value: string,
  min: number,
  max: number,
): void {
  if (value.length < min || value.length > max)
    throw validationError(code, [violation(member, value, must.haveLengthBetween(min, max))]);
}

/** Throws `code`'s validation error unless `pattern` matches; `shown` is AWS's text for it. */
export function checkPattern(
  code: string,
  member: string,
  value: string,
  pattern: RegExp,
  shown: string,
): void {
  if (!pattern.test(value))
    throw validationError(code, [violation(member, value, must.matchPattern(shown))]);
}

/** Throws `code`'s validation error unless `value` is at least min and at most max. */
export function checkRange(
  code: string,
  member: string,
  value: number,
  min: number,
  max: number,
): void {
  if (value < min)
    throw validationError(code, [violation(member, String(value), must.haveValueAtLeast(min))]);
  if (value > max)
    throw validationError(code, [violation(member, String(value), must.haveValueAtMost(max))]);
}

// --- JSON members ------------------------------------------------------------------------------
// Absent and null are the same (undefined); a wrong type is a SerializationException.

export function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(`${key} must be a string.`);
  return value;
}

export function optionalBoolean(input: Input, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationError(`${key} must be a boolean.`);
  return value;
}

/**
 * A whole number. `safe` refuses the ones past 2^53 as well (CloudWatch Logs' longs: a
 * timestamp JavaScript cannot hold exactly is not one); ECR's ints leave those to its range.
 */
export function optionalInteger(
  input: Input,
  key: string,
  { safe = false }: { safe?: boolean } = {},
): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(safe ? Number.isSafeInteger(value) : Number.isInteger(value)))
    throw serializationError(`${key} must be an integer.`);
  return value;
}

export function optionalObject(input: Input, key: string): Record<string, unknown> | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw serializationError(`${key} must be an object.`);
  return value as Record<string, unknown>;
}

export function optionalStringList(input: Input, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw serializationError(`${key} must be a list of strings.`);
  return value as string[];
}

export function optionalStringMap(input: Input, key: string): Record<string, string> | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((item) => typeof item === 'string')
  )
    throw serializationError(`${key} must be a map of strings.`);
  return { ...(value as Record<string, string>) };
}
