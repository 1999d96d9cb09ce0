// The lineage table's rows, read: this machine's images, lambdash's ECR repositories and their
// images, and the functions made from them, joined into chains by lineage-join.ts, folded into
// one row per responder by lineage-group.ts, and each responder's source hashed once (for the
// rows shown) to say which builds are still current.
//
// Reading it costs a bounded number of calls, made in parallel: one Docker call; ECR's
// DescribeRepositories (paginated), ListTagsForResource per repository (ECR has no batch tag
// read) and DescribeImages per lambdash repository; Lambda's ListFunctions (paginated) and
// GetFunction per lambdash function (ListFunctions gives no image, and Lambda has no batch read).
// Never a call per image, nor for the account's other functions.
import type { AwsOptions } from '../aws/aws-call.js';
import { targetOf } from '../aws/aws-target.js';
import { mapLimited } from '../common/map-limited.js';
import { getAllEcrRepos } from '../ecr/ecr-repos.js';
import { getAllRemoteImages } from '../ecr/remote-images.js';
import { getAllLocalImages } from '../images/local-image-queries.js';
import { getAllLambdaFunctions } from '../lambda/lambda-functions.js';
import {
  type CurrentSource,
  type ResponderIdentity,
  readCurrentSource,
  stateAgainst,
} from '../responder/responder-state.js';
import { groupByResponder, type LineageScope } from './lineage-group.js';
import {
  identityKey,
  identityOfSpec,
  joinLineage,
  type LineageRow,
  type ResponderSpec,
  repoOfUri,
  type UnresolvedRow,
} from './lineage-join.js';

export type { ResponderIdentity, ResponderState } from '../responder/responder-state.js';
export type { LineageScope } from './lineage-group.js';
export type { LineageRow, ResponderSpec } from './lineage-join.js';

export interface LineageOptions extends AwsOptions {
  /** The project's responders: each gets a row even before it is built. */
  readonly responders?: readonly ResponderSpec[];
  /**
   * `project` (the default with `responders`): only their rows; `all` (the default without):
   * everything lambdash made on this engine and account.
   */
  readonly scope?: LineageScope;
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
  const chains = joinLineage({
    localImages,
    repos,
    remoteImages: remote?.[0].images ?? [],
    // Functions of lambdash's repositories only: an account's other functions are not ours.
    functions: (remote?.[1] ?? []).filter((fn) => repoOfUri(fn.imageUri, repos) !== undefined),
  });
  const rows = groupByResponder(
    chains,
    options.responders?.map(identityOfSpec),
    options.scope ?? 'project',
  );
  return resolveStates(rows, options);
}

/**
 * Hashes each responder's source once (per set of build options, usually one) and compares
 * every row's and older chain's hash with it, a few responders at a time.
 */
async function resolveStates(
  rows: readonly UnresolvedRow[],
  options: LineageOptions,
): Promise<LineageRow[]> {
  const sourceKey = (identity: ResponderIdentity) =>
    `${identityKey(identity)}#${JSON.stringify(identity.options ?? null)}`;
  const distinct = new Map<string, ResponderIdentity>();
  const collect = (row: UnresolvedRow) => {
    if (row.responder && !distinct.has(sourceKey(row.responder))) {
      distinct.set(sourceKey(row.responder), row.responder);
    }
    for (const chain of row.older ?? []) collect(chain);
  };
  for (const row of rows) collect(row);
  const keys = [...distinct.keys()];
  const sources = await mapLimited(keys, STATE_CONCURRENCY, (key) =>
    readCurrentSource(distinct.get(key)!, options),
  );
  const sourceOf = new Map<string, CurrentSource>(keys.map((key, index) => [key, sources[index]!]));
  const resolve = (row: UnresolvedRow): LineageRow => {
    const { older, responder, ...rest } = row;
    return {
      ...rest,
      responder: responder && {
        ...responder,
        state: stateAgainst(sourceOf.get(sourceKey(responder))!, responder.hash),
      },
      ...(older ? { older: older.map(resolve) } : {}),
    };
  };
  return rows.map(resolve);
}
