// What createLocalImage accepts, apart from the build itself so that the workflows and the
// project file can speak of it without the build's imports.
import type { OperationOptions } from '../common/events.js';
import type { BuildSecretValue } from './build-secrets.js';
import type { TestData } from './local-test.js';
import type { Platform } from './types.js';

export interface LocalImageOptions extends OperationOptions {
  /** Image name; by default the responder's. */
  readonly name?: string;
  readonly tag?: string;
  readonly noCache?: boolean;
  /**
   * Keep the build context in this folder instead of a temporary one. It must be empty, new, or
   * a folder an earlier build used; only what lambdash writes there is replaced.
   */
  readonly buildAt?: string;
  readonly userLabels?: Readonly<Record<string, string>>;
  readonly dockerfileUpdate?: (dockerfile: string) => string;
  /**
   * Declared as ARGs after lambdash's last RUN step, so their values reach no layer's history
   * and no image config. Not for secrets: a RUN step a dockerfileUpdate adds after them records
   * them, as Docker does.
   */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * Values the build's RUN steps read at /run/secrets/<id>, kept by no layer, history entry or
   * config: the warm-up step mounts each, and a dockerfileUpdate's RUN steps may mount them
   * (`RUN --mount=type=secret,id=<id> ...`). The build then uses the engine's BuildKit;
   * an engine without it is refused (BUILD_SECRETS_UNSUPPORTED) before anything is built.
   */
  readonly secrets?: Readonly<Record<string, BuildSecretValue>>;
  /** The image's platform; default `linux/amd64`, what Lambda runs unless told otherwise. */
  readonly platform?: Platform;
  /** Overrides the base image `ensureBaseImage()` would choose. */
  readonly baseImage?: string;
  /** After the build, the image is started and invoked; a different answer fails the build. */
  readonly functionTestData?: TestData;
  /**
   * Runs a sample event through the bundle during the build and keeps V8's code cache, so the
   * first invocation compiles less. The event is the test data's payload, exactly as the build's
   * test then sends it to the warmed image (so the functions the test's path calls are the ones
   * cached), or `{}` without test data. It stays out of the image's layers the function sees.
   */
  readonly warmup?: boolean;
  readonly sourcemap?: boolean;
  /**
   * Type-check the code with the TypeScript compiler while it is bundled and built; type errors
   * fail the build (TYPECHECK_FAILED). Default: true for .ts, .mts and .cts entries.
   */
  readonly typecheck?: boolean;
}
