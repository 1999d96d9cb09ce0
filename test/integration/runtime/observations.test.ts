// Observation lines: the runtime's own marks around each invocation and the user's marks
// from the public `observe()` helper, in order, with the request id and rising times.
import { afterEach, describe, expect, it } from 'vitest';
import { outputLines, waitForPosted } from '../../support/output.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

interface Mark {
  time: number;
  requestId: string;
  kind: string;
  name: string;
}

const TEXT_MARK = /^\[lambdash\]\t(\d+\.\d{3})\t([^\t]+)\t(runtime|user)\t(.+)$/;

function textMarks(output: string): Mark[] {
  return outputLines(output).flatMap((line) => {
    if (!line.startsWith('[lambdash]')) return [];
    const match = TEXT_MARK.exec(line);
    expect(match, `observation line in the documented format: ${line}`).not.toBeNull();
    const [, time, requestId, kind, name] = match!;
    return [{ time: Number(time), requestId: requestId!, kind: kind!, name: name! }];
  });
}

function jsonMarks(output: string): Mark[] {
  return outputLines(output)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.type === 'lambdash.observe')
    .map((record) => {
      expect(Object.keys(record)).toEqual([
        'timestamp',
        'type',
        'time',
        'requestId',
        'kind',
        'name',
      ]);
      expect(record.timestamp).toBe(new Date(record.time as number).toISOString());
      const { time, requestId, kind, name } = record as unknown as Mark;
      return { time, requestId, kind, name };
    });
}

const INIT = [
  ['-', 'runtime', 'init.start'],
  ['-', 'runtime', 'handler.loaded'],
];
const invocation = (id: string, user: string) => [
  [id, 'runtime', 'event.received'],
  [id, 'runtime', 'handler.start'],
  [id, 'user', user],
  [id, 'runtime', 'handler.end'],
  [id, 'runtime', 'response.posted'],
];

function expectRising(marks: Mark[]): void {
  for (let i = 1; i < marks.length; i++) {
    expect(marks[i]!.time).toBeGreaterThanOrEqual(marks[i - 1]!.time);
  }
  expect(marks.at(-1)!.time).toBeGreaterThan(marks[0]!.time);
}

describe.each([
  { format: 'text', parse: textMarks, env: {} as Record<string, string> },
  { format: 'JSON', parse: jsonMarks, env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } },
])('$format format', ({ parse, env }) => {
  it('marks init once, then each invocation in order with its request id', async () => {
    const before = Date.now();
    harness = await startRuntime({ handler: 'sources/observe.handler', env });
    expect((await harness.invokeJson({}, { requestId: 'obs-1' })).body).toBe('observed');
    await waitForPosted(harness, 'obs-1');
    // Not a string: plain JavaScript callers may pass anything, and get its text.
    expect((await harness.invokeJson({ mark: 404 }, { requestId: 'obs-2' })).body).toBe('observed');
    const marks = parse(await waitForPosted(harness, 'obs-2'));
    expect(marks.map((m) => [m.requestId, m.kind, m.name])).toEqual([
      ...INIT,
      ...invocation('obs-1', 'db.done'),
      ...invocation('obs-2', '404'),
    ]);
    expectRising(marks);
    // Wall-clock milliseconds, so marks line up with the log's own timestamps. The slack
    // covers the runtime's clock (timeOrigin + performance.now()) not being Date.now().
    expect(marks[0]!.time).toBeGreaterThan(before - 50);
    expect(marks.at(-1)!.time).toBeLessThan(Date.now() + 50);
  });

  it('takes user marks through the global the helper uses', async () => {
    harness = await startRuntime({ handler: 'sources/observe.viaGlobal', env });
    await harness.invokeJson({}, { requestId: 'obs-global' });
    const marks = parse(await waitForPosted(harness, 'obs-global'));
    expect(marks.map((m) => [m.requestId, m.kind, m.name])).toEqual([
      ...INIT,
      ...invocation('obs-global', 'via.global'),
    ]);
  });
});

it('marks a failed invocation too, with handler.end before the error is posted', async () => {
  harness = await startRuntime({ handler: 'sources/fail.handler' });
  expect((await harness.invokeJson({}, { requestId: 'obs-fail' })).kind).toBe('error');
  const marks = textMarks(await waitForPosted(harness, 'obs-fail'));
  expect(marks.filter((m) => m.requestId === 'obs-fail').map((m) => m.name)).toEqual([
    'event.received',
    'handler.start',
    'handler.end',
    'response.posted',
  ]);
});

it('a schema rejection marks no handler start or end: the handler never ran', async () => {
  harness = await startRuntime({ handler: 'sources/typed.handler' });
  expect((await harness.invokeJson({ bad: true }, { requestId: 'obs-schema' })).kind).toBe('error');
  const marks = textMarks(await waitForPosted(harness, 'obs-schema'));
  expect(marks.filter((m) => m.requestId === 'obs-schema').map((m) => m.name)).toEqual([
    'event.received',
    'response.posted',
  ]);
});
