// The input checks every service of the local cloud shares: AWS's validation wording, clause by
// clause, and the JSON type checks. Clients (and people) match on these texts, so each is pinned
// to what AWS sends.
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/localcloud/service.js';
import {
  checkLengthBetween,
  checkPattern,
  checkRange,
  must,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  optionalStringMap,
  validationError,
  validationMessage,
  violation,
  violations,
} from '../../../src/localcloud/validation.js';

function thrown(action: () => unknown): ServiceError {
  try {
    action();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe("AWS's validation messages", () => {
  it('words one violation as AWS does, for a value, a null and a list', () => {
    expect(
      validationMessage([violation('roleName', 'a b', must.matchPattern('[\\w+=,.@-]+'))]),
    ).toBe(
      "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    expect(violation('logEvents', null, must.notBeNull)).toBe(
      "Value null at 'logEvents' failed to satisfy constraint: Member must not be null",
    );
    expect(violation('logEvents', undefined, must.haveLengthBetween(1, 10000))).toBe(
      "Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000",
    );
    expect(violation('orderBy', 'X', must.beOneOf(['LogStreamName', 'LastEventTime']))).toBe(
      "Value 'X' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]",
    );
  });

  it('counts and joins several violations, reporting every failed rule of a member', () => {
    const found = [
      ...violations('roleSessionName', 'a b', [
        [true, must.haveLengthAtLeast(2)],
        [false, must.haveLengthAtMost(64)],
        [true, must.matchPattern('[\\w+=,.@-]*')],
      ]),
      ...violations('roleArn', null, [[true, must.haveLengthAtLeast(20)]]),
    ];
    const error = validationError('ValidationError', found);
    expect(error.code).toBe('ValidationError');
    expect(error.status).toBe(400);
    expect(error.fault).toBe('Sender');
    expect(error.message).toBe(
      "3 validation errors detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks lengths, patterns and ranges, throwing the service’s own code', () => {
    expect(() => checkLengthBetween('X', 'logGroupName', 'ok', 1, 512)).not.toThrow();
    const long = thrown(() => checkLengthBetween('InvalidParameterException', 'n', 'abc', 1, 2));
    expect([long.code, long.message]).toEqual([
      'InvalidParameterException',
      "1 validation error detected: Value 'abc' at 'n' failed to satisfy constraint: Member must have length between 1 and 2",
    ]);
    expect(() => checkPattern('X', 'n', 'ab', /^[a-z]+$/, '[a-z]+')).not.toThrow();
    expect(thrown(() => checkPattern('X', 'n', 'a:b', /^[^:*]+$/, '[^:*]*')).message).toBe(
      "1 validation error detected: Value 'a:b' at 'n' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
    );
    expect(() => checkRange('X', 'limit', 50, 1, 50)).not.toThrow();
    expect(thrown(() => checkRange('X', 'limit', 0, 1, 50)).message).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(thrown(() => checkRange('X', 'limit', 51, 1, 50)).message).toBe(
      "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
  });
});

describe('JSON members', () => {
  it('reads absent and null as undefined, and a value of the right type as itself', () => {
    const input = { s: 'x', b: false, i: 3, o: { a: 1 }, l: ['a'], m: { k: 'v' }, n: null };
    expect(optionalString(input, 's')).toBe('x');
    expect(optionalString(input, 'n')).toBeUndefined();
    expect(optionalString(input, 'absent')).toBeUndefined();
    expect(optionalBoolean(input, 'b')).toBe(false);
    expect(optionalInteger(input, 'i')).toBe(3);
    expect(optionalObject(input, 'o')).toEqual({ a: 1 });
    expect(optionalStringList(input, 'l')).toEqual(['a']);
    expect(optionalStringMap(input, 'm')).toEqual({ k: 'v' });
  });

  it.each([
    [() => optionalString({ k: 1 }, 'k'), 'k must be a string.'],
    [() => optionalBoolean({ k: 'true' }, 'k'), 'k must be a boolean.'],
    [() => optionalInteger({ k: 1.5 }, 'k'), 'k must be an integer.'],
    [() => optionalInteger({ k: '1' }, 'k'), 'k must be an integer.'],
    [() => optionalObject({ k: [] }, 'k'), 'k must be an object.'],
    [() => optionalStringList({ k: ['a', 1] }, 'k'), 'k must be a list of strings.'],
    [() => optionalStringMap({ k: { a: 1 } }, 'k'), 'k must be a map of strings.'],
  ])(
    'refuses a member of the wrong JSON type as a SerializationException (%#)',
    (read, message) => {
      const error = thrown(read);
      expect([error.code, error.message]).toEqual(['SerializationException', message]);
    },
  );

  it('takes a whole number past 2^53 only where it need not be held exactly', () => {
    expect(optionalInteger({ k: 2 ** 60 }, 'k')).toBe(2 ** 60);
    expect(thrown(() => optionalInteger({ k: 2 ** 60 }, 'k', { safe: true })).code).toBe(
      'SerializationException',
    );
  });
});
