// The local CloudWatch Logs' input checks: its names and the members that must be there, in
// AWS's validation wording (validation.ts) with CloudWatch Logs' code for it.
import {
  checkLengthBetween,
  checkPattern,
  checkRange,
  type Input,
  must,
  optionalInteger,
  optionalString,
  validationError,
  violation,
} from './validation.js';

/** CloudWatch Logs answers a broken constraint with this code. */
export const LOGS_VALIDATION_CODE = 'InvalidParameterException';

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]+$/;

export function validateGroupName(name: string): void {
  checkLengthBetween(LOGS_VALIDATION_CODE, 'logGroupName', name, 1, 512);
  checkPattern(LOGS_VALIDATION_CODE, 'logGroupName', name, GROUP_NAME, '[\\.\\-_/#A-Za-z0-9]+');
}

export function validateStreamName(name: string): void {
  checkLengthBetween(LOGS_VALIDATION_CODE, 'logStreamName', name, 1, 512);
  checkPattern(LOGS_VALIDATION_CODE, 'logStreamName', name, STREAM_NAME, '[^:*]*');
}

/** `where` names the member as AWS does inside lists: `logEvents.1.member.message`. */
export function requiredString(input: Input, key: string, where = key): string {
  const value = optionalString(input, key);
  if (value === undefined) throw notNull(where);
  return value;
}

/** A whole number JavaScript holds exactly, from min to max. */
export function boundedInteger(
  input: Input,
  key: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = optionalInteger(input, key, { safe: true });
  if (value !== undefined) checkRange(LOGS_VALIDATION_CODE, key, value, min, max);
  return value;
}

export function requiredInteger(input: Input, key: string, where: string): number {
  const value = boundedInteger(input, key, 0);
  if (value === undefined) throw notNull(where);
  return value;
}

export function notNull(member: string) {
  return validationError(LOGS_VALIDATION_CODE, [violation(member, null, must.notBeNull)]);
}

/** A list member with too few or too many items (AWS does not print the list). */
export function listLengthBetween(member: string, min: number, max: number) {
  return validationError(LOGS_VALIDATION_CODE, [
    violation(member, undefined, must.haveLengthBetween(min, max)),
  ]);
}
