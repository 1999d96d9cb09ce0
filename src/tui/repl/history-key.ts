// Where a row's payload history and saved payloads are kept in the payload store: under the
// most lasting name the row has, so that they survive a rebuild, a push and a deploy.
import type { LineageRow } from '../../core/internal.js';

/** Its responder, else its function, else its image. */
export function historyKeyOf(row: LineageRow): string {
  if (row.responder) return `responder:${row.responder.name}`;
  if (row.lambdaFunction) return `function:${row.lambdaFunction.name}`;
  if (row.localImage) return `image:${row.localImage.name}`;
  return row.key;
}
