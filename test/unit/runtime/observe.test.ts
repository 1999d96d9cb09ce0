import { afterEach, describe, expect, it, vi } from 'vitest';
import { observe } from '../../../runtime/index.js';
import { currentRequest } from '../../../runtime/logging.js';
import {
  createObserver,
  formatObservation,
  OBSERVER_KEY,
  preciseNow,
} from '../../../runtime/observe.js';

const TEXT = { json: false, minLevel: 0 };
const JSON_FORMAT = { json: true, minLevel: 0 };
const TIME = 1767323045678.125;
const globals = globalThis as Record<symbol, unknown>;

afterEach(() => {
  currentRequest.id = '';
  delete globals[OBSERVER_KEY];
  vi.restoreAllMocks();
});

describe('formatObservation', () => {
  it.each([
    [
      'req-1',
      'runtime',
      'handler.start',
      `[lambdash]\t1767323045678.125\treq-1\truntime\thandler.start\n`,
    ],
    ['', 'runtime', 'init.start', `[lambdash]\t1767323045678.125\t-\truntime\tinit.start\n`],
    // Tabs and newlines would break the line's fields: they become single spaces.
    [
      'req-2',
      'user',
      'db\tquery\r\n\ndone',
      `[lambdash]\t1767323045678.125\treq-2\tuser\tdb query done\n`,
    ],
  ] as const)('text: %s %s %j', (requestId, kind, name, expected) => {
    currentRequest.id = requestId;
    expect(formatObservation(TEXT, kind, name, TIME)).toBe(expected);
  });

  it('JSON: one object with the ISO timestamp and the unix milliseconds', () => {
    currentRequest.id = 'req-1';
    expect(formatObservation(JSON_FORMAT, 'user', 'cache\nhit', TIME)).toBe(
      '{"timestamp":"2026-01-02T03:04:05.678Z","type":"lambdash.observe","time":1767323045678.125,' +
        '"requestId":"req-1","kind":"user","name":"cache hit"}\n',
    );
  });

  it('JSON: "-" before the first invocation', () => {
    expect(JSON.parse(formatObservation(JSON_FORMAT, 'runtime', 'init.start', TIME))).toMatchObject(
      {
        requestId: '-',
      },
    );
  });
});

describe('preciseNow', () => {
  it('is wall-clock time in milliseconds with a fraction', () => {
    const before = Date.now();
    const now = preciseNow();
    // Within a second of Date.now(): the runtime's clock is not a separate epoch.
    expect(Math.abs(now - before)).toBeLessThan(1000);
  });
});

describe('createObserver and the public observe()', () => {
  it('writes runtime marks and installs the global that observe() uses', () => {
    const lines: string[] = [];
    const observer = createObserver(TEXT, (line) => lines.push(line));
    currentRequest.id = 'req-9';
    observer('runtime', 'event.received');
    observe('db.done');
    expect(lines.map((line) => line.split('\t').slice(2).join('\t'))).toEqual([
      'req-9\truntime\tevent.received\n',
      'req-9\tuser\tdb.done\n',
    ]);
  });

  it('the global turns any value into text', () => {
    const lines: string[] = [];
    createObserver(JSON_FORMAT, (line) => lines.push(line));
    (globals[OBSERVER_KEY] as (name: unknown) => void)(42);
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'user', name: '42' });
  });

  it('outside the runtime, observe() writes the line to stdout itself', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    observe('outside');
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]![0])).toMatch(
      /^\[lambdash\]\t\d+\.\d{3}\t-\tuser\toutside\n$/,
    );
  });
});

describe('runtime marks', () => {
  it('are written as they are, without the cleaning user names get (one regex less per mark)', () => {
    const lines: string[] = [];
    const observer = createObserver(TEXT, (line) => lines.push(line));
    currentRequest.id = 'req-3';
    const replace = vi.spyOn(String.prototype, 'replace');
    observer.hold('handler.start');
    observer('runtime', 'handler.end');
    expect(replace).not.toHaveBeenCalled();
    replace.mockRestore();
    expect(lines.map((line) => line.split('\t').slice(2).join('\t'))).toEqual([
      'req-3\truntime\thandler.start\n',
      'req-3\truntime\thandler.end\n',
    ]);
  });
});
