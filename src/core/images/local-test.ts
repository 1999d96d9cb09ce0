// Local image tests: an image invoked once (in a running container of it, or one started for
// the test and removed afterwards) and its answer compared with what the test data expects.
import { isDeepStrictEqual } from 'node:util';
import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { diffJson } from '../common/json-diff.js';
import {
  type Container,
  deleteContainer,
  getAllContainers,
  type LocalResponse,
  runImageLocally,
  sendLocalRequest,
  stopContainer,
} from './containers.js';
import { getDocker, inspectImage } from './docker.js';
import { noteLeftover } from './leftovers.js';
import type { LocalImage } from './types.js';

export interface TestData {
  readonly payload: unknown;
  readonly expected: unknown;
  /** Seconds the invocation may take before it counts as failed (default 30). */
  readonly timeout?: number;
}

export interface LocalTestOptions extends OperationOptions {
  /**
   * Jot's then_stop. true: the container is stopped after the test, even a running one the
   * test borrowed; false: it is left running, even one started for the test (then returned as
   * `container`). Unset: one started for the test goes, a borrowed one stays.
   */
  readonly thenStop?: boolean;
}

export interface TestResult {
  readonly passed: boolean;
  readonly seconds: number;
  readonly response: LocalResponse;
  /** For a failed test with expected data: what differs, line by line. */
  readonly diff?: string;
  /** The container tested, when it is left running (`thenStop: false`, or a borrowed one). */
  readonly container?: Container;
}

/** A test's invocation timeout, so a handler that hangs fails a build in seconds, not minutes. */
const DEFAULT_TEST_TIMEOUT_S = 30;
/** How much longer than the function's timeout a test waits for a container it borrowed. */
const TEST_GRACE_MS = 5_000;

/**
 * Tests an image: invokes a running container of it, or one started for the test and removed
 * afterwards (unless `thenStop` says otherwise). With test data, passes when the answer equals
 * `expected`; without, sends a health invocation (`{}`) and passes when the handler answered
 * it. Either way a function error or an error status fails: a handler that cannot load (a
 * package bundled without its native binary throws at import) must never pass as healthy.
 */
export async function runLocalImageTest(
  image: LocalImage | string,
  testData?: TestData,
  options: LocalTestOptions = {},
): Promise<TestResult> {
  const timeout = testData?.timeout ?? DEFAULT_TEST_TIMEOUT_S;
  if (!(Number.isInteger(timeout) && timeout >= 1 && timeout <= 900)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${String(timeout)} is not a test timeout.`,
      "Give the test's timeout in whole seconds, from 1 to 900 (Lambda's limits).",
    );
  }
  throwIfAborted(options.signal, 'The image test');
  const imageId = typeof image === 'string' ? await imageIdOf(image, options.signal) : image.id;
  const running = (await getAllContainers({ generatedOnly: true })).find(
    (c) => c.image === imageId && c.running,
  );
  const { thenStop, ...operation } = options;
  const stop = thenStop ?? !running;
  const container =
    running ??
    // One left running outlives the test, so it is not this process's to sweep.
    (await runImageLocally(imageId, { ...operation, timeout, ownedByProcess: stop }));
  try {
    const response = await sendLocalRequest(testData ? testData.payload : {}, {
      port: container.port,
      signal: options.signal,
      // A container of our own times the function out itself; a borrowed one may allow more.
      timeoutMs: timeout * 1000 + TEST_GRACE_MS,
    });
    const passed =
      response.statusCode === 200 &&
      !response.functionError &&
      (!testData || isDeepStrictEqual(response.body, testData.expected));
    const result: TestResult = {
      passed,
      seconds: response.seconds,
      response,
      ...(testData && !passed ? { diff: describeDifference(testData.expected, response) } : {}),
      ...(stop ? {} : { container }),
    };
    emit(options, { type: 'image.test', passed, seconds: response.seconds });
    return result;
  } finally {
    if (stop && !running) {
      await deleteContainer(container).catch(() =>
        noteLeftover(getDocker(), { container: container.id }),
      );
    } else if (stop) {
      // A borrowed container is stopped as stopContainer stops it (removed unless kept).
      await stopContainer(container);
    }
  }
}

/** The image's id, or IMAGE_NOT_FOUND. */
async function imageIdOf(ref: string, signal: AbortSignal | undefined): Promise<string> {
  const info = await inspectImage(ref, signal);
  if (!info) {
    throw new LambdashError(
      'IMAGE_NOT_FOUND',
      `There is no local image ${ref}.`,
      'Build it first.',
    );
  }
  return info.Id;
}

/** A readable account of how the answer differs from the expected one. */
export function describeDifference(expected: unknown, response: LocalResponse): string {
  if (response.functionError) {
    return `expected ${JSON.stringify(expected)}\nbut the function failed (${response.functionError}): ${JSON.stringify(response.body)}`;
  }
  return `(- expected, + actual)\n${diffJson(expected, response.body).join('\n')}`;
}
