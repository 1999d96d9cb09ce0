import { describe, expect, it } from 'vitest';
import {
  EventValidationError,
  isStandardSchema,
  type StandardSchema,
  validateWithSchema,
} from '../../../runtime/schema.js';

type Result = ReturnType<StandardSchema['~standard']['validate']>;

/** A hand-written Standard Schema, as zod, valibot or arktype would expose it. */
function schema(validate: (value: unknown) => Result): StandardSchema {
  return { '~standard': { version: 1, validate } };
}

// Accepts {name: string, tags?: string[]} and trims the name, so the output differs from the input.
function checkUser(value: unknown) {
  const issues: { message: string; path?: (PropertyKey | { key: PropertyKey })[] }[] = [];
  const input = value as { name?: unknown; tags?: unknown };
  if (typeof value !== 'object' || value === null) {
    return { issues: [{ message: 'Expected an object' }] };
  }
  if (typeof input.name !== 'string') issues.push({ message: 'Required', path: ['name'] });
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags)) issues.push({ message: 'Expected an array', path: ['tags'] });
    else
      input.tags.forEach((tag, i) => {
        if (typeof tag !== 'string') {
          issues.push({ message: 'Expected a string', path: [{ key: 'tags' }, { key: i }] });
        }
      });
  }
  if (issues.length > 0) return { issues };
  return { value: { ...input, name: (input.name as string).trim() } };
}

const syncUser = schema(checkUser);
const asyncUser = schema(async (value) => {
  await new Promise((resolve) => setImmediate(resolve));
  return checkUser(value);
});

describe.each([
  ['sync', syncUser],
  ['async', asyncUser],
])('validateWithSchema with a %s schema', (_mode, userSchema) => {
  it("returns the schema's output, not its input", async () => {
    const input = { name: '  Ada  ', tags: ['x'] };
    await expect(validateWithSchema(userSchema, input)).resolves.toEqual({
      name: 'Ada',
      tags: ['x'],
    });
    expect(input.name).toBe('  Ada  ');
  });

  it.each<[string, unknown, { path: string; message: string }[], string]>([
    [
      'a missing field',
      { tags: [] },
      [{ path: 'name', message: 'Required' }],
      "The event does not match the handler's schema: name: Required",
    ],
    [
      'several issues, with path segments given as keys',
      { tags: ['a', 1, null] },
      [
        { path: 'name', message: 'Required' },
        { path: 'tags.1', message: 'Expected a string' },
        { path: 'tags.2', message: 'Expected a string' },
      ],
      "The event does not match the handler's schema: name: Required; tags.1: Expected a string; tags.2: Expected a string",
    ],
    [
      'an issue at the root',
      'not an object',
      [{ path: '', message: 'Expected an object' }],
      "The event does not match the handler's schema: (root): Expected an object",
    ],
  ])(
    'rejects %s with an EventValidationError listing the issues',
    async (_label, input, issues, message) => {
      const error = await validateWithSchema(userSchema, input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EventValidationError);
      expect(error).toBeInstanceOf(Error);
      expect((error as EventValidationError).name).toBe('EventValidationError');
      expect((error as EventValidationError).issues).toEqual(issues);
      expect((error as EventValidationError).message).toBe(message);
    },
  );
});

describe('validateWithSchema edge cases', () => {
  it('passes a falsy output value through', async () => {
    await expect(
      validateWithSchema(
        schema(() => ({ value: 0 })),
        'anything',
      ),
    ).resolves.toBe(0);
    await expect(
      validateWithSchema(
        schema(() => ({ value: undefined })),
        {},
      ),
    ).resolves.toBe(undefined);
  });

  it('names symbol and numeric keys', async () => {
    const failing = schema(() => ({
      issues: [{ message: 'bad', path: [Symbol('meta'), 0, { key: 'x' }] }],
    }));
    await expect(validateWithSchema(failing, {})).rejects.toMatchObject({
      issues: [{ path: 'Symbol(meta).0.x', message: 'bad' }],
    });
  });

  it("lets an exception thrown by the schema's validate propagate as is", async () => {
    const boom = new RangeError('schema bug');
    const throwing = schema(() => {
      throw boom;
    });
    await expect(validateWithSchema(throwing, {})).rejects.toBe(boom);
  });
});

describe('isStandardSchema', () => {
  // arktype's schemas are functions carrying the interface.
  const callable = Object.assign(() => true, {
    '~standard': { version: 1, validate: () => ({ value: 1 }) },
  });

  it.each<[string, unknown, boolean]>([
    ['a Standard Schema object', syncUser, true],
    ['a callable schema', callable, true],
    ['an object without ~standard', { validate: () => ({}) }, false],
    ['~standard without validate', { '~standard': { version: 1 } }, false],
    ['validate that is not a function', { '~standard': { version: 1, validate: 'x' } }, false],
    ['~standard that is null', { '~standard': null }, false],
    ['null', null, false],
    ['undefined', undefined, false],
    ['a string', 'schema', false],
    ['a number', 1, false],
  ])('%s → %s', (_label, value, expected) => {
    expect(isStandardSchema(value)).toBe(expected);
  });
});
