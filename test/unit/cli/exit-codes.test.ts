// Exit codes by error kind, as docs/cli.md lists them.
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf } from '../../../src/cli/exit-codes.js';

describe('exitCodeOf', () => {
  it('maps each kind of error to its code', () => {
    expect(
      (
        [
          'INVALID_OPTION',
          'INVALID_PAYLOAD',
          'INVALID_NAME',
          'RESPONDER_NOT_FOUND',
          'FUNCTION_NOT_FOUND',
          'LOG_NOT_FOUND',
          'TEST_FAILED',
          'FUNCTION_ERROR',
          'DOCKER_UNAVAILABLE',
          'BUILD_SECRETS_UNSUPPORTED',
          'AWS_CREDENTIALS',
          'LOCAL_CLOUD_FAILED',
          'ABORTED',
          'BUILD_FAILED',
          'AWS_FAILED',
        ] as const
      ).map(exitCodeOf),
    ).toEqual([2, 2, 2, 3, 3, 3, 4, 5, 6, 6, 6, 6, 130, 1, 1]);
    expect(exitCodeOf(undefined)).toBe(EXIT.failure);
  });
});
