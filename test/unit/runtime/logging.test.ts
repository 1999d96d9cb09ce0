import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  currentRequest,
  formatLogLine,
  type LogSettings,
  logError,
  logSettingsFromEnv,
  patchConsole,
} from '../../../runtime/logging.js';

const TEXT: LogSettings = { json: false, minLevel: 0 };
const JSON_FORMAT: LogSettings = { json: true, minLevel: 0 };
const NOW = '2026-01-02T03:04:05.678Z';

const saved = { ...console };
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  currentRequest.id = 'req-1';
});
afterEach(() => {
  vi.useRealTimers();
  currentRequest.id = '';
  Object.assign(console, saved);
});

describe('logSettingsFromEnv', () => {
  it.each([
    [{}, { json: false, minLevel: 0 }],
    [{ AWS_LAMBDA_LOG_FORMAT: 'JSON' }, { json: true, minLevel: 0 }],
    [{ AWS_LAMBDA_LOG_FORMAT: 'json' }, { json: true, minLevel: 0 }],
    [{ AWS_LAMBDA_LOG_FORMAT: 'Text' }, { json: false, minLevel: 0 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'TRACE' }, { json: false, minLevel: 0 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'debug' }, { json: false, minLevel: 1 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'INFO' }, { json: false, minLevel: 2 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'Warn' }, { json: false, minLevel: 3 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, { json: false, minLevel: 4 }],
    [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, { json: false, minLevel: 5 }],
    // Anything else keeps every line.
    [{ AWS_LAMBDA_LOG_LEVEL: 'verbose' }, { json: false, minLevel: 0 }],
  ])('%o → %o', (env, expected) => {
    expect(logSettingsFromEnv(env)).toEqual(expected);
  });
});

describe('formatLogLine, text', () => {
  it.each<[unknown[], string]>([
    [['hello %s', 'world', 42], 'hello world 42'],
    [[{ a: [1, 2] }], '{ a: [ 1, 2 ] }'],
    [[], ''],
    // Newlines become carriage returns: one call stays one log event.
    [['one\ntwo\r\nthree'], 'one\rtwo\r\rthree'],
  ])('%o → %j', (args, message) => {
    expect(formatLogLine(TEXT, 'INFO', args)).toBe(`${NOW}\treq-1\tINFO\t${message}\n`);
  });

  it('keeps an error and its stack on one line', () => {
    const line = formatLogLine(TEXT, 'ERROR', [new TypeError('bad')]);
    expect(line).toMatch(/^2026-01-02T03:04:05\.678Z\treq-1\tERROR\tTypeError: bad\r {4}at /);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('prints the request id as "undefined" outside an invocation', () => {
    currentRequest.id = '';
    expect(formatLogLine(TEXT, 'WARN', ['x'])).toBe(`${NOW}\tundefined\tWARN\tx\n`);
  });
});

describe('formatLogLine, JSON', () => {
  const parse = (level: Parameters<typeof formatLogLine>[1], args: unknown[]) => {
    const line = formatLogLine(JSON_FORMAT, level, args);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    return JSON.parse(line) as Record<string, unknown>;
  };
  const base = { timestamp: NOW, level: 'INFO', requestId: 'req-1' };

  it.each<[string, unknown[], unknown]>([
    ['a string', ['plain text'], 'plain text'],
    ['an object, as an object', [{ a: { b: [1, null] } }], { a: { b: [1, null] } }],
    ['an array, as an array', [[1, 'two']], [1, 'two']],
    ['a number, as a number', [42], 42],
    ['several arguments, formatted', ['%s=%d', 'n', 7, 'more'], 'n=7 more'],
    ['a multi-line string, unchanged', ['a\nb'], 'a\nb'],
  ])('%s', (_name, args, message) => {
    expect(parse('INFO', args)).toEqual({ ...base, message });
  });

  it('an Error alone becomes the message, with type, message, stack and its own fields', () => {
    const error = Object.assign(new RangeError('out of range'), { code: 'E_RANGE' });
    expect(parse('ERROR', [error])).toEqual({
      ...base,
      level: 'ERROR',
      message: {
        errorType: 'RangeError',
        errorMessage: 'out of range',
        stackTrace: error.stack!.split('\n'),
        code: 'E_RANGE',
      },
    });
  });

  it('an Error among several arguments adds its fields beside the formatted message', () => {
    const error = new TypeError('nope');
    expect(parse('ERROR', ['failed:', error, 'later', new Error('second')])).toEqual({
      ...base,
      level: 'ERROR',
      message: expect.stringMatching(
        /^failed: TypeError: nope\n {4}at [\s\S]* later Error: second/,
      ),
      errorType: 'TypeError',
      errorMessage: 'nope',
      stackTrace: error.stack!.split('\n'),
    });
  });

  it.each<[string, unknown]>([
    [
      'a circular object',
      (() => {
        const loop: Record<string, unknown> = { name: 'loop' };
        loop.self = loop;
        return loop;
      })(),
    ],
    ['a BigInt', 10n],
  ])('%s that JSON cannot hold is logged in its text form', (_name, value) => {
    const record = parse('INFO', [value]);
    expect(record.message).toBe(
      typeof value === 'bigint' ? '10n' : "<ref *1> { name: 'loop', self: [Circular *1] }",
    );
  });

  it('leaves the request id out before the first invocation', () => {
    currentRequest.id = '';
    expect(parse('INFO', ['init'])).toEqual({ timestamp: NOW, level: 'INFO', message: 'init' });
  });
});

describe('patchConsole', () => {
  it.each([
    ['TRACE', ['TRACE', 'DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR', 'FATAL']],
    ['INFO', ['INFO', 'INFO', 'WARN', 'ERROR', 'FATAL']],
    ['WARN', ['WARN', 'ERROR', 'FATAL']],
    ['FATAL', ['FATAL']],
  ])('at %s writes only lines at or above it', (level, written) => {
    const lines: string[] = [];
    patchConsole(logSettingsFromEnv({ AWS_LAMBDA_LOG_LEVEL: level }), (line) => lines.push(line));
    console.trace('t');
    console.debug('d');
    console.info('i');
    console.log('l');
    console.warn('w');
    console.error('e');
    (console as unknown as { fatal: (m: string) => void }).fatal('f');
    expect(lines.map((line) => line.split('\t')[2])).toEqual(written);
  });
});

describe('logError', () => {
  const payload = { errorType: 'Error', errorMessage: 'boom', stackTrace: ['at x (y.js:1:2)'] };

  it('text: the label, a tab and the error JSON', () => {
    const lines: string[] = [];
    patchConsole(TEXT, (line) => lines.push(line));
    logError('Invoke Error', payload);
    expect(lines).toEqual([`${NOW}\treq-1\tERROR\tInvoke Error \t${JSON.stringify(payload)}\n`]);
  });

  it('JSON: the error object is the message', () => {
    const lines: string[] = [];
    patchConsole(JSON_FORMAT, (line) => lines.push(line));
    logError('Invoke Error', payload);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { timestamp: NOW, level: 'ERROR', requestId: 'req-1', message: payload },
    ]);
  });
});
