// The images room's shapes, apart from the code: base-image.ts, image-pull.ts, local-image-*.ts,
// containers.ts and local-test.ts use one another's types, and an import cycle would follow.
import type { OperationOptions } from '../common/events.js';
import type { Platform } from '../common/platform.js';

export type { Platform } from '../common/platform.js';

export interface BaseImageOptions extends OperationOptions {
  /** An image to use as is (present locally, or pulled when pulling is allowed). */
  readonly baseImage?: string;
  /** Defaults to the engine's own platform. */
  readonly platform?: Platform;
  /** `false` never pulls; so does the LAMBDASH_NO_PULL environment variable. */
  readonly pull?: boolean;
  /** Repository of the image built offline, tagged with the host's Node.js version. */
  readonly offlineName?: string;
}

export interface BaseImage {
  /** The reference to build FROM. */
  readonly image: string;
  /** The engine's image id (sha256:...). */
  readonly id: string;
  /** True when this call built the offline base image. */
  readonly built: boolean;
  /** The image's Node.js version without the "v" ("20.20.2"), or "unknown" for a foreign platform. */
  readonly nodeVersion: string;
}

export interface LocalImage {
  readonly id: string;
  /** `name:tag` */
  readonly ref: string;
  readonly name: string;
  readonly tag: string;
  /** Every `name:tag` the image carries. */
  readonly tags: readonly string[];
  readonly created: Date;
  readonly size: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly digests: readonly string[];
  /** What lambdash's labels say about its source, when lambdash made it. */
  readonly responder?: {
    readonly name: string;
    readonly source: string;
    readonly handler: string;
    readonly hash: string;
    readonly runtimeVersion: string;
  };
}
