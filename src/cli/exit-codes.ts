// What `lambdash` exits with, so scripts can tell a typo from a failed test from a missing
// Docker engine. docs/cli.md lists the same table.
import type { ErrorCode } from '../core/internal.js';

export const EXIT = {
  ok: 0,
  /** Something failed: a build, a push, an AWS or Docker call. */
  failure: 1,
  /** The command line, a payload or the project file is wrong: nothing was changed. */
  usage: 2,
  /** A responder, image, container, repository, function or log is not there. */
  notFound: 3,
  /** A test ran and failed. */
  testFailed: 4,
  /** The invoked function answered with an error. */
  functionError: 5,
  /**
   * Something lambdash needs is not available: the Docker engine (or its BuildKit, for build
   * secrets), AWS credentials, the local cloud.
   */
  unavailable: 6,
  /** Cancelled (Ctrl-C). */
  cancelled: 130,
} as const;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_NAME: EXIT.usage,
  INVALID_LABEL: EXIT.usage,
  INVALID_BUILD_ARG: EXIT.usage,
  INVALID_OPTION: EXIT.usage,
  INVALID_PROJECT: EXIT.usage,
  INVALID_PAYLOAD: EXIT.usage,
  UNSUPPORTED_SOURCE: EXIT.usage,
  RESPONDER_NOT_FOUND: EXIT.notFound,
  HANDLER_NOT_FOUND: EXIT.notFound,
  IMAGE_NOT_FOUND: EXIT.notFound,
  CONTAINER_NOT_FOUND: EXIT.notFound,
  REPO_NOT_FOUND: EXIT.notFound,
  REMOTE_IMAGE_NOT_FOUND: EXIT.notFound,
  ROLE_NOT_FOUND: EXIT.notFound,
  FUNCTION_NOT_FOUND: EXIT.notFound,
  LOG_NOT_FOUND: EXIT.notFound,
  TEST_FAILED: EXIT.testFailed,
  FUNCTION_ERROR: EXIT.functionError,
  DOCKER_UNAVAILABLE: EXIT.unavailable,
  BUILD_SECRETS_UNSUPPORTED: EXIT.unavailable,
  AWS_CREDENTIALS: EXIT.unavailable,
  LOCAL_CLOUD_FAILED: EXIT.unavailable,
  ABORTED: EXIT.cancelled,
};

/** The exit code for an error a command ended with. */
export function exitCodeOf(code: ErrorCode | undefined): number {
  return (code && BY_CODE[code]) ?? EXIT.failure;
}

/**
 * Which exit code a command over several responders ends with when they ended differently:
 * the one furthest from done. A cancellation or a missing engine outranks a failure midway,
 * which outranks a refusal before anything changed, which outranks a test that ran and failed.
 */
const SEVERITY: readonly number[] = [
  EXIT.ok,
  EXIT.testFailed,
  EXIT.functionError,
  EXIT.notFound,
  EXIT.usage,
  EXIT.failure,
  EXIT.unavailable,
  EXIT.cancelled,
];

/** The worst of several exit codes (0 for none). */
export function worstExitCode(codes: readonly number[]): number {
  return codes.reduce(
    (worst, code) => (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst),
    EXIT.ok as number,
  );
}
