// CloudWatch Logs of the local cloud, only through the real @aws-sdk/client-cloudwatch-logs
// against a LocalCloudServer on a free port, with the state in a temp folder.
import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  type DescribeLogStreamsCommandInput,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  InvalidParameterException,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
  paginateDescribeLogStreams,
  paginateFilterLogEvents,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogsService, type LogsService } from '../../../src/localcloud/logs-service.js';
import { testKeys, testServer } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

interface Cloud {
  client: CloudWatchLogsClient;
  logs: LogsService;
  stop(): Promise<void>;
}

const running: Cloud[] = [];

async function startCloud(dataDir: string, maxGroupBytes?: number): Promise<Cloud> {
  const logs = await createLogsService({ dataDir, maxGroupBytes });
  const server = testServer();
  server.registerJson('logs', logs.service);
  const port = await server.listen(0);
  const client = new CloudWatchLogsClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: testKeys,
    maxAttempts: 1,
  });
  const cloud: Cloud = {
    client,
    logs,
    async stop() {
      running.splice(running.indexOf(cloud), 1);
      client.destroy();
      await server.close();
      await logs.close();
    },
  };
  running.push(cloud);
  return cloud;
}

afterEach(async () => {
  for (const cloud of [...running]) await cloud.stop();
});
afterAll(() => removeTempDirs());

/** What the SDK raises, for `expect(...).rejects` tables. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call succeeded');
}

// Recent enough for PutLogEvents' 14-day window; whole seconds keep the numbers readable.
const T0 = Math.floor((Date.now() - 60 * 60 * 1000) / 1000) * 1000;

let dataDir: string;
let cloud: Cloud;
let client: CloudWatchLogsClient;

beforeEach(async () => {
  dataDir = makeTempDir('lambdash-logs-');
  cloud = await startCloud(dataDir);
  client = cloud.client;
});

async function put(group: string, stream: string, messages: string[], start = T0) {
  return client.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ timestamp: start + i * 1000, message })),
    }),
  );
}

async function groupWithStream(group: string, stream: string) {
  await client.send(new CreateLogGroupCommand({ logGroupName: group }));
  await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
}

describe('log groups', () => {
  it('creates a group once; a second create is ResourceAlreadyExistsException', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn' }));
    const error = await client
      .send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
    expect((error as Error).message).toBe('The specified log group already exists');
  });

  it.each([
    ['empty', ''],
    ['a space', 'my group'],
    ['a colon', 'a:b'],
    ['513 characters', 'g'.repeat(513)],
    ['the reserved aws/ prefix', 'aws/thing'],
  ])('refuses a group name with %s as InvalidParameterException', async (_, name) => {
    const error = await client
      .send(new CreateLogGroupCommand({ logGroupName: name }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('accepts every character CloudWatch allows in a group name, up to 512 of them', async () => {
    for (const name of ['._-/#AZaz09', 'g'.repeat(512)])
      await client.send(new CreateLogGroupCommand({ logGroupName: name }));
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.map((g) => g.logGroupName)).toEqual(['._-/#AZaz09', 'g'.repeat(512)]);
  });

  it('describes groups with arn, creation time and stored bytes, filtered by prefix', async () => {
    const before = Date.now();
    await groupWithStream('/aws/lambda/alpha', 's');
    await client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/beta' }));
    await client.send(new CreateLogGroupCommand({ logGroupName: '/other/gamma' }));
    const after = Date.now();
    await put('/aws/lambda/alpha', 's', ['hello', 'héllo']);

    const { logGroups, nextToken } = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }),
    );
    expect(nextToken).toBeUndefined();
    expect(logGroups?.map((g) => g.logGroupName)).toEqual([
      '/aws/lambda/alpha',
      '/aws/lambda/beta',
    ]);
    const alpha = logGroups?.[0];
    expect(alpha?.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/alpha:*');
    expect(alpha?.logGroupArn).toBe(
      'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/alpha',
    );
    // 26 bytes per event plus the UTF-8 message ('é' is two bytes).
    expect(alpha?.storedBytes).toBe(26 + 5 + 26 + 6);
    expect(logGroups?.[1]?.storedBytes).toBe(0);
    expect(alpha?.creationTime).toBeGreaterThanOrEqual(before);
    expect(alpha?.creationTime).toBeLessThanOrEqual(after);
  });

  it('pages through groups with limit and nextToken, in name order', async () => {
    const names = ['/g/e', '/g/a', '/g/d', '/g/b', '/g/c'];
    for (const name of names) await client.send(new CreateLogGroupCommand({ logGroupName: name }));

    const first = await client.send(new DescribeLogGroupsCommand({ limit: 2 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/g/a', '/g/b']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await client.send(
      new DescribeLogGroupsCommand({ limit: 2, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/g/c', '/g/d']);

    const pages: string[][] = [];
    for await (const page of paginateDescribeLogGroups({ client, pageSize: 2 }, {}))
      pages.push(page.logGroups?.map((g) => g.logGroupName ?? '') ?? []);
    expect(pages).toEqual([['/g/a', '/g/b'], ['/g/c', '/g/d'], ['/g/e']]);
  });

  it.each([
    ['limit 0', { limit: 0 }],
    ['limit 51', { limit: 51 }],
    ['a made-up token', { nextToken: 'not-a-token' }],
  ])('refuses DescribeLogGroups with %s', async (_, input) => {
    const error = await client.send(new DescribeLogGroupsCommand(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('deletes a group with its streams; unknown groups are ResourceNotFoundException', async () => {
    await groupWithStream('/gone', 's');
    await put('/gone', 's', ['x']);
    await client.send(new DeleteLogGroupCommand({ logGroupName: '/gone' }));
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({}));
    expect(logGroups).toEqual([]);

    const calls = [
      () => client.send(new DeleteLogGroupCommand({ logGroupName: '/gone' })),
      () => client.send(new CreateLogStreamCommand({ logGroupName: '/gone', logStreamName: 's' })),
      () => client.send(new DescribeLogStreamsCommand({ logGroupName: '/gone' })),
      () => client.send(new GetLogEventsCommand({ logGroupName: '/gone', logStreamName: 's' })),
      () => client.send(new FilterLogEventsCommand({ logGroupName: '/gone' })),
      () => put('/gone', 's', ['x']),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as Error).message).toBe('The specified log group does not exist.');
    }

    // A group created again under the same name starts empty.
    await groupWithStream('/gone', 's');
    const events = await client.send(
      new GetLogEventsCommand({ logGroupName: '/gone', logStreamName: 's' }),
    );
    expect(events.events).toEqual([]);
  });

  it('names an unsupported operation instead of hanging', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/g' }));
    const error = await failure(
      client.send(new PutRetentionPolicyCommand({ logGroupName: '/g', retentionInDays: 1 })),
    );
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('PutRetentionPolicy');
  });
});

describe('log streams', () => {
  it('creates a stream once and validates its name as CloudWatch does', async () => {
    await groupWithStream('/g', '2026/01/01/[$LATEST]0123abcd');
    const dup = await client
      .send(
        new CreateLogStreamCommand({
          logGroupName: '/g',
          logStreamName: '2026/01/01/[$LATEST]0123abcd',
        }),
      )
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ResourceAlreadyExistsException);
    expect((dup as Error).message).toBe('The specified log stream already exists');

    for (const bad of ['', 'a:b', 'a*b', 's'.repeat(513)]) {
      const error = await client
        .send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: bad }))
        .catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(InvalidParameterException);
    }
    await client.send(
      new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 's'.repeat(512) }),
    );
  });

  it('describes streams with event times, ingestion time, stored bytes and arn', async () => {
    await groupWithStream('/g', 'busy');
    await client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 'idle' }));
    const before = Date.now();
    await put('/g', 'busy', ['one', 'two', 'three'], T0 + 5000);
    const after = Date.now();

    const { logStreams } = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/g' }));
    expect(logStreams?.map((s) => s.logStreamName)).toEqual(['busy', 'idle']);
    const [busy, idle] = logStreams ?? [];
    expect(busy).toMatchObject({
      firstEventTimestamp: T0 + 5000,
      lastEventTimestamp: T0 + 7000,
      storedBytes: 3 * 26 + 3 + 3 + 5,
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/g:log-stream:busy',
    });
    expect(busy?.lastIngestionTime).toBeGreaterThanOrEqual(before);
    expect(busy?.lastIngestionTime).toBeLessThanOrEqual(after);
    expect(idle?.firstEventTimestamp).toBeUndefined();
    expect(idle?.lastEventTimestamp).toBeUndefined();
    expect(idle?.storedBytes).toBe(0);
  });

  it('orders by name or by last event time, either way round, and pages', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/g' }));
    // Names against last event times in the opposite order.
    const streams = [
      ['a', T0 + 4000],
      ['b', T0 + 3000],
      ['c', T0 + 2000],
      ['d', T0 + 1000],
    ] as const;
    for (const [name, time] of streams) {
      await client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: name }));
      await put('/g', name, ['x'], time);
    }
    await client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 'other' }));

    const names = async (input: Omit<DescribeLogStreamsCommandInput, 'logGroupName'>) => {
      const pages: string[][] = [];
      for await (const page of paginateDescribeLogStreams(
        { client, pageSize: 3 },
        { logGroupName: '/g', ...input },
      ))
        pages.push(page.logStreams?.map((s) => s.logStreamName ?? '') ?? []);
      return pages;
    };
    expect(await names({})).toEqual([
      ['a', 'b', 'c'],
      ['d', 'other'],
    ]);
    expect(await names({ descending: true })).toEqual([
      ['other', 'd', 'c'],
      ['b', 'a'],
    ]);
    expect(await names({ orderBy: 'LastEventTime' })).toEqual([
      ['other', 'd', 'c'],
      ['b', 'a'],
    ]);
    expect(await names({ orderBy: 'LastEventTime', descending: true })).toEqual([
      ['a', 'b', 'c'],
      ['d', 'other'],
    ]);
    expect(await names({ logStreamNamePrefix: 'o' })).toEqual([['other']]);

    const error = await client
      .send(
        new DescribeLogStreamsCommand({
          logGroupName: '/g',
          orderBy: 'LastEventTime',
          logStreamNamePrefix: 'a',
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('finds a group by logGroupIdentifier, as a name or an ARN', async () => {
    await groupWithStream('/aws/lambda/fn', 's');
    for (const logGroupIdentifier of [
      '/aws/lambda/fn',
      'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn',
      'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:*',
    ]) {
      const { logStreams } = await client.send(
        new DescribeLogStreamsCommand({ logGroupIdentifier }),
      );
      expect(logStreams?.map((s) => s.logStreamName)).toEqual(['s']);
    }
  });

  it('deletes a stream; its bytes leave the group', async () => {
    await groupWithStream('/g', 'keep');
    await client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 'drop' }));
    await put('/g', 'keep', ['abc']);
    await put('/g', 'drop', ['abcdef']);
    await client.send(new DeleteLogStreamCommand({ logGroupName: '/g', logStreamName: 'drop' }));
    const { logStreams } = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/g' }));
    expect(logStreams?.map((s) => s.logStreamName)).toEqual(['keep']);
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.[0]?.storedBytes).toBe(26 + 3);
    const error = await client
      .send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 'drop' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('The specified log stream does not exist.');

    // Still gone after a restart.
    await cloud.stop();
    cloud = await startCloud(dataDir);
    client = cloud.client;
    const after = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/g' }));
    expect(after.logStreams?.map((s) => s.logStreamName)).toEqual(['keep']);
  });
});

describe('PutLogEvents', () => {
  it('stores a batch and answers a new sequence token each time', async () => {
    await groupWithStream('/g', 's');
    const first = await put('/g', 's', ['a', 'b']);
    const second = await put('/g', 's', ['c'], T0 + 10_000);
    expect(first.nextSequenceToken).toMatch(/^\d+$/);
    expect(second.nextSequenceToken).toMatch(/^\d+$/);
    expect(second.nextSequenceToken).not.toBe(first.nextSequenceToken);
    expect(first.rejectedLogEventsInfo).toBeUndefined();
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', startFromHead: true }),
    );
    expect(events?.map((e) => [e.timestamp, e.message])).toEqual([
      [T0, 'a'],
      [T0 + 1000, 'b'],
      [T0 + 10_000, 'c'],
    ]);
  });

  it('keeps a stream in time order when a later batch holds earlier events', async () => {
    await groupWithStream('/g', 's');
    await put('/g', 's', ['late'], T0 + 5000);
    await put('/g', 's', ['early', 'same time as late'], T0 + 4000);
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', startFromHead: true }),
    );
    expect(events?.map((e) => e.message)).toEqual(['early', 'late', 'same time as late']);
  });

  it.each([
    [
      'events out of chronological order',
      [
        { timestamp: T0 + 1000, message: 'b' },
        { timestamp: T0, message: 'a' },
      ],
    ],
    ['an empty batch', []],
    ['an empty message', [{ timestamp: T0, message: '' }]],
    [
      'a batch spanning more than 24 hours',
      [
        { timestamp: T0 - 25 * 3600 * 1000, message: 'a' },
        { timestamp: T0, message: 'b' },
      ],
    ],
    [
      'a batch over 1 MB',
      [
        { timestamp: T0, message: 'x'.repeat(600_000) },
        { timestamp: T0, message: 'y'.repeat(600_000) },
      ],
    ],
  ])('refuses %s as InvalidParameterException and stores nothing', async (_, logEvents) => {
    await groupWithStream('/g', 's');
    const error = await client
      .send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 's', logEvents }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's' }),
    );
    expect(events).toEqual([]);
  });

  it('reports events too old or too new by index and stores the rest', async () => {
    await groupWithStream('/g', 's');
    const now = Date.now();
    const result = await client.send(
      new PutLogEventsCommand({
        logGroupName: '/g',
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 14 * 24 * 3600 * 1000 - 2 * 3600 * 1000, message: 'too old' },
          { timestamp: now - 14 * 24 * 3600 * 1000 - 3600 * 1000, message: 'too old too' },
          { timestamp: now - 14 * 24 * 3600 * 1000 + 3600 * 1000, message: 'kept' },
        ],
      }),
    );
    expect(result.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 2 });
    const future = await client.send(
      new PutLogEventsCommand({
        logGroupName: '/g',
        logStreamName: 's',
        logEvents: [
          { timestamp: now, message: 'kept too' },
          { timestamp: now + 3 * 3600 * 1000, message: 'too new' },
        ],
      }),
    );
    expect(future.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', startFromHead: true }),
    );
    expect(events?.map((e) => e.message)).toEqual(['kept', 'kept too']);
  });

  it('needs an existing stream', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/g' }));
    const error = await put('/g', 'missing', ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('The specified log stream does not exist.');
  });
});

describe('GetLogEvents', () => {
  const messages = ['e0', 'e1', 'e2', 'e3', 'e4'];
  const get = (input: Omit<GetLogEventsCommandInput, 'logGroupName' | 'logStreamName'>) =>
    client.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', ...input }));
  const texts = (out: { events?: { message?: string }[] }) => out.events?.map((e) => e.message);

  beforeEach(async () => {
    await groupWithStream('/g', 's');
    await put('/g', 's', messages);
  });

  it('answers events with timestamp and ingestion time', async () => {
    const before = Date.now();
    const out = await get({ startFromHead: true, limit: 1 });
    expect(out.events?.[0]?.timestamp).toBe(T0);
    expect(out.events?.[0]?.message).toBe('e0');
    expect(out.events?.[0]?.ingestionTime).toBeLessThanOrEqual(before);
    expect(out.events?.[0]?.ingestionTime).toBeGreaterThan(T0);
  });

  it('walks forward from the head; at the end the forward token stays the same', async () => {
    const first = await get({ startFromHead: true, limit: 2 });
    expect(texts(first)).toEqual(['e0', 'e1']);
    const second = await get({ nextToken: first.nextForwardToken, limit: 2 });
    expect(texts(second)).toEqual(['e2', 'e3']);
    const third = await get({ nextToken: second.nextForwardToken, limit: 2 });
    expect(texts(third)).toEqual(['e4']);
    const end = await get({ nextToken: third.nextForwardToken, limit: 2 });
    expect(texts(end)).toEqual([]);
    expect(end.nextForwardToken).toBe(third.nextForwardToken);
    const again = await get({ nextToken: end.nextForwardToken, limit: 2 });
    expect(again.nextForwardToken).toBe(third.nextForwardToken);

    // A tail keeps its place: new events come through the same token.
    await put('/g', 's', ['e5'], T0 + 60_000);
    const tail = await get({ nextToken: end.nextForwardToken });
    expect(texts(tail)).toEqual(['e5']);
  });

  it('starts from the tail by default and walks backward', async () => {
    const last = await get({ limit: 2 });
    expect(texts(last)).toEqual(['e3', 'e4']);
    const before = await get({ nextToken: last.nextBackwardToken, limit: 2 });
    expect(texts(before)).toEqual(['e1', 'e2']);
    const first = await get({ nextToken: before.nextBackwardToken, limit: 2 });
    expect(texts(first)).toEqual(['e0']);
    const none = await get({ nextToken: first.nextBackwardToken, limit: 2 });
    expect(texts(none)).toEqual([]);
    expect(none.nextBackwardToken).toBe(first.nextBackwardToken);
    // Forward again from a backward page resumes right after it.
    const forward = await get({ nextToken: before.nextForwardToken });
    expect(texts(forward)).toEqual(['e3', 'e4']);
  });

  it('returns everything by default, oldest first', async () => {
    expect(texts(await get({}))).toEqual(messages);
    expect(texts(await get({ startFromHead: true }))).toEqual(messages);
  });

  it('takes startTime inclusive and endTime exclusive', async () => {
    expect(texts(await get({ startTime: T0 + 1000, endTime: T0 + 3000 }))).toEqual(['e1', 'e2']);
    expect(
      texts(await get({ startTime: T0 + 1000, endTime: T0 + 3000, startFromHead: true, limit: 1 })),
    ).toEqual(['e1']);
    expect(texts(await get({ startTime: T0 + 10_000 }))).toEqual([]);
  });

  it('refuses a token it did not issue and an out-of-range limit', async () => {
    for (const input of [{ nextToken: 'f/123/s' }, { limit: 0 }, { limit: 10_001 }]) {
      const error = await get(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(InvalidParameterException);
    }
  });
});

describe('FilterLogEvents', () => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  // Words no request id (hex digits and dashes) can contain.
  const who = ['alpha', 'beta', 'gamma'];

  /** The lines Lambda writes for one invocation, shaped as the runtime and service print them. */
  function invocationLines(id: string, body: string[]): string[] {
    return [
      `START RequestId: ${id} Version: $LATEST\n`,
      ...body.map((line) => `2026-01-01T00:00:00.000Z\t${id}\tINFO\t${line}\n`),
      `END RequestId: ${id}\n`,
      `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n`,
    ];
  }

  /** Three requests' lines interleaved line by line across two streams (two containers). */
  async function interleaved(): Promise<Map<string, string[]>> {
    const byId = new Map(
      ids.map((id, n) => [id, invocationLines(id, [`hello from ${who[n]}`, `bye from ${who[n]}`])]),
    );
    const a: { timestamp: number; message: string }[] = [];
    const b: { timestamp: number; message: string }[] = [];
    for (let line = 0; line < 5; line++) {
      ids.forEach((id, n) => {
        // Requests 0 and 2 ran in container a, request 1 in container b, all at once.
        (n === 1 ? b : a).push({ timestamp: T0 + line * 10 + n, message: byId.get(id)![line]! });
      });
    }
    await cloud.logs.appendLogEvents('/aws/lambda/fn', '2026/01/01/[$LATEST]aaaa', a);
    await cloud.logs.appendLogEvents('/aws/lambda/fn', '2026/01/01/[$LATEST]bbbb', b);
    return byId;
  }

  const filter = async (input: Omit<FilterLogEventsCommandInput, 'logGroupName'>) => {
    const events: FilteredLogEvent[] = [];
    for await (const page of paginateFilterLogEvents(
      { client },
      { logGroupName: '/aws/lambda/fn', ...input },
    ))
      events.push(...(page.events ?? []));
    return events;
  };

  it("selects exactly one request's lines out of interleaved requests, in order", async () => {
    const byId = await interleaved();
    for (const [n, id] of ids.entries()) {
      const events = await filter({ filterPattern: `"${id}"` });
      expect(events.map((e) => e.message)).toEqual(byId.get(id));
      expect(new Set(events.map((e) => e.logStreamName))).toEqual(
        new Set([n === 1 ? '2026/01/01/[$LATEST]bbbb' : '2026/01/01/[$LATEST]aaaa']),
      );
    }
  });

  it('answers events of all streams in time order, with stream name, event id and ingestion time', async () => {
    const before = Date.now();
    await interleaved();
    const events = await filter({});
    expect(events).toHaveLength(15);
    expect(events.map((e) => e.timestamp)).toEqual(
      [0, 10, 20, 30, 40].flatMap((t) => [T0 + t, T0 + t + 1, T0 + t + 2]),
    );
    expect(events.map((e) => e.logStreamName?.slice(-4))).toEqual(
      Array.from({ length: 5 }, () => ['aaaa', 'bbbb', 'aaaa']).flat(),
    );
    expect(new Set(events.map((e) => e.eventId)).size).toBe(15);
    for (const event of events) {
      expect(event.eventId).toMatch(/^\d+$/);
      expect(event.ingestionTime).toBeGreaterThanOrEqual(before);
    }
  });

  it.each([
    ['plain terms, all required', 'hello beta', ['hello from beta']],
    ['a quoted phrase', '"bye from gamma"', ['bye from gamma']],
    ['terms are case-sensitive', 'HELLO', []],
    ['an exclusion', 'INFO -hello -gamma -alpha', ['bye from beta']],
    [
      'alternatives',
      '?"hello from alpha" ?"bye from gamma"',
      ['hello from alpha', 'bye from gamma'],
    ],
    [
      'a regular expression',
      '%from [bg]%',
      ['hello from beta', 'hello from gamma', 'bye from beta', 'bye from gamma'],
    ],
    ['an exclusion alone', '-INFO -START -END', ids.map((id) => `REPORT RequestId: ${id}`)],
  ])('filter pattern: %s', async (_, filterPattern, expected) => {
    await interleaved();
    const events = await filter({ filterPattern });
    // Compare the readable part of each line: the body of an INFO line, else up to the id.
    expect(
      events.map((e) => {
        const message = e.message?.trim() ?? '';
        return message.includes('\tINFO\t') ? message.split('\t')[3] : message.split('\t')[0];
      }),
    ).toEqual(expected);
  });

  it('refuses an unquoted term with a dash, which CloudWatch rejects too', async () => {
    await interleaved();
    const error = await client
      .send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn', filterPattern: ids[0] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toContain('double quotes');
  });

  it('narrows by stream names, a stream prefix, and an inclusive time range', async () => {
    await interleaved();
    const inB = await filter({ logStreamNames: ['2026/01/01/[$LATEST]bbbb'] });
    expect(inB.map((e) => e.message)).toEqual(
      invocationLines(ids[1]!, ['hello from beta', 'bye from beta']),
    );
    const byPrefix = await filter({ logStreamNamePrefix: '2026/01/01/[$LATEST]a' });
    expect(byPrefix).toHaveLength(10);
    const window = await filter({ startTime: T0 + 10, endTime: T0 + 20 });
    expect(window.map((e) => e.timestamp)).toEqual([T0 + 10, T0 + 11, T0 + 12, T0 + 20]);
    const error = await client
      .send(
        new FilterLogEventsCommand({
          logGroupName: '/aws/lambda/fn',
          logStreamNames: ['x'],
          logStreamNamePrefix: 'x',
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('pages with limit and nextToken without losing or repeating an event', async () => {
    await interleaved();
    const first = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn', limit: 4 }),
    );
    expect(first.events).toHaveLength(4);
    expect(first.nextToken).toEqual(expect.any(String));
    const pages: number[] = [];
    const all: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client, pageSize: 4 },
      { logGroupName: '/aws/lambda/fn' },
    )) {
      pages.push(page.events?.length ?? 0);
      all.push(...(page.events ?? []).map((e) => e.eventId ?? ''));
    }
    expect(pages).toEqual([4, 4, 4, 3]);
    expect(new Set(all).size).toBe(15);
    const unpaged = await filter({});
    expect(all).toEqual(unpaged.map((e) => e.eventId));
  });

  it("yields one request's log of more than 4 KB in full", async () => {
    const id = randomUUID();
    const other = randomUUID();
    const body = Array.from({ length: 80 }, (_, i) => `line ${i} ${'x'.repeat(100)}`);
    const mine = invocationLines(id, body);
    const theirs = invocationLines(
      other,
      body.map((line) => line.toUpperCase()),
    );
    const stream = '2026/01/01/[$LATEST]cafe';
    // Written the way the local Lambda will: in several appends, interleaved with another request.
    for (let i = 0; i < mine.length; i += 10) {
      await cloud.logs.appendLogEvents(
        '/aws/lambda/big',
        stream,
        mine.slice(i, i + 10).flatMap((message, j) => [
          { timestamp: T0 + i + j, message },
          { timestamp: T0 + i + j, message: theirs[i + j] ?? 'unrelated' },
        ]),
      );
    }
    const events: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client, pageSize: 25 },
      { logGroupName: '/aws/lambda/big', logStreamNames: [stream], filterPattern: `"${id}"` },
    ))
      events.push(...(page.events ?? []).map((e) => e.message ?? ''));
    expect(events).toEqual(mine);
    expect(Buffer.byteLength(events.join(''))).toBeGreaterThan(4 * 1024);
    expect(events.at(-1)).toMatch(/^REPORT RequestId: /);
  });
});

describe('appendLogEvents (the library API for the local Lambda)', () => {
  it('creates the group and the stream and sorts the events it is given', async () => {
    await cloud.logs.appendLogEvents('/aws/lambda/new', 'stream-1', [
      { timestamp: T0 + 2, message: 'second' },
      { timestamp: T0 + 1, message: 'first' },
      { timestamp: T0 + 2, message: 'third' },
    ]);
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/new']);
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/aws/lambda/new', logStreamName: 'stream-1' }),
    );
    expect(events?.map((e) => e.message)).toEqual(['first', 'second', 'third']);
    await expect(cloud.logs.appendLogEvents('bad name', 's', [])).rejects.toThrow(/logGroupName/);
    await expect(cloud.logs.appendLogEvents('/g', 'bad:name', [])).rejects.toThrow(/logStreamName/);
  });

  it("drops a group's oldest events past its byte budget", async () => {
    const small = await startCloud(makeTempDir('lambdash-logs-'), 10 * (26 + 2));
    for (const stream of ['a', 'b'])
      await small.logs.appendLogEvents(
        '/g',
        stream,
        Array.from({ length: 8 }, (_, i) => ({
          timestamp: T0 + i * 2 + (stream === 'a' ? 0 : 1),
          message: `${stream}${i}`,
        })),
      );
    const events = (await small.client.send(new FilterLogEventsCommand({ logGroupName: '/g' })))
      .events;
    expect(events?.map((e) => e.message)).toEqual([
      'a3',
      'b3',
      'a4',
      'b4',
      'a5',
      'b5',
      'a6',
      'b6',
      'a7',
      'b7',
    ]);
    const { logGroups } = await small.client.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.[0]?.storedBytes).toBe(10 * 28);
  });
});

describe('durability', () => {
  it('keeps groups, streams and events across a restart on the same data dir', async () => {
    await groupWithStream('/aws/lambda/fn', 's1');
    await client.send(new CreateLogGroupCommand({ logGroupName: '/kept/empty' }));
    await put('/aws/lambda/fn', 's1', ['one', 'two']);
    await cloud.logs.appendLogEvents('/aws/lambda/fn', 's2', [
      { timestamp: T0 + 500, message: 'mid' },
    ]);
    await client.send(new CreateLogGroupCommand({ logGroupName: '/deleted' }));
    await client.send(new DeleteLogGroupCommand({ logGroupName: '/deleted' }));
    const groupsBefore = await client.send(new DescribeLogGroupsCommand({}));
    const streamsBefore = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/fn' }),
    );
    const eventsBefore = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }),
    );
    await cloud.stop();

    cloud = await startCloud(dataDir);
    client = cloud.client;
    const strip = <T>(out: T) => ({ ...out, $metadata: undefined });
    expect(strip(await client.send(new DescribeLogGroupsCommand({})))).toEqual(strip(groupsBefore));
    expect(groupsBefore.logGroups?.map((g) => g.logGroupName)).toEqual([
      '/aws/lambda/fn',
      '/kept/empty',
    ]);
    expect(
      strip(await client.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/fn' }))),
    ).toEqual(strip(streamsBefore));
    const eventsAfter = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }),
    );
    expect(strip(eventsAfter)).toEqual(strip(eventsBefore));
    expect(eventsAfter.events?.map((e) => e.message)).toEqual(['one', 'mid', 'two']);

    // Events written after the restart get ids of their own.
    await put('/aws/lambda/fn', 's1', ['three'], T0 + 2000);
    const all = await client.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }));
    expect(new Set(all.events?.map((e) => e.eventId)).size).toBe(4);
  });

  it('has every acknowledged write of many concurrent calls on disk', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/busy' }));
    const streams = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await Promise.all(
      streams.map((stream, i) =>
        client
          .send(new CreateLogStreamCommand({ logGroupName: '/busy', logStreamName: stream }))
          .then(() => put('/busy', stream, [`put ${i}`]))
          .then(() =>
            cloud.logs.appendLogEvents('/busy', stream, [
              { timestamp: T0 + 1, message: `append ${i}` },
            ]),
          ),
      ),
    );
    await cloud.stop();
    cloud = await startCloud(dataDir);
    client = cloud.client;
    const events: string[] = [];
    for await (const page of paginateFilterLogEvents({ client }, { logGroupName: '/busy' }))
      events.push(...(page.events ?? []).map((e) => e.message ?? ''));
    expect(events.sort()).toEqual(streams.flatMap((_, i) => [`append ${i}`, `put ${i}`]).sort());
  });

  it('ignores a write a crash cut short and refuses a file it cannot read', async () => {
    await groupWithStream('/g', 's');
    await put('/g', 's', ['kept']);
    await cloud.stop();
    const logsDir = path.join(dataDir, 'logs');
    const [file] = readdirSync(logsDir);
    writeFileSync(path.join(logsDir, `${file}.tmp-deadbeef`), '{"name": "/g", "streams": [');

    cloud = await startCloud(dataDir);
    client = cloud.client;
    const { events } = await client.send(
      new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's' }),
    );
    expect(events?.map((e) => e.message)).toEqual(['kept']);
    expect(readdirSync(logsDir)).toEqual([file]);
    await cloud.stop();

    writeFileSync(path.join(logsDir, file!), '{"name": "/g", "str');
    await expect(createLogsService({ dataDir })).rejects.toThrow(/not valid JSON/);
  });
});
