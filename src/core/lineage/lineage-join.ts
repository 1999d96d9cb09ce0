// The lineage rules: which parts of a responder's chain are the same image, which make a chain
// of their own, and where a chain's responder comes from (lineage-group.ts then makes one row
// per responder of its chains). Local ↔ remote by image digest (a local
// image's RepoDigests, whatever registry host they name: the local cloud's registry port changes
// between runs), remote ↔ function by the digest Lambda resolved the function's image to. Names
// and tags only say which responder a chain comes from, never that two parts are one image.
import path from 'node:path';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../aws/aws-resources.js';
import { parseReference } from '../aws/image-reference.js';
import { LABELS } from '../common/labels.js';
import type { LocalImage } from '../images/types.js';
import { parseGitSource } from '../responder/git-source.js';
import type { ResponderOptions } from '../responder/responder.js';
import type { ResponderIdentity, ResponderState } from '../responder/responder-state.js';

export interface LineageRow {
  /**
   * Stable across refreshes: `responder:<source>#<handler>` for a responder's row (through
   * builds, pushes and deploys), else the most downstream part's identity.
   */
  readonly key: string;
  readonly responder: (ResponderIdentity & { readonly state: ResponderState }) | undefined;
  readonly localImage: LocalImage | undefined;
  readonly remoteImage: RemoteImage | undefined;
  /** The remote image's repository. */
  readonly repo: EcrRepo | undefined;
  readonly lambdaFunction: LambdaFunction | undefined;
  /**
   * The function runs older code than the row's newest build (another image, another hash).
   * Set on a responder's row (getLineage); absent on its older chains.
   */
  readonly outdated?: boolean;
  /**
   * A responder's other chains, newest first: older images, and functions other than the row's
   * with what they run. Set on a responder's row (getLineage).
   */
  readonly older?: readonly LineageRow[];
}

/** A responder the project names, whether or not anything was built from it yet. */
export interface ResponderSpec {
  /** A path (relative paths resolve against the working directory) or a git URL. */
  readonly source: string;
  readonly handler?: string;
  readonly name?: string;
  readonly options?: Readonly<ResponderOptions>;
}

/** Everything lineage joins, as read from Docker and AWS. */
export interface LineageParts {
  readonly localImages: readonly LocalImage[];
  readonly repos: readonly EcrRepo[];
  readonly remoteImages: readonly RemoteImage[];
  readonly functions: readonly LambdaFunction[];
}

/** A row before its responder's state is known. */
export type UnresolvedRow = Omit<LineageRow, 'responder' | 'older'> & {
  readonly responder: ResponderIdentity | undefined;
  readonly older?: readonly UnresolvedRow[];
};

export { parseReference };

/** Joins the parts into chains (pure: the lineage rules, tested on their own). */
export function joinLineage(parts: LineageParts): UnresolvedRow[] {
  const remoteByKey = new Map<string, RemoteImage>();
  for (const image of parts.remoteImages) remoteByKey.set(`${image.repo}@${image.digest}`, image);
  const localByKey = new Map<string, LocalImage>();
  for (const image of parts.localImages) {
    for (const reference of image.digests) {
      const parsed = parseReference(reference);
      if (parsed) localByKey.set(`${parsed.repo}@${parsed.digest}`, image);
    }
  }
  const reposByName = new Map(parts.repos.map((repo) => [repo.name, repo]));
  const newestInRepo = newestImages(parts.remoteImages);

  const rows: UnresolvedRow[] = [];
  const usedRemote = new Set<RemoteImage>();
  const usedLocal = new Set<LocalImage>();
  const chain = (remote: RemoteImage | undefined) => {
    const local = remote ? localByKey.get(`${remote.repo}@${remote.digest}`) : undefined;
    if (remote) usedRemote.add(remote);
    if (local) usedLocal.add(local);
    return { remote, local, repo: remote ? reposByName.get(remote.repo) : undefined };
  };

  for (const fn of parts.functions) {
    const parsed = parseReference(fn.resolvedImageUri ?? fn.imageUri);
    const { remote, local, repo } = chain(
      parsed ? remoteByKey.get(`${parsed.repo}@${parsed.digest}`) : undefined,
    );
    rows.push({
      key: `function:${fn.arn}`,
      responder:
        identityOfImage(local) ??
        identityOfTags(fn.tags) ??
        (remote && newestInRepo.has(remote) ? identityOfTags(repo?.tags) : undefined),
      localImage: local,
      remoteImage: remote,
      repo,
      lambdaFunction: fn,
    });
  }
  for (const image of parts.remoteImages) {
    if (usedRemote.has(image)) continue;
    const { local, repo } = chain(image);
    // An untagged image nothing runs and nothing here was built as is history, not a row.
    if (image.tags.length === 0 && !local) continue;
    rows.push({
      key: `remote:${image.repo}@${image.digest}`,
      responder:
        identityOfImage(local) ??
        (newestInRepo.has(image) ? identityOfTags(repo?.tags) : undefined),
      localImage: local,
      remoteImage: image,
      repo,
      lambdaFunction: undefined,
    });
  }
  for (const image of parts.localImages) {
    if (usedLocal.has(image) || image.tags.length === 0) continue;
    rows.push({
      key: `local:${image.id}`,
      responder: identityOfImage(image),
      localImage: image,
      remoteImage: undefined,
      repo: undefined,
      lambdaFunction: undefined,
    });
  }
  return rows.sort(compareRows);
}

/** The repository of ours an image URI (`host/repo:tag` or `host/repo@digest`) points into. */
export function repoOfUri(uri: string, repos: readonly EcrRepo[]): EcrRepo | undefined {
  const withoutDigest = uri.includes('@') ? uri.slice(0, uri.lastIndexOf('@')) : uri;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  return repos.find((repo) => name === repo.uri || name.endsWith(`/${repo.name}`));
}

export function identityOfSpec(spec: ResponderSpec): ResponderIdentity {
  const source = parseGitSource(spec.source) ? spec.source : path.resolve(spec.source);
  const handler = spec.handler ?? spec.options?.handler ?? 'handler';
  return {
    name: spec.name ?? spec.options?.name ?? path.basename(source).replace(/\.[cm]?[jt]s$/, ''),
    source,
    handler,
    hash: undefined,
    ...(spec.options ? { options: spec.options } : {}),
  };
}

function identityOfImage(image: LocalImage | undefined): ResponderIdentity | undefined {
  return image ? identityOfTags(image.labels) : undefined;
}

/** A responder from lineage labels (an image's) or tags (a repository's, a function's). */
function identityOfTags(
  tags: Readonly<Record<string, string>> | undefined,
): ResponderIdentity | undefined {
  const source = tags?.[LABELS.source];
  if (!tags || !source || tags[LABELS.generated] !== 'true') return undefined;
  const options = parseOptions(tags[LABELS.options]);
  return {
    name: tags[LABELS.name] ?? '',
    source,
    handler: (tags[LABELS.handler] ?? 'index.handler').replace(/^index\./, ''),
    hash: tags[LABELS.hash],
    ...(options ? { options } : {}),
  };
}

function parseOptions(text: string | undefined): ResponderOptions | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as ResponderOptions) : undefined;
  } catch {
    return undefined;
  }
}

/** Rows of one responder are one row in the project: same source and handler. */
export function identityKey(identity: ResponderIdentity): string {
  return `${identity.source}#${identity.handler}`;
}

/** The newest image of each repository: the one its (latest) lineage tags describe. */
function newestImages(images: readonly RemoteImage[]): Set<RemoteImage> {
  const newest = new Map<string, RemoteImage>();
  for (const image of images) {
    const known = newest.get(image.repo);
    if (!known || image.pushed > known.pushed) newest.set(image.repo, image);
  }
  return new Set(newest.values());
}

/** By responder (or repository) name, then newest first. */
export function compareRows(a: UnresolvedRow, b: UnresolvedRow): number {
  const name = rowName(a).localeCompare(rowName(b));
  return name !== 0 ? name : rowTime(b) - rowTime(a);
}

function rowName(row: UnresolvedRow): string {
  return row.responder?.name ?? row.repo?.name ?? row.lambdaFunction?.name ?? '';
}

function rowTime(row: UnresolvedRow): number {
  return (
    row.lambdaFunction?.lastModified.getTime() ??
    row.remoteImage?.pushed.getTime() ??
    row.localImage?.created.getTime() ??
    0
  );
}
