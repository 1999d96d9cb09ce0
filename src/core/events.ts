// The core never prints. Long operations take `OperationOptions` and report what they do as
// typed events: the terminal app draws progress bars and a command log from them, the
// command line prints them as lines or JSON, tests record them.

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
  | { readonly type: 'warmup.done'; readonly cacheBytes: number; readonly ms: number };

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
