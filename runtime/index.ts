// What handler code may import from `lambdash/runtime`. Everything here also works outside
// the runtime (in unit tests of the user's code), where observations go to stdout.
import { logSettingsFromEnv } from './logging.js';
import { cleanName, formatMarks, OBSERVER_KEY, observeEnabled, preciseNow } from './observe.js';

export type { LambdaContext } from './context.js';
export { ResponseStream } from './response-stream.js';
export type { StandardSchema } from './schema.js';
export type { EventSourceKind } from './sources/classify.js';
export { HttpError } from './sources/http-error.js';
export type { HttpRequest } from './sources/http-request.js';
export type { HttpResponse } from './sources/http-response.js';
export { HttpResponseStream, streamifyResponse } from './streaming.js';

/**
 * Marks a moment in the invocation's timeline, such as `db.query.done`. The log timeline
 * shows the time between consecutive marks as segments.
 */
export function observe(name: string): void {
  const hook = (globalThis as Record<symbol, unknown>)[OBSERVER_KEY];
  if (typeof hook === 'function') {
    hook(name);
    return;
  }
  // Outside the runtime: a line of its own, in the runtime's format, under the same switch.
  const settings = logSettingsFromEnv(process.env);
  if (!observeEnabled(settings, process.env)) return;
  const mark = { time: preciseNow(), kind: 'user' as const, name: cleanName(String(name)) };
  process.stdout.write(formatMarks(settings, '', [mark]));
}
