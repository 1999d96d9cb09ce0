// An invocation's whole log. The tail Lambda returns holds the last 4 KB: when shorter, it is
// the whole log; when cut, the rest comes from CloudWatch Logs by the request's id (a local
// container: from its output). A warm invocation whose START, END and REPORT are all in the cut
// tail needs nothing more: only a cold start's init lines come before START.
import type { AwsOptions } from '../aws/aws-call.js';
import { isLambdashError } from '../common/errors.js';
import { readContainerLog } from '../images/container-log.js';
import { readCloudWatchLog } from '../logs/cloudwatch-log.js';
import { type InvocationLog, parseInvocationLog } from '../logs/invocation-log.js';
import type { InvocationOutcome } from './invocation-outcome.js';

/** The tail Lambda returns with LogType Tail. */
const TAIL_BYTES = 4096;

/** `since`: when the invocation started (ms), where the search for its lines begins. */
export async function fullInvocationLog(
  outcome: InvocationOutcome,
  since: number,
  options: AwsOptions & { readonly logWaitSeconds?: number },
): Promise<InvocationLog> {
  const tailText = outcome.tail ?? '';
  const cut = Buffer.byteLength(tailText) >= TAIL_BYTES;
  // Read as a tail when cut: its first line may be the end of a longer one.
  const tail = parseInvocationLog(tailText, {
    ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
    source: cut ? 'tail' : 'local',
  });
  const tailLog: InvocationLog = {
    ...tail,
    source: outcome.source.kind === 'lambda' ? 'tail' : 'local',
  };
  if (!cut || (tail.complete && tail.report?.initDurationMs === undefined)) return tailLog;
  const requestId = tail.requestId || outcome.requestId;
  if (!requestId) return tailLog;
  try {
    if (outcome.source.kind === 'container') {
      const read = await readContainerLog(outcome.source.id, requestId, since, options.signal);
      return read ?? tailLog;
    }
    return await readCloudWatchLog(outcome.source.target, outcome.source.name, requestId, {
      ...options,
      target: outcome.source.target,
      since: since - 1_000,
      ...(options.logWaitSeconds !== undefined ? { waitSeconds: options.logWaitSeconds } : {}),
    });
  } catch (error) {
    // The invocation happened: its result is not lost because the full log could not be read
    // (logs:FilterLogEvents denied, CloudWatch Logs too slow). The tail says it is partial.
    if (isLambdashError(error, 'ABORTED')) throw error;
    return tailLog;
  }
}
