// Observation marks: the runtime's own around each invocation and the user's from the public
// `observe()` helper, written as one line per phase (init, then each invocation) in order
// with the handler's output; a level in JSON format, dropped below AWS_LAMBDA_LOG_LEVEL, and
// turned off by LAMBDASH_OBSERVE=0, when the timeline falls back to START/END/REPORT.
import { afterEach, describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import { getInvocationTimeBreakdown } from '../../../src/core/logs/time-breakdown.js';
import { type EmulatorCli, startEmulatorCli } from '../../support/emulator-harness.js';
import { outputLines, waitForOutput, waitForPosted } from '../../support/output.js';
import { handlersDir } from '../../support/paths.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
let emulator: EmulatorCli | undefined;
afterEach(async () => {
  await harness?.stop();
  await emulator?.stop();
  harness = undefined;
  emulator = undefined;
});

interface Line {
  requestId: string;
  /** Each mark as `kind name`, in the order written. */
  marks: string[];
  times: number[];
}

const TEXT_LINE =
  /^\[lambdash\]\tmarks\t([^\t]+)\t(\d+\.\d{3})((?:\t\d+\.\d{3} (?:runtime|user) .*?)+)$/;

function textLines(output: string): Line[] {
  return outputLines(output).flatMap((line) => {
    if (!line.startsWith('[lambdash]')) return [];
    const match = TEXT_LINE.exec(line);
    expect(match, `marks line in the documented format: ${line}`).not.toBeNull();
    const [, requestId, base, fields] = match!;
    const marks = fields!.slice(1).split('\t');
    return [
      {
        requestId: requestId!,
        marks: marks.map((mark) => mark.slice(mark.indexOf(' ') + 1)),
        times: marks.map((mark) => Number(base) + Number(mark.slice(0, mark.indexOf(' ')))),
      },
    ];
  });
}

function jsonLines(output: string): Line[] {
  return outputLines(output)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.type === 'lambdash.marks')
    .map((record) => {
      expect(Object.keys(record)).toEqual(
        ['timestamp', 'level', 'requestId', 'type', 'time', 'marks'].filter(
          (key) => key !== 'requestId' || 'requestId' in record,
        ),
      );
      expect(record.level).toBe('INFO');
      expect(record.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const marks = record.marks as Array<[number, string, string]>;
      return {
        requestId: (record.requestId as string | undefined) ?? '-',
        marks: marks.map(([, kind, name]) => `${kind} ${name}`),
        times: marks.map(([offset]) => (record.time as number) + offset),
      };
    });
}

const INIT = { requestId: '-', marks: ['runtime init.start', 'runtime handler.loaded'] };
const invocation = (requestId: string, user: string) => ({
  requestId,
  marks: [
    'runtime event.received',
    'runtime handler.start',
    `user ${user}`,
    'runtime handler.end',
    'runtime response.posted',
  ],
});

function expectRising(times: number[]): void {
  for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
  expect(times.at(-1)!).toBeGreaterThan(times[0]!);
}

describe.each([
  { format: 'text', parse: textLines, env: {} as Record<string, string> },
  { format: 'JSON', parse: jsonLines, env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } },
])('$format format', ({ parse, env }) => {
  it('writes one line for init, then exactly one per invocation with all its marks', async () => {
    const before = Date.now();
    harness = await startRuntime({ handler: 'sources/observe.handler', env });
    expect((await harness.invokeJson({}, { requestId: 'obs-1' })).body).toBe('observed');
    await waitForPosted(harness, 'obs-1');
    // Not a string: plain JavaScript callers may pass anything, and get its text.
    expect((await harness.invokeJson({ mark: 404 }, { requestId: 'obs-2' })).body).toBe('observed');
    const lines = parse(await waitForPosted(harness, 'obs-2'));
    expect(lines.map(({ requestId, marks }) => ({ requestId, marks }))).toEqual([
      INIT,
      invocation('obs-1', 'db.done'),
      invocation('obs-2', '404'),
    ]);
    for (const line of lines.slice(1)) expectRising(line.times);
    // Wall-clock milliseconds, so marks line up with the log's own timestamps. The slack
    // covers the runtime's clock (timeOrigin + performance.now()) not being Date.now().
    expect(lines[0]!.times[0]).toBeGreaterThan(before - 50);
    expect(lines.at(-1)!.times.at(-1)).toBeLessThan(Date.now() + 50);
  });

  it('takes user marks through the global the helper uses', async () => {
    harness = await startRuntime({ handler: 'sources/observe.viaGlobal', env });
    await harness.invokeJson({}, { requestId: 'obs-global' });
    const lines = parse(await waitForPosted(harness, 'obs-global'));
    expect(lines.map(({ requestId, marks }) => ({ requestId, marks }))).toEqual([
      INIT,
      invocation('obs-global', 'via.global'),
    ]);
  });

  it("writes the line after the handler's own lines, before the next invocation's", async () => {
    harness = await startRuntime({ handler: 'sources/observe.logged', env });
    await harness.invokeJson({}, { requestId: 'order-1' });
    await harness.invokeJson({}, { requestId: 'order-2' });
    const output = await waitForPosted(harness, 'order-2');
    const kinds = outputLines(output).flatMap((line) => {
      if (line.includes('before the mark')) return [`log ${idOf(line)}`];
      if (line.includes('after the mark')) return [`log ${idOf(line)}`];
      return parse(line).map((marks) => `marks ${marks.requestId}`);
    });
    expect(kinds).toEqual([
      'marks -',
      'log order-1',
      'log order-1',
      'marks order-1',
      'log order-2',
      'log order-2',
      'marks order-2',
    ]);
  });
});

/** The request id of a console line, text or JSON. */
function idOf(line: string): string {
  return line.startsWith('{') ? (JSON.parse(line).requestId as string) : line.split('\t')[1]!;
}

it('marks a failed invocation too, with handler.end before the error is posted', async () => {
  harness = await startRuntime({ handler: 'sources/fail.handler' });
  expect((await harness.invokeJson({}, { requestId: 'obs-fail' })).kind).toBe('error');
  const lines = textLines(await waitForPosted(harness, 'obs-fail'));
  expect(lines.find((line) => line.requestId === 'obs-fail')?.marks).toEqual([
    'runtime event.received',
    'runtime handler.start',
    'runtime handler.end',
    'runtime response.posted',
  ]);
});

it('a schema rejection marks no handler start or end: the handler never ran', async () => {
  harness = await startRuntime({ handler: 'sources/typed.handler' });
  expect((await harness.invokeJson({ bad: true }, { requestId: 'obs-schema' })).kind).toBe('error');
  const lines = textLines(await waitForPosted(harness, 'obs-schema'));
  expect(lines.find((line) => line.requestId === 'obs-schema')?.marks).toEqual([
    'runtime event.received',
    'runtime response.posted',
  ]);
});

describe.each([
  {
    what: 'AWS_LAMBDA_LOG_LEVEL=ERROR (JSON)',
    env: { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'ERROR' },
  },
  { what: 'AWS_LAMBDA_LOG_LEVEL=WARN (text)', env: { AWS_LAMBDA_LOG_LEVEL: 'WARN' } },
  { what: 'LAMBDASH_OBSERVE=0', env: { LAMBDASH_OBSERVE: '0' } },
  {
    what: 'LAMBDASH_OBSERVE=0 (JSON)',
    env: { LAMBDASH_OBSERVE: '0', AWS_LAMBDA_LOG_FORMAT: 'JSON' },
  },
] as Array<{ what: string; env: Record<string, string> }>)('$what', ({ env }) => {
  it('writes no marks, user marks included', async () => {
    harness = await startRuntime({ handler: 'sources/observe.logged', env });
    await harness.invokeJson({}, { requestId: 'quiet-1' });
    await harness.invokeJson({}, { requestId: 'quiet-2' });
    // The second invocation's last line: by then the first one's marks, init's too, would be
    // out (they are written before the runtime asks for the next event).
    const output = await waitForOutput(
      harness,
      (text) =>
        outputLines(text).some((l) => l.includes('quiet-2') && l.includes('after the mark')),
      "quiet-2's last line",
    );
    expect(output).toContain('after the mark');
    expect(output).not.toContain('[lambdash]');
    expect(output).not.toContain('lambdash.');
    expect(output).not.toContain('between');
  });

  it('leaves the timeline to START/END/REPORT: all of Duration is the handler', async () => {
    emulator = await startEmulatorCli({
      args: ['sources/observe.logged', '--task-root', handlersDir, '--port', '0'],
      env,
    });
    const answer = await emulator.invoke('{}', { 'X-Amz-Log-Type': 'Tail' });
    expect(answer.json).toBe('observed');
    const tail = Buffer.from(answer.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    const log = parseInvocationLog(tail, { source: 'tail' });
    expect(log.complete).toBe(true);
    expect(log.observations).toEqual([]);
    const breakdown = getInvocationTimeBreakdown(log);
    expect(breakdown.segments.map((s) => [s.label, s.kind])).toEqual([
      ['init', 'init'],
      ['handler', 'handler'],
    ]);
    // Millisecond figures with fractions: the sum may differ from the total in the last binary digit.
    expect(breakdown.segments.reduce((sum, s) => sum + s.lengthMs, 0)).toBeCloseTo(
      breakdown.totalMs,
      6,
    );
  });
});

it('through the emulator, each invocation has one marks line and a timeline that adds up', async () => {
  emulator = await startEmulatorCli({
    args: ['sources/observe.logged', '--task-root', handlersDir, '--port', '0'],
  });
  for (const cold of [true, false]) {
    const answer = await emulator.invoke('{}', { 'X-Amz-Log-Type': 'Tail' });
    const tail = Buffer.from(answer.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    const log = parseInvocationLog(tail, { source: 'tail' });
    expect(log.complete).toBe(true);
    const own = log.lines.filter(
      (line) => line.startsWith('[lambdash]') && line.includes(log.requestId),
    );
    expect(own).toHaveLength(1);
    // Inside the invocation: before END.
    const end = log.lines.findIndex((line) => line.startsWith('END RequestId:'));
    expect(log.lines.indexOf(own[0]!)).toBeLessThan(end);
    const breakdown = getInvocationTimeBreakdown(log);
    expect(breakdown.cold).toBe(cold);
    expect(breakdown.segments.map((s) => s.label)).toEqual([
      ...(cold ? ['init'] : []),
      'runtime before',
      'between',
      'handler',
      'runtime after',
    ]);
    // Millisecond figures with fractions: the sum may differ from the total in the last binary digit.
    expect(breakdown.segments.reduce((sum, s) => sum + s.lengthMs, 0)).toBeCloseTo(
      breakdown.totalMs,
      6,
    );
  }
});
