import { afterEach, describe, expect, it, vi } from 'vitest';
import { observe } from '../../../runtime/index.js';
import { currentRequest } from '../../../runtime/logging.js';
import {
  createObserver,
  formatMarks,
  type Mark,
  OBSERVER_KEY,
  observeEnabled,
  preciseNow,
} from '../../../runtime/observe.js';

const TEXT = { json: false, minLevel: 0 };
const JSON_FORMAT = { json: true, minLevel: 0 };
const TIME = 1767323045678.125;
const NOW = Date.parse('2026-01-02T03:04:05.900Z');
const globals = globalThis as Record<symbol, unknown>;
const MARKS: Mark[] = [
  { time: TIME, kind: 'runtime', name: 'handler.start' },
  { time: TIME + 1.5, kind: 'user', name: 'db done' },
  // Noticed after the fact: earlier than the mark before it, and the line's base.
  { time: TIME - 0.25, kind: 'runtime', name: 'module.load zlib' },
];

afterEach(() => {
  currentRequest.id = '';
  delete globals[OBSERVER_KEY];
  vi.restoreAllMocks();
});

describe('formatMarks', () => {
  it('text: request id, base time, then offset, kind and name per mark', () => {
    expect(formatMarks(TEXT, 'req-1', MARKS, NOW)).toBe(
      '[lambdash]\tmarks\treq-1\t1767323045677.875\t0.250 runtime handler.start' +
        '\t1.750 user db done\t0.000 runtime module.load zlib\n',
    );
  });

  it('text: "-" for init', () => {
    expect(formatMarks(TEXT, '', MARKS.slice(0, 1), NOW)).toMatch(/^\[lambdash\]\tmarks\t-\t/);
  });

  it('JSON: one object with a level, the base time and [offset, kind, name] per mark', () => {
    expect(formatMarks(JSON_FORMAT, 'req-1', MARKS, NOW)).toBe(
      '{"timestamp":"2026-01-02T03:04:05.900Z","level":"INFO","requestId":"req-1",' +
        '"type":"lambdash.marks","time":1767323045677.875,"marks":[[0.25,"runtime","handler.start"],' +
        '[1.75,"user","db done"],[0,"runtime","module.load zlib"]]}\n',
    );
  });

  it('JSON: no requestId for init, as console lines', () => {
    expect(JSON.parse(formatMarks(JSON_FORMAT, '', MARKS, NOW))).not.toHaveProperty('requestId');
  });
});

describe('observeEnabled', () => {
  it.each([
    [{}, 0, true],
    [{ LAMBDASH_OBSERVE: '1' }, 0, true],
    [{ LAMBDASH_OBSERVE: '0' }, 0, false],
    [{ LAMBDASH_OBSERVE: 'off' }, 0, false],
    [{ LAMBDASH_OBSERVE: 'FALSE' }, 0, false],
    // The line is at INFO (index 2): DEBUG and INFO keep it, WARN drops it.
    [{}, 1, true],
    [{}, 2, true],
    [{}, 3, false],
  ] as const)('%j at level %i: %s', (env, minLevel, expected) => {
    expect(observeEnabled({ json: false, minLevel }, env)).toBe(expected);
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
  it('writes nothing until flushed, then every mark taken as one line, once', () => {
    const lines: string[] = [];
    const observer = createObserver(TEXT, (line) => lines.push(line));
    currentRequest.id = 'req-9';
    observer('runtime', 'event.received');
    observer.hold('handler.start');
    observe('db\tdone\r\n');
    observer.hold('module.load lib/a.js', 5);
    expect(lines).toEqual([]);
    observer.flush();
    observer.flush();
    expect(lines).toHaveLength(1);
    const fields = lines[0]!.trimEnd().split('\t');
    expect(fields.slice(0, 3)).toEqual(['[lambdash]', 'marks', 'req-9']);
    expect(fields.slice(4).map((field) => field.replace(/^[\d.]+ /, ''))).toEqual([
      'runtime event.received',
      'runtime handler.start',
      // Tabs and newlines would cut the line's fields: they become single spaces.
      'user db done ',
      'runtime module.load lib/a.js',
    ]);
    // The base is the earliest mark, the module load given its own time.
    expect(fields[3]).toBe('5.000');
  });

  it('the global turns any value into text', () => {
    const lines: string[] = [];
    const observer = createObserver(JSON_FORMAT, (line) => lines.push(line));
    (globals[OBSERVER_KEY] as (name: unknown) => void)(42);
    observer.flush();
    expect(JSON.parse(lines[0]!).marks).toEqual([[0, 'user', '42']]);
  });

  it('disabled: takes nothing, and the global swallows user marks', () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const observer = createObserver(TEXT, (line) => lines.push(line), false);
    observer('runtime', 'event.received');
    observe('db.done');
    observer.flush();
    expect(lines).toEqual([]);
    expect(write).not.toHaveBeenCalled();
  });

  it('outside the runtime, observe() writes a line of its own to stdout', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    observe('outside');
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]![0])).toMatch(
      /^\[lambdash\]\tmarks\t-\t\d+\.\d{3}\t0\.000 user outside\n$/,
    );
  });

  it('outside the runtime, observe() obeys the switch', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('LAMBDASH_OBSERVE', '0');
    try {
      observe('outside');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(write).not.toHaveBeenCalled();
  });
});

describe('runtime marks', () => {
  it('are taken as they are, without the cleaning user names get (one regex less per mark)', () => {
    const lines: string[] = [];
    const observer = createObserver(TEXT, (line) => lines.push(line));
    const replace = vi.spyOn(String.prototype, 'replace');
    observer.hold('handler.start');
    observer('runtime', 'handler.end');
    expect(replace).not.toHaveBeenCalled();
    replace.mockRestore();
    observer.flush();
    expect(lines[0]).toMatch(/\t[\d.]+ runtime handler\.start\t[\d.]+ runtime handler\.end\n$/);
  });
});
