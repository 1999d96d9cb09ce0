// Where the REPL can send a payload: the row's deployed function or a container of its local
// image. Each place says why it cannot be invoked now when it cannot, with what fixes it (the
// table's keys), so that the title line and a refused send explain themselves.
import type { AwsTarget, LineageRow } from '../../core/internal.js';

export type Where = 'local' | 'deployed';

/** A place to invoke the row on, and why it cannot be invoked now (if it cannot). */
export interface Place {
  readonly where: Where;
  /** "deployed function orders-api", "local container of orders:latest". */
  readonly label: string;
  /** What stands in the way and what removes it: "not deployed yet (c deploys)". */
  readonly unavailable: string | undefined;
}

/** Both places, the deployed function first, each available or saying why not. */
export function targetsOf(row: LineageRow, target: AwsTarget | undefined): Place[] {
  // What the table's `c` takes: a source to build from (it builds when needed), as the key
  // table says; a row with no known source, or whose source is gone, has nothing to deploy.
  const fix = !row.responder
    ? 'no known source to deploy'
    : row.responder.state === 'missing'
      ? 'its source is gone'
      : 'c deploys';
  return [
    {
      where: 'deployed',
      label: describePlace('deployed', row),
      unavailable: !target
        ? 'not connected to AWS'
        : row.lambdaFunction
          ? undefined
          : `not deployed yet (${fix})`,
    },
    {
      where: 'local',
      label: describePlace('local', row),
      unavailable: row.localImage
        ? undefined
        : row.responder
          ? 'not built yet (b builds)'
          : 'no local image',
    },
  ];
}

/** What the row can be invoked on now: the deployed function first, the local image second. */
export function placesOf(row: LineageRow, target: AwsTarget | undefined): Where[] {
  return targetsOf(row, target)
    .filter((place) => !place.unavailable)
    .map((place) => place.where);
}

/** "deployed function orders-api"; without a row, just the kind of place. */
export function describePlace(place: Where, row?: LineageRow): string {
  if (place === 'deployed')
    return `deployed function${row?.lambdaFunction ? ` ${row.lambdaFunction.name}` : ''}`;
  return `local container${row?.localImage ? ` of ${row.localImage.ref}` : ''}`;
}

/** Why Ctrl-T has nowhere else to go from `place`. */
export function onlyOnePlace(place: Where, targets: readonly Place[], row: LineageRow): string {
  const other = targets.find((candidate) => candidate.where !== place)!;
  return `Only the ${describePlace(place, row)} can be invoked: ${other.label}: ${other.unavailable}.`;
}

/** Why nothing can be invoked: each place with why not, and what fixes it (from the table). */
export function nothingToInvoke(targets: readonly Place[]): string {
  return `Nothing can be invoked: ${targets
    .map((place) => `${place.label}: ${place.unavailable}`)
    .join('; ')}.`;
}
