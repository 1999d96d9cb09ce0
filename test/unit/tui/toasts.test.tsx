import { render } from 'ink-testing-library';
import { useEffect } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import { errorToast, Toasts, useToasts } from '../../../src/tui/toasts.js';
import { settle, stripAnsi } from './services.js';

// Colours on (before ink loads chalk): a fading toast is dimmed.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

afterEach(() => {
  vi.useRealTimers();
});

function Harness({ onReady }: { onReady: (show: ReturnType<typeof useToasts>['show']) => void }) {
  const toasts = useToasts({ info: 3000, success: 3000, warning: 3000, error: 6000 });
  useEffect(() => {
    onReady(toasts.show);
  }, [onReady, toasts.show]);
  return <Toasts toasts={toasts.toasts} width={60} max={2} />;
}

describe('toasts', () => {
  it('show the newest two, dim in their last second, then go', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let show: ReturnType<typeof useToasts>['show'] = () => undefined;
    const { lastFrame } = render(<Harness onReady={(fn) => (show = fn)} />);
    await settle();
    show('info', 'Refreshing…');
    show('success', 'Built api');
    const error = new LambdashError('PUSH_FAILED', 'The push failed.', 'Log in again.');
    const { text, hint } = errorToast(error);
    show('error', text, hint, { kept: true });
    await settle();
    expect(stripAnsi(lastFrame()!).split('\n')).toEqual([
      '✔ Built api',
      '✖ The push failed. — Log in again. (e: details)',
    ]);
    const DIM = '\u001B[2m';
    expect(lastFrame()!.split('\n')[0]).not.toContain(DIM);
    await vi.advanceTimersByTimeAsync(2000);
    expect(lastFrame()!.split('\n')[0]).toContain(DIM);
    expect(lastFrame()!.split('\n')[1]).not.toContain(DIM);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stripAnsi(lastFrame()!)).toBe('✖ The push failed. — Log in again. (e: details)');
    await vi.advanceTimersByTimeAsync(3000);
    expect(lastFrame()).toBe('');
  });

  it('show control characters from user input escaped, on one line', async () => {
    let show: ReturnType<typeof useToasts>['show'] = () => undefined;
    const { lastFrame } = render(<Harness onReady={(fn) => (show = fn)} />);
    await settle();
    show('error', '"a\u001b[2Jb\nc" is bad.', 'Not\u0007 this.', { kept: true });
    await settle();
    // The colours ink adds are its own; the text's escape must not reach the terminal raw.
    expect(lastFrame()!).not.toContain('\u001b[2J');
    expect(stripAnsi(lastFrame()!)).toBe(
      '✖ "a\\x1b[2Jb\\nc" is bad. — Not\\x07 this. (e: details)',
    );
  });

  it('offer e only for an error the app kept', async () => {
    let show: ReturnType<typeof useToasts>['show'] = () => undefined;
    const { lastFrame } = render(<Harness onReady={(fn) => (show = fn)} />);
    await settle();
    show('error', 'Unknown command "deplyo".', 'Tab lists them.');
    show('warning', 'Refresh failed: the engine is down.', undefined, { kept: true });
    await settle();
    expect(stripAnsi(lastFrame()!).split('\n')).toEqual([
      '✖ Unknown command "deplyo". — Tab lists them.',
      '⚠ Refresh failed: the engine is down. (e: details)',
    ]);
  });
});
