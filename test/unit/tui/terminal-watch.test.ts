import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isTerminalGone, watchTerminal } from '../../../src/tui/terminal-watch.js';

/** An output whose writes fail with `code`: EIO as a vanished pseudo-terminal's do. */
function failingOutput(code = 'EIO'): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error(`write ${code}`), { code }));
    },
  });
}

function terminal(stdout: Writable = new PassThrough(), stderr: Writable = new PassThrough()) {
  return { stdin: new PassThrough(), stdout, stderr };
}

/** Handlers that count what they hear. */
function counting() {
  const heard = { gone: 0, errors: [] as unknown[] };
  return {
    heard,
    handlers: {
      onGone: () => void heard.gone++,
      onError: (error: unknown) => void heard.errors.push(error),
    },
  };
}

/** Resolves once `stream` has been destroyed (its error, if any, emitted first). */
function closed(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

describe('watching the terminal', () => {
  it('hears the keyboard end, once', async () => {
    const streams = terminal();
    const { heard, handlers } = counting();
    const watch = watchTerminal(streams, handlers);
    expect(watch.gone).toBe(false);
    streams.stdin.resume();
    streams.stdin.end();
    await expect.poll(() => watch.gone).toBe(true);
    streams.stdin.emit('error', Object.assign(new Error('read EIO'), { code: 'EIO' }));
    expect(heard).toEqual({ gone: 1, errors: [] });
  });

  it('takes a failed write as the terminal gone, and keeps swallowing later failures', async () => {
    const streams = terminal(failingOutput(), failingOutput('EPIPE'));
    const { heard, handlers } = counting();
    const watch = watchTerminal(streams, handlers);
    streams.stdout.write('a frame');
    await expect.poll(() => watch.gone).toBe(true);
    watch.stop();
    // Unheard, this error would be an uncaught exception: the crash the app looped on.
    streams.stderr.write('lambdash crashed: …');
    await closed(streams.stderr);
    expect(heard).toEqual({ gone: 1, errors: [] });
  });

  it('takes a hangup as the terminal gone, and swallows the failed writes that follow the end', async () => {
    // SIGHUP comes before any write fails: the app ends, stops watching, then its last frame's
    // EIO arrives. The watch must still hear it, or it kills the process mid-close.
    const streams = terminal(failingOutput(), failingOutput());
    const { heard, handlers } = counting();
    const watch = watchTerminal(streams, handlers);
    watch.hangUp();
    expect(watch.gone).toBe(true);
    watch.stop();
    streams.stdout.write('the last frame');
    streams.stderr.write('a late warning');
    await Promise.all([closed(streams.stdout), closed(streams.stderr)]);
    expect(heard).toEqual({ gone: 1, errors: [] });
  });

  it('passes other stream errors on as crashes: the terminal is still there', async () => {
    const streams = terminal(failingOutput('ENOSPC'));
    const { heard, handlers } = counting();
    const watch = watchTerminal(streams, handlers);
    streams.stdout.write('a frame');
    await closed(streams.stdout);
    expect(watch.gone).toBe(false);
    expect(heard.gone).toBe(0);
    expect(heard.errors).toEqual([expect.objectContaining({ code: 'ENOSPC' })]);
  });

  it('stops hearing the keyboard when the app ends, but keeps hearing write errors', async () => {
    const streams = terminal(failingOutput('ENOSPC'));
    const { heard, handlers } = counting();
    const watch = watchTerminal(streams, handlers);
    watch.stop();
    expect(streams.stdin.listenerCount('end')).toBe(0);
    expect(streams.stdin.listenerCount('close')).toBe(0);
    // After the app there is nobody to report to but these streams: swallowed.
    streams.stdout.write('after the app');
    await closed(streams.stdout);
    expect(heard).toEqual({ gone: 0, errors: [] });
  });
});

describe('the errors that say the terminal is gone', () => {
  it('are those of an other end that went away', () => {
    for (const code of ['EIO', 'EPIPE', 'ENXIO', 'EBADF', 'ECONNRESET']) {
      expect(isTerminalGone(Object.assign(new Error(code), { code }))).toBe(true);
    }
    for (const error of [
      Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }),
      new Error('no code'),
      'a string',
      undefined,
    ]) {
      expect(isTerminalGone(error)).toBe(false);
    }
  });
});
