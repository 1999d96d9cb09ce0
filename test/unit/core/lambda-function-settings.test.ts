import { describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  checkEnvironment,
  checkImageReference,
  checkMemorySize,
  checkTimeout,
  checkWaitSeconds,
  functionNameOf,
  functionTags,
} from '../../../src/core/lambda/lambda-function-settings.js';

const refused = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('functionNameOf', () => {
  it.each([
    ['api', 'api'],
    ['team/api', 'team-api'],
    ['team/orders.api', 'team-orders-api'],
    ['a/b/c', 'a-b-c'],
  ])('%s → %s', (repo, name) => {
    expect(functionNameOf(repo)).toBe(name);
  });
});

describe('limits', () => {
  it('takes Lambda’s timeouts and memory sizes, and nothing given', () => {
    for (const timeout of [undefined, 1, 900]) expect(() => checkTimeout(timeout)).not.toThrow();
    for (const size of [undefined, 128, 10240]) expect(() => checkMemorySize(size)).not.toThrow();
  });

  it.each([[0], [901], [1.5], [Number.NaN]])('refuses the timeout %s', (timeout) => {
    expect(refused(() => checkTimeout(timeout))).toMatchObject({
      code: 'INVALID_OPTION',
      message: `${timeout} is not a Lambda timeout.`,
    });
  });

  it.each([[127], [10241], [256.5]])('refuses the memory size %s', (size) => {
    expect(refused(() => checkMemorySize(size)).code).toBe('INVALID_OPTION');
  });

  it('takes x86_64 and arm64 only, and positive waits', () => {
    expect(() => checkArchitecture('arm64')).not.toThrow();
    expect(refused(() => checkArchitecture('amd64' as 'arm64')).code).toBe('INVALID_OPTION');
    expect(() => checkWaitSeconds(0.5, 'waitSeconds')).not.toThrow();
    expect(refused(() => checkWaitSeconds(0, 'waitSeconds')).message).toBe(
      '0 is not a number of seconds for waitSeconds.',
    );
  });
});

describe('checkEnvironment', () => {
  it('returns a copy of good variables, and undefined for none', () => {
    const environment = { TABLE_NAME: 'orders', Ab: '' };
    const checked = checkEnvironment(environment);
    expect(checked).toEqual(environment);
    expect(checked).not.toBe(environment);
    expect(checkEnvironment(undefined)).toBeUndefined();
  });

  it.each([
    [{ A: 'x' }, '"A" is not a name Lambda accepts for an environment variable.'],
    [{ '1X': 'x' }, '"1X" is not a name Lambda accepts for an environment variable.'],
    [{ 'A-B': 'x' }, '"A-B" is not a name Lambda accepts for an environment variable.'],
    [{ _HANDLER: 'x' }, '"_HANDLER" is not a name Lambda accepts for an environment variable.'],
    [
      { AWS_LAMBDA_FUNCTION_NAME: 'x' },
      'AWS_LAMBDA_FUNCTION_NAME is set by Lambda itself and cannot be given to a function.',
    ],
    [{ COUNT: 3 as unknown as string }, 'The value of environment variable COUNT is not a string.'],
    [
      { BIG: 'x'.repeat(4094) },
      'The environment variables exceed 4 KB together, more than Lambda allows.',
    ],
  ])('refuses %j', (environment, message) => {
    expect(refused(() => checkEnvironment(environment))).toMatchObject({
      code: 'INVALID_OPTION',
      message,
    });
  });
});

describe('functionTags', () => {
  it('joins the user’s labels, the lineage tags and lambdash’s mark', () => {
    expect(functionTags({ team: 'core' }, { 'dev.lambdash.name': 'api' })).toEqual({
      team: 'core',
      'dev.lambdash.name': 'api',
      'dev.lambdash.generated': 'true',
    });
    expect(functionTags(undefined, undefined)).toEqual({ 'dev.lambdash.generated': 'true' });
  });

  it('refuses lineage tags outside lambdash’s prefix, user labels inside it, and values Lambda would refuse', () => {
    expect(refused(() => functionTags(undefined, { team: 'x' })).code).toBe('INVALID_LABEL');
    expect(refused(() => functionTags({ 'dev.lambdash.name': 'x' }, undefined)).code).toBe(
      'INVALID_LABEL',
    );
    expect(refused(() => functionTags({ team: 'x'.repeat(257) }, undefined)).message).toBe(
      'The value of "team" is longer than the 256 characters AWS allows in a tag.',
    );
    // 50 tags at most, lambdash's mark among them.
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tag${i}`, 'x']));
    expect(refused(() => functionTags(many, undefined)).message).toBe(
      '51 tags are more than the 50 AWS allows on a resource.',
    );
  });
});

describe('checkImageReference', () => {
  it('checks a {repo, tag} or an image URI', () => {
    expect(() => checkImageReference({ repo: 'team/api', tag: 'v1' })).not.toThrow();
    expect(() =>
      checkImageReference({ uri: `127.0.0.1:5000/team/api@sha256:${'a'.repeat(64)}` }),
    ).not.toThrow();
    expect(refused(() => checkImageReference({ repo: 'Team', tag: 'v1' })).code).toBe(
      'INVALID_NAME',
    );
    expect(refused(() => checkImageReference({ repo: 'team', tag: '-v1' })).code).toBe(
      'INVALID_NAME',
    );
    expect(refused(() => checkImageReference({ uri: 'host/api@sha256:xyz' })).code).toBe(
      'INVALID_NAME',
    );
  });
});
