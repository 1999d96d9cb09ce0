// Exit codes by error kind, as docs/cli.md lists them.
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, worstExitCode } from '../../../src/cli/exit-codes.js';

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

describe('worstExitCode', () => {
  it('picks the code furthest from done when responders end differently', () => {
    expect(worstExitCode([])).toBe(EXIT.ok);
    expect(worstExitCode([EXIT.ok, EXIT.ok])).toBe(EXIT.ok);
    expect(worstExitCode([EXIT.ok, EXIT.testFailed])).toBe(EXIT.testFailed);
    expect(worstExitCode([EXIT.testFailed, EXIT.failure, EXIT.ok])).toBe(EXIT.failure);
    expect(worstExitCode([EXIT.usage, EXIT.notFound])).toBe(EXIT.usage);
    expect(worstExitCode([EXIT.failure, EXIT.unavailable, EXIT.usage])).toBe(EXIT.unavailable);
    expect(worstExitCode([EXIT.unavailable, EXIT.cancelled])).toBe(EXIT.cancelled);
  });
});
