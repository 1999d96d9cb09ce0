// The core never prints. Long operations take `OperationOptions` and report what they do as
// typed events: the terminal app draws progress bars and a command log from them, the
// command line prints them as lines, tests record them. Their words and levels come from one
// place, describeEvent (describe-event.ts), which must learn every type added here.

export type LambdashEvent =
  | {
      readonly type: 'build.step';
      readonly step: number;
      readonly total: number;
      readonly text: string;
    }
  | { readonly type: 'build.log'; readonly text: string }
  | {
      readonly type: 'bundle.done';
      readonly bytes: number;
      readonly files: number;
      readonly ms: number;
    }
  | { readonly type: 'base.build'; readonly image: string; readonly text: string }
  | { readonly type: 'git.clone'; readonly url: string; readonly ref: string | undefined }
  | { readonly type: 'npm.install'; readonly dir: string; readonly command: string }
  | {
      readonly type: 'image.built';
      readonly id: string;
      readonly tag: string;
      readonly size: number;
    }
  | { readonly type: 'image.test'; readonly passed: boolean; readonly seconds: number }
  | { readonly type: 'container.start'; readonly id: string; readonly port: number }
  | { readonly type: 'container.ready'; readonly id: string; readonly ms: number }
  | { readonly type: 'warmup.done'; readonly cacheBytes: number; readonly ms: number }
  /** Where AWS calls go: real AWS, or the local cloud (`started` when this process runs it). */
  | {
      readonly type: 'aws.target';
      readonly kind: 'aws' | 'local';
      readonly region: string;
      readonly accountId: string;
      readonly endpoint: string | undefined;
      readonly started: boolean;
    }
  /** One AWS API call, as it is sent (`Lambda` `CreateFunction`). */
  | { readonly type: 'aws.call'; readonly service: string; readonly operation: string }
  /** A layer of a push: `bytes` of `total` sent (`total` 0 while unknown); `status` as the engine says. */
  | {
      readonly type: 'push.progress';
      readonly layer: string;
      readonly status: string;
      readonly bytes: number;
      readonly total: number;
    }
  /** Waiting for a resource to settle (a function becoming Active); `state` as last seen. */
  | {
      readonly type: 'wait';
      readonly what: string;
      readonly state: string;
      readonly seconds: number;
    }
  /** A call that will be tried again (IAM's propagation delay, throttling). */
  | {
      readonly type: 'retry';
      readonly what: string;
      readonly reason: string;
      readonly attempt: number;
      readonly delayMs: number;
    };

export interface OperationOptions {
  /** Cancels the operation; what was half-made is cleaned up. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: LambdashEvent) => void;
}

/** Calls the listener, if any; a listener that throws must not break the operation. */
export function emit(options: OperationOptions | undefined, event: LambdashEvent): void {
  try {
    options?.onEvent?.(event);
  } catch {
    // The operation matters more than its observer.
  }
}
