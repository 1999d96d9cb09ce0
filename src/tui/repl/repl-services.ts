// What the REPL calls in the core: the invocation itself and a running container of the row's
// local image. Component tests pass their own; the app uses the real ones.
import type { LambdaFunction } from '../../core/aws-resources.js';
import { type Container, getAllContainers, runImageLocally } from '../../core/containers.js';
import type { OperationOptions } from '../../core/events.js';
import { type Invocation, type InvokeOptions, invokeFunctionWithLog } from '../../core/invoke.js';
import type { LocalImage } from '../../core/local-images.js';

export interface ReplServices {
  /** invokeFunctionWithLog's contract: the result and log, or an InvocationError. */
  invoke(
    payload: unknown,
    fn: LambdaFunction | Container,
    options: InvokeOptions,
  ): Promise<Invocation>;
  /** A running container of the image, to invoke locally. */
  localContainer(image: LocalImage, options: OperationOptions): Promise<Container>;
}

export const realReplServices: ReplServices = {
  invoke: invokeFunctionWithLog,
  localContainer: runningContainerOf,
};

/**
 * A container of the image that already runs (started earlier by the REPL, a test, the CLI),
 * else a new one. It is left running when the REPL closes: the next invocation is then warm,
 * as on Lambda, and the container shows in Docker like any other.
 */
export async function runningContainerOf(
  image: LocalImage,
  options: OperationOptions = {},
): Promise<Container> {
  const running = (await getAllContainers()).find(
    (container) => container.running && container.image === image.id && container.port > 0,
  );
  return running ?? runImageLocally(image, options);
}
