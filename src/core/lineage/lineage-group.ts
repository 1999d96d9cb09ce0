// One row per responder: its chains (lineage-join.ts) folded into the row of its newest build
// and what is deployed, the others kept as its older chains. Each build or push would otherwise
// add a row and leave the old chain as a stale one holding the function.
//
// The row shows the newest local image (else the newest pushed one) with its own remote image,
// never another build's: an action on the row (push, deploy) then takes the newest build. The
// function is the one named like the responder, else the most recently modified; `outdated`
// says it runs other code than that build (another image, and another hash).
import type { LambdaFunction } from '../aws/aws-resources.js';
import type { ResponderIdentity } from '../responder/responder-state.js';
import { compareRows, identityKey, type UnresolvedRow } from './lineage-join.js';

/** `project`: the project's responders only; `all`: everything lambdash made. */
export type LineageScope = 'project' | 'all';

/**
 * Folds the chains of each responder into one row keyed `responder:<source>#<handler>`, adds the
 * project's responders never built, and with the `project` scope keeps only theirs. Chains of
 * no known responder stay rows of their own.
 */
export function groupByResponder(
  chains: readonly UnresolvedRow[],
  project: readonly ResponderIdentity[] | undefined,
  scope: LineageScope = 'all',
): UnresolvedRow[] {
  const named = new Map<string, ResponderIdentity>();
  for (const responder of project ?? []) {
    if (!named.has(identityKey(responder))) named.set(identityKey(responder), responder);
  }
  const groups = new Map<string, UnresolvedRow[]>([...named.keys()].map((key) => [key, []]));
  const rows: UnresolvedRow[] = [];
  for (const chain of chains) {
    if (!chain.responder) {
      if (scope === 'all' || !project) rows.push(chain);
      continue;
    }
    const key = identityKey(chain.responder);
    const group = groups.get(key);
    if (group) group.push(chain);
    else if (scope === 'all' || !project) groups.set(key, [chain]);
  }
  for (const [key, group] of groups) rows.push(responderRow(key, group, named.get(key)));
  return rows.sort(compareRows);
}

function responderRow(
  key: string,
  chains: readonly UnresolvedRow[],
  spec: ResponderIdentity | undefined,
): UnresolvedRow {
  const rowKey = `responder:${key}`;
  const head = newestBuild(chains);
  if (!head) {
    return {
      key: rowKey,
      responder: spec,
      localImage: undefined,
      remoteImage: undefined,
      repo: undefined,
      lambdaFunction: undefined,
    };
  }
  // The project's name for it wins over the one an image was labelled with.
  const responder = { ...head.responder!, ...(spec ? { name: spec.name } : {}) };
  const fn = chosenFunction(chains, responder.name);
  const fnChain = chains.find((chain) => chain.lambdaFunction === fn);
  // The head holds the chosen function when the function runs the newest build.
  const main =
    chains.find(
      (chain) =>
        chain.lambdaFunction === fn &&
        (head.localImage
          ? chain.localImage === head.localImage
          : chain.remoteImage === head.remoteImage),
    ) ?? head;
  const outdated = fn !== undefined && fnChain !== undefined && !sameCode(fnChain, main);
  const older = chains
    .filter(
      (chain) =>
        chain !== main &&
        // A chain with nothing the row does not show already (the function alone) adds nothing.
        !(chain.lambdaFunction === fn && !chain.localImage && !chain.remoteImage),
    )
    .sort((a, b) => builtAt(b) - builtAt(a));
  return {
    key: rowKey,
    responder,
    localImage: main.localImage,
    remoteImage: main.remoteImage,
    repo: main.repo,
    lambdaFunction: fn,
    ...(outdated ? { outdated } : {}),
    ...(older.length > 0 ? { older } : {}),
  };
}

/** The chain of the newest local image, else of the newest pushed image, else of a function. */
function newestBuild(chains: readonly UnresolvedRow[]): UnresolvedRow | undefined {
  const newest = (time: (chain: UnresolvedRow) => number | undefined) =>
    chains.reduce<UnresolvedRow | undefined>((best, chain) => {
      const at = time(chain);
      return at !== undefined && (!best || at > time(best)!) ? chain : best;
    }, undefined);
  return (
    newest((chain) => chain.localImage?.created.getTime()) ??
    newest((chain) => chain.remoteImage?.pushed.getTime()) ??
    newest((chain) => chain.lambdaFunction?.lastModified.getTime())
  );
}

function chosenFunction(
  chains: readonly UnresolvedRow[],
  name: string,
): LambdaFunction | undefined {
  const functions = chains.flatMap((chain) => (chain.lambdaFunction ? [chain.lambdaFunction] : []));
  return (
    functions.find((fn) => fn.name === name) ??
    functions.reduce<LambdaFunction | undefined>(
      (best, fn) => (!best || fn.lastModified > best.lastModified ? fn : best),
      undefined,
    )
  );
}

/** The same image: one local image, or one pushed image. */
function sameImage(a: UnresolvedRow, b: UnresolvedRow): boolean {
  return (
    (a.localImage !== undefined && a.localImage === b.localImage) ||
    (a.remoteImage !== undefined && a.remoteImage === b.remoteImage)
  );
}

/** The same code: the same image, or images built from the same hash. */
function sameCode(a: UnresolvedRow, b: UnresolvedRow): boolean {
  const hash = a.responder?.hash;
  return sameImage(a, b) || (hash !== undefined && hash === b.responder?.hash);
}

function builtAt(chain: UnresolvedRow): number {
  return (
    chain.localImage?.created.getTime() ??
    chain.remoteImage?.pushed.getTime() ??
    chain.lambdaFunction?.lastModified.getTime() ??
    0
  );
}
