import { describe, expect, it } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import { functionErrorOf, InvocationError } from '../../../src/core/lambda/invocation-error.js';

describe('functionErrorOf', () => {
  it('reads Lambda’s error payload', () => {
    expect(
      functionErrorOf(
        'api',
        { errorType: 'TypeError', errorMessage: 'x is undefined', stackTrace: ['at a', 'at b'] },
        'Unhandled',
      ),
    ).toEqual({
      functionName: 'api',
      errorType: 'TypeError',
      errorMessage: 'x is undefined',
      stackTrace: ['at a', 'at b'],
    });
  });

  it('reads the emulator’s `trace` and falls back on the header and the raw body', () => {
    // AWS's Node.js shape: "Type: message" first, then the frames; the frames are kept.
    const trace = ['E: m', '    at handler (/var/task/index.mjs:3:9)'];
    expect(
      functionErrorOf('api', { errorType: 'E', errorMessage: 'm', trace }, 'Unhandled'),
    ).toMatchObject({ stackTrace: ['at handler (/var/task/index.mjs:3:9)'] });
    expect(functionErrorOf('api', 'boom', 'Unhandled')).toEqual({
      functionName: 'api',
      errorType: 'Unhandled',
      errorMessage: 'boom',
      stackTrace: [],
    });
    expect(functionErrorOf('api', { code: 3 }, 'Handled')).toMatchObject({
      errorType: 'Handled',
      errorMessage: '{"code":3}',
    });
  });
});

describe('InvocationError', () => {
  it('is a LambdashError with code FUNCTION_ERROR, the details and a hint for the kind of error', () => {
    const error = new InvocationError({
      functionName: 'api',
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 3.00 seconds',
      requestId: 'r-1',
    });
    expect(error).toBeInstanceOf(LambdashError);
    expect(error).toMatchObject({
      code: 'FUNCTION_ERROR',
      message: 'api failed: Sandbox.Timedout: Task timed out after 3.00 seconds',
      errorType: 'Sandbox.Timedout',
      stackTrace: [],
      log: undefined,
      requestId: 'r-1',
    });
    expect(error.hint).toContain('ran out of time');
    expect(
      new InvocationError({
        functionName: 'a',
        errorType: 'Runtime.ImportModuleError',
        errorMessage: '',
      }).hint,
    ).toContain('could not be loaded');
    expect(
      new InvocationError({ functionName: 'a', errorType: 'RangeError', errorMessage: '' }).hint,
    ).toBe('The handler threw: see the stack trace and the log.');
  });
});
