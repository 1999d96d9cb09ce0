// One request's log from CloudWatch Logs, found by its request id (never "the newest stream",
// which mixes concurrent invocations and misses late writes). CloudWatch Logs is eventually
// consistent: the search is repeated until the request's REPORT line is there, for a bounded
// time. The request's stream then gives every line between START and REPORT (lines printed
// without the request id included: a stream belongs to one execution environment, which runs
// one invocation at a time), and on a cold start the init lines before START too.
import {
  type FilteredLogEvent,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { type AwsOptions, callAws, collectPages } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { delay } from '../common/delay.js';
import { LambdashError } from '../common/errors.js';
import { emit } from '../common/events.js';
import { type InvocationLog, parseInvocationLog } from './invocation-log.js';

export const DEFAULT_LOG_WAIT_SECONDS = 30;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;
/** Pages of one stream read at most (10,000 events each): far more than one invocation writes. */
const MAX_STREAM_PAGES = 20;

export interface LogReadOptions extends AwsOptions {
  /** How long to wait for the REPORT line to arrive, seconds. */
  readonly waitSeconds?: number;
  /** The invocation started after this time (ms): the search skips older events. */
  readonly since?: number;
}

/**
 * The request's log from the function's log group `/aws/lambda/<name>`. Returns the log found
 * (complete: false when its REPORT did not arrive in time); LOG_NOT_FOUND when nothing of the
 * request was found.
 */
export async function readCloudWatchLog(
  target: AwsTarget,
  functionName: string,
  requestId: string,
  options: LogReadOptions = {},
): Promise<InvocationLog> {
  const group = `/aws/lambda/${functionName}`;
  const waitSeconds = options.waitSeconds ?? DEFAULT_LOG_WAIT_SECONDS;
  const started = performance.now();
  let pause = FIRST_POLL_MS;
  let events: FilteredLogEvent[] = [];
  for (;;) {
    events = await searchRequest(target, options, group, requestId);
    const found = lines(events);
    if (found.some((line) => line.startsWith(`REPORT RequestId: ${requestId}`))) break;
    const seconds = (performance.now() - started) / 1000;
    if (seconds >= waitSeconds) break;
    emit(options, {
      type: 'wait',
      what: `log of request ${requestId}`,
      state: events.length > 0 ? 'partial' : 'not yet in CloudWatch Logs',
      seconds,
    });
    await delay(
      Math.min(pause, Math.max(1, (waitSeconds - seconds) * 1000)),
      options.signal,
      `Reading the log of request ${requestId}`,
    );
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
  if (events.length === 0) {
    throw new LambdashError(
      'LOG_NOT_FOUND',
      `No log of request ${requestId} in ${group} after ${Math.round(waitSeconds)} s.`,
      'CloudWatch Logs can lag behind: try again in a moment (getInvocationLog). Check that the function’s role may write logs (AWSLambdaBasicExecutionRole) and that the request id belongs to this function.',
    );
  }
  const filtered = parseInvocationLog(lines(events).join('\n'), {
    requestId,
    source: 'cloudwatch',
  });
  const whole = await readFromStream(target, options, group, requestId, events, filtered).catch(
    (error: unknown) => {
      if (error instanceof LambdashError && error.code === 'ABORTED') throw error;
      return undefined; // The filtered lines are the request's log all the same.
    },
  );
  return whole ?? filtered;
}

/** FilterLogEvents for the quoted request id; a group not made yet finds nothing. */
async function searchRequest(
  target: AwsTarget,
  options: LogReadOptions,
  group: string,
  requestId: string,
): Promise<FilteredLogEvent[]> {
  try {
    return await collectPages(
      (nextToken) =>
        callAws(target, options, 'CloudWatch Logs', 'FilterLogEvents', (abortSignal) =>
          target.clients.logs.send(
            new FilterLogEventsCommand({
              logGroupName: group,
              filterPattern: `"${requestId}"`,
              ...(options.since !== undefined ? { startTime: options.since } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
            { abortSignal },
          ),
        ),
      (page) => ({ items: page.events, next: page.nextToken }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return [];
    throw error;
  }
}

/**
 * The request's stream, from START (from the head on a cold start, for the init lines) to
 * REPORT; undefined when the search did not find both.
 */
async function readFromStream(
  target: AwsTarget,
  options: LogReadOptions,
  group: string,
  requestId: string,
  events: readonly FilteredLogEvent[],
  filtered: InvocationLog,
): Promise<InvocationLog | undefined> {
  const start = events.find((event) => event.message?.startsWith(`START RequestId: ${requestId}`));
  const report = events.find((event) =>
    event.message?.startsWith(`REPORT RequestId: ${requestId}`),
  );
  if (!start?.logStreamName || start.timestamp === undefined || report?.timestamp === undefined) {
    return undefined;
  }
  const cold = filtered.report?.initDurationMs !== undefined;
  const read: OutputLogEvent[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_STREAM_PAGES; page++) {
    const out = await callAws(target, options, 'CloudWatch Logs', 'GetLogEvents', (abortSignal) =>
      target.clients.logs.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: start.logStreamName,
          startFromHead: true,
          ...(cold ? {} : { startTime: start.timestamp }),
          // GetLogEvents leaves out events at endTime.
          endTime: (report.timestamp as number) + 1,
          ...(token ? { nextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    read.push(...(out.events ?? []));
    const done = read.some((event) => event.message?.startsWith(`REPORT RequestId: ${requestId}`));
    // The same token back means the end of the stream (as far as it is written).
    if (done || !out.nextForwardToken || out.nextForwardToken === token) break;
    token = out.nextForwardToken;
  }
  const log = parseInvocationLog(lines(read).join('\n'), { requestId, source: 'cloudwatch' });
  // The stream read must hold at least what the search found.
  return log.complete && log.lines.length >= filtered.lines.length ? log : undefined;
}

function lines(events: readonly { message?: string | undefined }[]): string[] {
  return events.map((event) => (event.message ?? '').replace(/\n+$/, ''));
}
