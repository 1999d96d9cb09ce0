import { describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import {
  COLD_ID,
  coldThenWarm,
  consoleLine,
  endLine,
  initLines,
  invocationLines,
  mark,
  marksLine,
  reportLine,
  startLine,
  WARM_ID,
} from '../../support/invocation-logs.js';

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

const COLD_REPORT = {
  requestId: COLD_ID,
  durationMs: 4.2,
  billedDurationMs: 5,
  memorySizeMb: 128,
  maxMemoryUsedMb: 60,
  initDurationMs: 150.53,
};

const COLD_OBSERVATIONS = [
  { time: 1795249099449.733, requestId: undefined, kind: 'runtime', name: 'init.start' },
  { time: 1795249099453.965, requestId: undefined, kind: 'runtime', name: 'handler.loaded' },
  { time: 1795249099465.491, requestId: COLD_ID, kind: 'runtime', name: 'event.received' },
  { time: 1795249099465.785, requestId: COLD_ID, kind: 'runtime', name: 'handler.start' },
  { time: 1795249099466.102, requestId: COLD_ID, kind: 'user', name: 'db.query.done' },
  { time: 1795249099466.628, requestId: COLD_ID, kind: 'runtime', name: 'handler.end' },
  { time: 1795249099469.27, requestId: COLD_ID, kind: 'runtime', name: 'response.posted' },
];

// Images built before one line per phase wrote one line per mark: the parser reads both.
describe('parseInvocationLog: text format, one line per mark (older images)', () => {
  it('reads the first request by default: its lines, init lines, marks and REPORT', () => {
    const text = coldThenWarm(true);
    const log = parseInvocationLog(text);
    expect(log.requestId).toBe(COLD_ID);
    expect(log.lines).toEqual(lines(text).slice(0, 11));
    expect(log.lines[0]).toBe(`START RequestId: ${COLD_ID} Version: $LATEST`);
    expect(log.lines[10]).toMatch(/^REPORT RequestId: 6efd0e35/);
    expect(log.report).toEqual(COLD_REPORT);
    expect(log.complete).toBe(true);
    expect(log.source).toBe('local');
    expect(log.observations).toEqual(COLD_OBSERVATIONS);
  });

  it('reads a warm request by id, without the previous request or its init lines', () => {
    const text = coldThenWarm(true);
    const log = parseInvocationLog(text, { requestId: WARM_ID, source: 'cloudwatch' });
    expect(log.lines).toEqual(lines(text).slice(11));
    expect(log.report).toEqual({
      requestId: WARM_ID,
      durationMs: 4.01,
      billedDurationMs: 5,
      memorySizeMb: 128,
      maxMemoryUsedMb: 61,
    });
    expect(log.observations.map((o) => [o.requestId, o.name])).toEqual([
      [WARM_ID, 'event.received'],
      [WARM_ID, 'handler.start'],
      [WARM_ID, 'db.query.done'],
      [WARM_ID, 'handler.end'],
      [WARM_ID, 'response.posted'],
    ]);
    expect(log.complete).toBe(true);
    expect(log.source).toBe('cloudwatch');
  });

  it('keeps init lines written before START (on Lambda) after the previous REPORT', () => {
    const previous = `${endLine('old')}${reportLine({ requestId: 'old', durationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 50 })}`;
    const text =
      `${consoleLine('old', 'late line of the old request')}${previous}` +
      `INIT_START Runtime Version: nodejs:20.v1\n${initLines(false, true)}` +
      startLine(COLD_ID) +
      invocationLines(COLD_ID, 1795249099465.491, false, true) +
      endLine(COLD_ID) +
      reportLine({ ...COLD_REPORT });
    const log = parseInvocationLog(text, { requestId: COLD_ID });
    expect(log.lines).toEqual(lines(text).slice(3));
    expect(log.lines[0]).toBe('INIT_START Runtime Version: nodejs:20.v1');
    expect(log.observations.map((o) => o.name).slice(0, 3)).toEqual([
      'init.start',
      'handler.loaded',
      'event.received',
    ]);
    expect(log.complete).toBe(true);
  });

  it('drops a tail cut mid-line and is incomplete without START', () => {
    const text = coldThenWarm(true);
    const warm = text.slice(text.indexOf(`START RequestId: ${WARM_ID}`));
    // The tail starts in the middle of the first mark line.
    const cut = warm.slice(warm.indexOf('\n') + 20);
    const log = parseInvocationLog(cut, { source: 'tail' });
    expect(log.requestId).toBe(WARM_ID);
    expect(log.lines).toEqual(lines(warm).slice(2));
    expect(log.observations.map((o) => o.name)).toEqual([
      'handler.start',
      'db.query.done',
      'handler.end',
      'response.posted',
    ]);
    expect(log.report?.durationMs).toBe(4.01);
    expect(log.complete).toBe(false);
    expect(log.source).toBe('tail');
  });

  it('keeps a tail whose first line is whole', () => {
    const text = coldThenWarm(true);
    const warm = text.slice(text.indexOf(`START RequestId: ${WARM_ID}`));
    const log = parseInvocationLog(warm, { source: 'tail' });
    expect(log.lines).toEqual(lines(warm));
    expect(log.complete).toBe(true);
  });

  it('is incomplete without REPORT, keeping the lines up to the end of the text', () => {
    const text = startLine(COLD_ID) + invocationLines(COLD_ID, 1795249099465.491, false, true);
    const log = parseInvocationLog(text);
    expect(log.requestId).toBe(COLD_ID);
    expect(log.lines).toEqual(lines(text));
    expect(log.report).toBeUndefined();
    expect(log.complete).toBe(false);
  });

  it('is incomplete without END', () => {
    const text = coldThenWarm(true).replace(`END RequestId: ${COLD_ID}\n`, '');
    const log = parseInvocationLog(text);
    expect(log.report).toEqual(COLD_REPORT);
    expect(log.complete).toBe(false);
  });

  it('separates two interleaved requests; id-less lines go where only one request runs', () => {
    const a = 'aaaaaaaa-0000-4000-8000-000000000001';
    const b = 'bbbbbbbb-0000-4000-8000-000000000002';
    const report = (requestId: string) =>
      reportLine({ requestId, durationMs: 3, memorySizeMb: 128, maxMemoryUsedMb: 60 });
    const text = [
      startLine(a),
      mark(a, 'runtime', 'event.received', 1000.5),
      startLine(b),
      mark(b, 'runtime', 'event.received', 1000.75),
      'bare stdout while both run\n',
      consoleLine(a, 'from a'),
      consoleLine(b, 'from b'),
      mark(a, 'runtime', 'response.posted', 1002.5),
      endLine(a),
      report(a),
      'bare stdout while only b runs\n',
      mark(b, 'runtime', 'response.posted', 1003.25),
      endLine(b),
      report(b),
    ].join('');
    const logA = parseInvocationLog(text, { requestId: a });
    expect(logA.lines).toEqual([
      `START RequestId: ${a} Version: $LATEST`,
      `[lambdash]\t1000.500\t${a}\truntime\tevent.received`,
      `2026-11-21T08:18:19.466Z\t${a}\tINFO\tfrom a`,
      `[lambdash]\t1002.500\t${a}\truntime\tresponse.posted`,
      `END RequestId: ${a}`,
      lines(report(a))[0],
    ]);
    expect(logA.complete).toBe(true);
    const logB = parseInvocationLog(text, { requestId: b });
    expect(logB.lines).toEqual([
      `START RequestId: ${b} Version: $LATEST`,
      `[lambdash]\t1000.750\t${b}\truntime\tevent.received`,
      `2026-11-21T08:18:19.466Z\t${b}\tINFO\tfrom b`,
      'bare stdout while only b runs',
      `[lambdash]\t1003.250\t${b}\truntime\tresponse.posted`,
      `END RequestId: ${b}`,
      lines(report(b))[0],
    ]);
    expect(logB.observations.map((o) => o.time)).toEqual([1000.75, 1003.25]);
  });

  it('reads a user mark whose name has spaces, and REPORT fields separated by spaces', () => {
    const text =
      `START RequestId: r1 Version: 3\n${mark('r1', 'user', 'cache miss: users', 5.125)}` +
      'END RequestId: r1\n' +
      'REPORT RequestId: r1 Duration: 12.50 ms Billed Duration: 13 ms Memory Size: 256 MB Max Memory Used: 70 MB Init Duration: 99.99 ms\n';
    const log = parseInvocationLog(text);
    expect(log.observations).toEqual([
      { time: 5.125, requestId: 'r1', kind: 'user', name: 'cache miss: users' },
    ]);
    expect(log.report).toEqual({
      requestId: 'r1',
      durationMs: 12.5,
      billedDurationMs: 13,
      memorySizeMb: 256,
      maxMemoryUsedMb: 70,
      initDurationMs: 99.99,
    });
  });

  it('returns an empty request for text without any request', () => {
    const log = parseInvocationLog(`${initLines(false, true)}plain output\n`);
    expect(log.requestId).toBe('');
    expect(log.lines).toHaveLength(3);
    expect(log.observations.map((o) => o.name)).toEqual(['init.start', 'handler.loaded']);
    expect(log.report).toBeUndefined();
    expect(log.complete).toBe(false);
  });

  it('finds nothing of a request id the text does not hold', () => {
    const log = parseInvocationLog(coldThenWarm(true), { requestId: 'missing' });
    expect(log.lines).toEqual([]);
    expect(log.observations).toEqual([]);
    expect(log.report).toBeUndefined();
    expect(log.complete).toBe(false);
  });
});

describe('parseInvocationLog: JSON format, one line per mark (older images)', () => {
  const platform = (type: string, record: object) =>
    `${JSON.stringify({ time: '2026-11-21T08:18:19.465Z', type, record })}\n`;
  const text =
    platform('platform.initStart', { initializationType: 'on-demand', phase: 'init' }) +
    initLines(true, true) +
    platform('platform.start', { requestId: COLD_ID, version: '$LATEST' }) +
    invocationLines(COLD_ID, 1795249099465.491, true, true) +
    platform('platform.runtimeDone', { requestId: COLD_ID, status: 'success' }) +
    platform('platform.report', {
      requestId: COLD_ID,
      metrics: {
        durationMs: 4.2,
        billedDurationMs: 5,
        memorySizeMB: 128,
        maxMemoryUsedMB: 60,
        initDurationMs: 150.53,
      },
      status: 'success',
    }) +
    platform('platform.start', { requestId: WARM_ID, version: '$LATEST' }) +
    invocationLines(WARM_ID, 1795249100000.25, true, true) +
    platform('platform.runtimeDone', { requestId: WARM_ID, status: 'success' }) +
    platform('platform.report', {
      requestId: WARM_ID,
      metrics: { durationMs: 4.01, billedDurationMs: 5, memorySizeMB: 128, maxMemoryUsedMB: 61 },
      status: 'success',
    });

  it('reads platform records, JSON marks and JSON console lines', () => {
    const log = parseInvocationLog(text);
    expect(log.requestId).toBe(COLD_ID);
    expect(log.lines).toEqual(lines(text).slice(0, 12));
    expect(log.report).toEqual(COLD_REPORT);
    expect(log.complete).toBe(true);
    expect(log.observations).toEqual(COLD_OBSERVATIONS);
  });

  it('reads the warm request by id, its JSON console line included', () => {
    const log = parseInvocationLog(text, { requestId: WARM_ID });
    expect(log.lines).toEqual(lines(text).slice(12));
    expect(JSON.parse(log.lines[3] as string)).toEqual({
      timestamp: '2026-11-21T08:18:19.466Z',
      level: 'INFO',
      requestId: WARM_ID,
      message: 'querying',
    });
    expect(log.report?.initDurationMs).toBeUndefined();
    expect(log.report?.maxMemoryUsedMb).toBe(61);
    expect(log.complete).toBe(true);
  });

  it('drops a tail cut inside a JSON line', () => {
    const warm = text.slice(
      text.indexOf(
        `{"time":"2026-11-21T08:18:19.465Z","type":"platform.start","record":{"requestId":"${WARM_ID}"`,
      ),
    );
    const log = parseInvocationLog(warm.slice(30), { source: 'tail' });
    expect(log.requestId).toBe(WARM_ID);
    expect(log.lines).toEqual(lines(warm).slice(1));
    expect(log.complete).toBe(false);
  });
});

describe('parseInvocationLog: one line of marks per phase', () => {
  const platform = (type: string, record: object) =>
    `${JSON.stringify({ time: '2026-11-21T08:18:19.465Z', type, record })}\n`;
  const jsonText = (): string =>
    platform('platform.initStart', { initializationType: 'on-demand', phase: 'init' }) +
    initLines(true) +
    platform('platform.start', { requestId: COLD_ID, version: '$LATEST' }) +
    invocationLines(COLD_ID, 1795249099465.491, true) +
    platform('platform.runtimeDone', { requestId: COLD_ID, status: 'success' }) +
    platform('platform.report', {
      requestId: COLD_ID,
      metrics: {
        durationMs: 4.2,
        billedDurationMs: 5,
        memorySizeMB: 128,
        maxMemoryUsedMB: 60,
        initDurationMs: 150.53,
      },
      status: 'success',
    });

  it.each([
    { format: 'text', text: () => coldThenWarm() },
    { format: 'JSON', text: jsonText },
  ])('reads every mark of the line, at its own time ($format)', ({ text }) => {
    const log = parseInvocationLog(text());
    expect(log.requestId).toBe(COLD_ID);
    expect(log.observations).toEqual(COLD_OBSERVATIONS);
    expect(log.report).toEqual(COLD_REPORT);
    expect(log.complete).toBe(true);
  });

  it('writes the documented text line: request id, base time, then offset, kind and name', () => {
    expect(lines(invocationLines('r', 1000.5)).at(-1)).toBe(
      '[lambdash]\tmarks\tr\t1000.500\t0.000 runtime event.received\t0.294 runtime handler.start' +
        '\t0.611 user db.query.done\t1.137 runtime handler.end\t3.779 runtime response.posted',
    );
  });

  it('keeps the marks of a warm request and none of the cold one before it', () => {
    const log = parseInvocationLog(coldThenWarm(), { requestId: WARM_ID });
    // START, the handler's line, the marks, END and REPORT.
    expect(log.lines).toHaveLength(5);
    expect(log.observations.map((o) => [o.requestId, o.kind, o.name])).toEqual([
      [WARM_ID, 'runtime', 'event.received'],
      [WARM_ID, 'runtime', 'handler.start'],
      [WARM_ID, 'user', 'db.query.done'],
      [WARM_ID, 'runtime', 'handler.end'],
      [WARM_ID, 'runtime', 'response.posted'],
    ]);
    expect(log.observations[0]?.time).toBe(1795249100000.25);
  });

  it('reads a user mark whose name has spaces, and marks in the order written', () => {
    const text =
      startLine('r1') +
      marksLine('r1', [
        ['runtime', 'handler.start', 5],
        ['user', 'cache miss: users 2', 5.125],
        // A module load is noticed after the fact: earlier than the mark before it.
        ['runtime', 'module.load lib/a b.js', 4.5],
      ]) +
      endLine('r1');
    expect(parseInvocationLog(text).observations).toEqual([
      { time: 5, requestId: 'r1', kind: 'runtime', name: 'handler.start' },
      { time: 5.125, requestId: 'r1', kind: 'user', name: 'cache miss: users 2' },
      { time: 4.5, requestId: 'r1', kind: 'runtime', name: 'module.load lib/a b.js' },
    ]);
  });

  it('drops the line of marks when the tail cut it', () => {
    const text = coldThenWarm();
    const warm = text.slice(text.indexOf(`START RequestId: ${WARM_ID}`));
    const marksAt = warm.indexOf('[lambdash]');
    const log = parseInvocationLog(warm.slice(marksAt + 5), { source: 'tail' });
    expect(log.requestId).toBe(WARM_ID);
    expect(log.observations).toEqual([]);
    expect(log.report?.durationMs).toBe(4.01);
  });
});
