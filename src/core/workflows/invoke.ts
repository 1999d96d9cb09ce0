// The invoke workflow, the same for the command line and the app: a deployed function, or a
// container of a local image serving Lambda's Invoke API here, sent a payload. What it came to
// is returned either way, the answer or the function's error, with the invocation's full log;
// only an invocation that could not be made throws. A container started for one invocation is
// stopped after it (it goes with the process should that fail); one already running is reused.
import { performance } from 'node:perf_hooks';
import type { LambdaFunction } from '../aws/aws-resources.js';
import {
  type Container,
  getAllContainers,
  runImageLocally,
  stopContainer,
} from '../images/containers.js';
import { getLocalImage } from '../images/local-image-queries.js';
import type { LocalImage } from '../images/types.js';
import { InvocationError, type InvokeOptions, invokeFunctionWithLog } from '../lambda/invoke.js';
import type { InvocationLog } from '../logs/invocation-log.js';
import type { Project } from '../project/project.js';
import { operationOf } from './stage.js';

/** Where an invocation goes: a deployed function (or its name), or a container here. */
export type InvokePlace = LambdaFunction | Container | string;

export interface InvokeOutcome {
  /** The function's name, or the container's. */
  readonly name: string;
  readonly invoked: 'function' | 'container';
  /** The answer; after a function error, `{ errorType, errorMessage, stackTrace }`. */
  readonly result: unknown;
  /** The function's error (it threw, crashed or timed out); undefined when it answered. */
  readonly error: InvocationError | undefined;
  readonly requestId: string;
  /** The whole log: the tail Lambda returns, then CloudWatch for the rest (a container: its output). */
  readonly log: InvocationLog;
  /** Round trip of the invocation, as the caller saw it. */
  readonly seconds: number;
}

export interface InvokeEntryOptions extends InvokeOptions {
  /**
   * Invoke a container of the local image named so instead of the deployed function: one that
   * runs already, else one started for this invocation and stopped after it.
   */
  readonly container?: boolean;
  /**
   * The project whose entry of that name gives a started container its environment, timeout and
   * memory; read only when a container is started.
   */
  readonly project?: Project | (() => Promise<Project | undefined>);
  /**
   * Told when the container started for the invocation could not be stopped (the engine went
   * away): the invocation's outcome still stands, and the next lambdash process to reach the
   * engine removes the container.
   */
  readonly onStopFailed?: (error: Error, container: Container) => void;
}

/**
 * Invokes a function or a container with the payload and returns what it came to, a function
 * error included, with the full log. An invocation that could not be made throws (no such
 * function, the payload refused, cancelled).
 */
export async function invokePlace(
  payload: unknown,
  place: InvokePlace,
  options: InvokeOptions = {},
): Promise<InvokeOutcome> {
  const name = typeof place === 'string' ? place : place.name;
  const invoked = isContainer(place) ? 'container' : 'function';
  const started = performance.now();
  try {
    const invocation = await invokeFunctionWithLog(payload, place, options);
    return { name, invoked, error: undefined, ...invocation };
  } catch (error) {
    if (!(error instanceof InvocationError) || !error.log) throw error;
    return {
      name,
      invoked,
      result: {
        errorType: error.errorType,
        errorMessage: error.errorMessage,
        stackTrace: error.stackTrace,
      },
      error,
      requestId: error.requestId ?? error.log.requestId,
      log: error.log,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/**
 * Invokes the function of that name (a project entry's, or any), or with `container` a
 * container of its local image; see invokePlace for what it returns.
 */
export async function invokeEntry(
  name: string,
  payload: unknown,
  options: InvokeEntryOptions = {},
): Promise<InvokeOutcome> {
  const { container: local, project, onStopFailed, ...invoke } = options;
  if (!local) return invokePlace(payload, name, invoke);
  const image = await getLocalImage(name);
  const running = (await localContainersOf(image)).find((container) => container.running);
  if (running) return invokePlace(payload, running, invoke);
  const container = await startContainer(image, name, options);
  try {
    return await invokePlace(payload, container, invoke);
  } finally {
    try {
      await stopContainer(container);
    } catch (error) {
      onStopFailed?.(error instanceof Error ? error : new Error(String(error)), container);
    }
  }
}

/**
 * The containers of an image that serve the Invoke API here (run by `lambdash run`, a test, an
 * invocation). The local cloud's function containers carry the image's labels too, but no
 * port: they are not ours to invoke or remove.
 */
export async function localContainersOf(image: LocalImage | string): Promise<Container[]> {
  const id = typeof image === 'string' ? image : image.id;
  return (await getAllContainers()).filter(
    (container) => container.image === id && container.port > 0,
  );
}

/** A container of the image for one invocation, with the project entry's settings. */
async function startContainer(
  image: LocalImage,
  name: string,
  options: InvokeEntryOptions,
): Promise<Container> {
  const project = typeof options.project === 'function' ? await options.project() : options.project;
  const spec = project?.responders.find((responder) => responder.name === name);
  return runImageLocally(image, {
    ...operationOf(options),
    // Should this process end before it stops it, the next lambdash process removes it.
    ownedByProcess: true,
    ...(spec && Object.keys(spec.environment).length ? { environment: spec.environment } : {}),
    ...(spec?.timeout ? { timeout: spec.timeout } : {}),
    ...(spec?.memorySize ? { memorySize: spec.memorySize } : {}),
  });
}

function isContainer(place: InvokePlace): place is Container {
  return typeof place === 'object' && 'port' in place && !('arn' in place);
}
