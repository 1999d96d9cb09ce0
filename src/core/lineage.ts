// The lineage table's rows, read: this machine's images, lambdash's ECR repositories and their
// images, and the functions made from them, joined by lineage-join.ts, each responder's state
// worked out once.
//
// Reading it costs a bounded number of calls, made in parallel: one Docker call; ECR's
// DescribeRepositories (paginated), ListTagsForResource per repository (ECR has no batch tag
// read) and DescribeImages per lambdash repository; Lambda's ListFunctions (paginated) and
// GetFunction per lambdash function (ListFunctions gives no image, and Lambda has no batch read).
// Never a call per image, nor for the account's other functions.
import type { AwsOptions } from './aws-call.js';
import { targetOf } from './aws-target.js';
import { getAllEcrRepos } from './ecr-repos.js';
import { getAllLambdaFunctions } from './lambda-functions.js';
import {
  identityKey,
  identityOfSpec,
  joinLineage,
  type LineageRow,
  type ResponderSpec,
  repoOfUri,
  type UnresolvedRow,
} from './lineage-join.js';
import { getAllLocalImages } from './local-images.js';
import { mapLimited } from './map-limited.js';
import { getAllRemoteImages } from './remote-images.js';
import { getResponderState, type ResponderIdentity } from './responder-state.js';

export type { LineageRow, ResponderSpec } from './lineage-join.js';
export type { ResponderIdentity, ResponderState } from './responder-state.js';

export interface LineageOptions extends AwsOptions {
  /** The project's responders: each gets a row even before it is built. */
  readonly responders?: readonly ResponderSpec[];
  /** Read this machine's images (default true); false when the Docker engine is away. */
  readonly local?: boolean;
  /** Read AWS (default true); false for a view of this machine only. */
  readonly aws?: boolean;
}

const STATE_CONCURRENCY = 4;

export async function getLineage(options: LineageOptions = {}): Promise<LineageRow[]> {
  const readAws = options.aws ?? true;
  const target = readAws ? await targetOf(options) : undefined;
  const aws = { ...options, ...(target ? { target } : {}) };
  const [localImages, remote] = await Promise.all([
    (options.local ?? true) ? getAllLocalImages({ generatedOnly: true }) : [],
    readAws
      ? Promise.all([
          getAllEcrRepos({ ...aws, generatedOnly: true }).then(async (repos) => ({
            repos,
            images: await getAllRemoteImages({ ...aws, repos }),
          })),
          getAllLambdaFunctions({ ...aws, generatedOnly: true }),
        ])
      : undefined,
  ]);
  const repos = remote?.[0].repos ?? [];
  const rows = joinLineage({
    responders: (options.responders ?? []).map(identityOfSpec),
    localImages,
    repos,
    remoteImages: remote?.[0].images ?? [],
    // Functions of lambdash's repositories only: an account's other functions are not ours.
    functions: (remote?.[1] ?? []).filter((fn) => repoOfUri(fn.imageUri, repos) !== undefined),
  });
  return resolveStates(rows, options);
}

/** Works out each distinct responder's state once, a few at a time. */
async function resolveStates(
  rows: readonly UnresolvedRow[],
  options: LineageOptions,
): Promise<LineageRow[]> {
  const stateKey = (identity: ResponderIdentity) =>
    `${identityKey(identity)}#${identity.hash ?? ''}`;
  const distinct = new Map<string, ResponderIdentity>();
  for (const row of rows) if (row.responder) distinct.set(stateKey(row.responder), row.responder);
  const keys = [...distinct.keys()];
  const states = await mapLimited(keys, STATE_CONCURRENCY, (key) =>
    getResponderState(distinct.get(key)!, options),
  );
  const stateOf = new Map(keys.map((key, index) => [key, states[index]!]));
  return rows.map((row) => ({
    ...row,
    responder: row.responder && { ...row.responder, state: stateOf.get(stateKey(row.responder))! },
  }));
}
