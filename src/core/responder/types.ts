// The responder room's shapes, apart from the code: the options, entry analysis, npm and the
// build's esbuild settings use them, and responder.ts uses those, so an import cycle would follow.
import type { OperationOptions } from '../common/events.js';

export interface Registry {
  readonly url: string;
  readonly scope?: string;
}

export interface ResponderOptions extends OperationOptions {
  /** The export that handles events; nested paths such as `api.handler` are allowed. Default `handler`. */
  handler?: string;
  /** Image name; by default made from the file, package or repository name. */
  name?: string;
  /** Extra npm dependencies for a lone file: name → version range. */
  dependencies?: Record<string, string>;
  /** Private registries, by URL and optional scope. Never tokens: those stay in the user's .npmrc. */
  registries?: Registry[];
  /** Packages not to bundle: they are installed into the image instead. */
  externals?: string[];
}

export interface Responder {
  readonly kind: 'file' | 'package' | 'git';
  /** As given: the absolute path, or the git URL (with its #ref). */
  readonly source: string;
  /** Absolute folder holding the code (for git, the checked-out commit). */
  readonly root: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  readonly handler: string;
  /** A valid image name. */
  readonly name: string;
  /** sha256 hex over exactly what goes into the image; the same on every run and machine. */
  readonly hash: string;
  /** The options, normalised, without signal and onEvent. */
  readonly options: Readonly<ResponderOptions>;
}
