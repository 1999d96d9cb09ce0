// The filters a caller gives Docker's list calls (Jot's `args`, `docker ps --filter`), joined
// to lambdash's own label filter: the engine ANDs every label filter, so adding ours narrows
// the caller's to what lambdash made.
import { LABELS } from '../common/labels.js';

/** Docker's list filters by name: `{ label: ['team=api'], reference: ['app*'], status: ['exited'] }`. */
export type DockerFilters = Readonly<Record<string, readonly string[]>>;

/** The caller's filters, with lambdash's label when only what it made is wanted; undefined for none. */
export function withGeneratedLabel(
  filters: DockerFilters | undefined,
  generatedOnly: boolean,
): Record<string, string[]> | undefined {
  const joined: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(filters ?? {})) joined[key] = [...values];
  if (generatedOnly) joined.label = [...(joined.label ?? []), `${LABELS.generated}=true`];
  return Object.keys(joined).length > 0 ? joined : undefined;
}
