// How failures are told: message and hint, a function's stack, the JSON document, and a bug's
// own stack.
import { describe, expect, it } from 'vitest';
import { reportError } from '../../../src/cli/report-error.js';
import { LambdashError } from '../../../src/core/common/errors.js';
import { InvocationError } from '../../../src/core/lambda/invocation-error.js';

describe('reportError', () => {
  it('says the message and the hint, with the exit code of its kind', () => {
    const report = reportError(
      new LambdashError('IMAGE_NOT_FOUND', 'There is no image x.', 'Build it.'),
    );
    expect(report).toEqual({
      lines: ['error: There is no image x.', 'hint: Build it.'],
      json: {
        error: { code: 'IMAGE_NOT_FOUND', message: 'There is no image x.', hint: 'Build it.' },
      },
      exitCode: 3,
    });
  });

  it('shows control characters escaped on stderr, keeping its own line breaks; JSON keeps the text', () => {
    const message = 'Build failed:\n\u001b[31mred\u001b[0m\r\u009b2J';
    const report = reportError(new LambdashError('BUILD_FAILED', message, 'Look\u0007 here.'));
    expect(report.lines).toEqual([
      'error: Build failed:\n\\x1b[31mred\\x1b[0m\\r\\x9b2J',
      'hint: Look\\x07 here.',
    ]);
    expect(report.json.error.message).toBe(message);
  });

  it("adds a function's stack, and its error type and message to the JSON", () => {
    const error = new InvocationError({
      functionName: 'hello',
      errorType: 'TypeError',
      errorMessage: 'bad',
      stackTrace: ['TypeError: bad', '    at handler (/var/task/index.js:3:9)'],
    });
    const report = reportError(error);
    expect(report.lines.slice(0, 3)).toEqual([
      'error: hello failed: TypeError: bad',
      '    TypeError: bad',
      '    at handler (/var/task/index.js:3:9)',
    ]);
    expect(report.json.error).toMatchObject({
      code: 'FUNCTION_ERROR',
      errorType: 'TypeError',
      errorMessage: 'bad',
      stackTrace: ['TypeError: bad', '    at handler (/var/task/index.js:3:9)'],
    });
    expect(report.exitCode).toBe(5);
  });

  it('shows the cause with verbose', () => {
    const cause = new Error('socket hang up');
    const report = reportError(
      new LambdashError('AWS_FAILED', 'ECR failed.', undefined, { cause }),
      {
        verbose: true,
      },
    );
    expect(report.lines[0]).toBe('error: ECR failed.');
    expect(report.lines[1]).toMatch(/^cause: Error: socket hang up\n {4}at /);
  });

  it("reports anything else as lambdash's bug, with its stack", () => {
    const report = reportError(new TypeError('x is undefined'));
    expect(report.lines[0]).toBe('error: x is undefined');
    expect(report.lines[1]).toMatch(/^ {4}at /);
    expect(report.lines.at(-1)).toBe(
      'hint: This is a bug in lambdash: please report it with the lines above.',
    );
    expect(report.json).toEqual({ error: { code: 'INTERNAL', message: 'x is undefined' } });
    expect(report.exitCode).toBe(1);
  });
});
