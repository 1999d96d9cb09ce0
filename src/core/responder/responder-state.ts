// Whether what was built from a responder is still what its source says: the source is hashed
// again (with the options it was built with) and compared with the hash the image carries.
// Hashing reads and resolves the source, so the lineage hashes each responder once
// (readCurrentSource) and compares that with every image built from it (stateAgainst).
import { existsSync } from 'node:fs';
import { isLambdashError } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import { parseGitSource } from './git-source.js';
import { getResponder, type ResponderOptions } from './responder.js';

/**
 * - `current`: the source hashes to what was built;
 * - `changed`: the source exists but differs (or nothing was built from it yet);
 * - `missing`: the source is gone;
 * - `remote`: a git URL, not re-fetched to compare.
 */
export type ResponderState = 'current' | 'changed' | 'missing' | 'remote';

export interface ResponderIdentity {
  readonly name: string;
  /** The absolute path or git URL it was built from. */
  readonly source: string;
  /** The export's name (`handler`, `api.handler`). */
  readonly handler: string;
  /** The hash of what was built; undefined when nothing was. */
  readonly hash: string | undefined;
  /** The options it was built with (dependencies, externals...), when known. */
  readonly options?: Readonly<ResponderOptions>;
}

/** What a responder's source is now: its hash, or why there is none to compare. */
export type CurrentSource =
  | { readonly hash: string }
  | { readonly state: Exclude<ResponderState, 'current'> };

/** Hashes the responder's source as it is now (with the identity's options). */
export async function readCurrentSource(
  identity: ResponderIdentity,
  options: OperationOptions = {},
): Promise<CurrentSource> {
  if (parseGitSource(identity.source)) return { state: 'remote' };
  if (!existsSync(identity.source)) return { state: 'missing' };
  try {
    const responder = await getResponder(identity.source, {
      ...identity.options,
      handler: identity.handler,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { hash: responder.hash };
  } catch (error) {
    if (isLambdashError(error, 'ABORTED')) throw error;
    // The folder is there but holds no responder any more (its entry file went away).
    if (isLambdashError(error, 'RESPONDER_NOT_FOUND')) return { state: 'missing' };
    // A handler export that went away, code that no longer parses: the source changed.
    return { state: 'changed' };
  }
}

/** The state of something built with `builtHash` (undefined: nothing built) against the source. */
export function stateAgainst(
  current: CurrentSource,
  builtHash: string | undefined,
): ResponderState {
  if ('state' in current) return current.state;
  return current.hash === builtHash ? 'current' : 'changed';
}
