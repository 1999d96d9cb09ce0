// The context's deadline signal on a fake clock: it aborts at the deadline while the
// invocation runs, and its timer is gone once the invocation is answered (one timer left per
// invocation would pile up to thousands at a steady rate).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createContext,
  type LambdaContext,
  releaseDeadline,
  unrefDeadline,
} from '../../../runtime/context.js';

const identity = {
  functionName: 'f',
  functionVersion: '$LATEST',
  memoryLimitInMB: '128',
  logGroupName: '/aws/lambda/f',
  logStreamName: 's',
};

function contextWithDeadlineIn(ms: number): LambdaContext {
  return createContext(identity, {
    requestId: 'req-1',
    body: Buffer.from('{}'),
    headers: { 'lambda-runtime-deadline-ms': String(Date.now() + ms) },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('context.signal', () => {
  it('aborts at the deadline with a TimeoutError while the invocation runs', () => {
    const context = contextWithDeadlineIn(1000);
    const { signal } = context;
    vi.advanceTimersByTime(999);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('costs no timer until a handler reads it', () => {
    contextWithDeadlineIn(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind once the invocation is answered, and then never aborts', () => {
    const context = contextWithDeadlineIn(1000);
    const { signal } = context;
    expect(vi.getTimerCount()).toBe(1);
    releaseDeadline(context);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(signal.aborted).toBe(false);
  });

  it('read for the first time after the answer: no timer, never aborts', () => {
    const context = contextWithDeadlineIn(1000);
    releaseDeadline(context);
    const { signal } = context;
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(signal.aborted).toBe(false);
  });

  it('still aborts at the deadline while a callback waits for the event loop (unref only)', () => {
    const context = contextWithDeadlineIn(1000);
    const { signal } = context;
    unrefDeadline(context);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(signal.aborted).toBe(true);
  });
});
