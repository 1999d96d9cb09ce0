// What the REPL calls in the core: the invoke workflow and a running container of the row's
// local image. Component tests pass their own; the app uses the real ones.
import {
  type Container,
  type InvokeOptions,
  type InvokeOutcome,
  invokePlace,
  type LambdaFunction,
  type LocalImage,
  type OperationOptions,
} from '../../core/internal.js';
import { appContainers } from '../app-containers.js';

export interface ReplServices {
  /** invokePlace's contract: the answer or the function's error, with the log. */
  invoke(
    payload: unknown,
    fn: LambdaFunction | Container,
    options: InvokeOptions,
  ): Promise<InvokeOutcome>;
  /** A running container of the image, to invoke locally. */
  localContainer(image: LocalImage, options: OperationOptions): Promise<Container>;
}

/**
 * A container of the image that already runs (started earlier by the REPL, a test, the CLI),
 * else a new one. It is left running when the REPL closes, so that the next invocation is warm
 * as on Lambda; the app stops the ones it started when it quits or a rebuild replaces their
 * image (app-containers.ts), and never one it did not start.
 */
export const realReplServices: ReplServices = {
  invoke: invokePlace,
  localContainer: (image, options) => appContainers.runningContainerOf(image, options),
};
