import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchTerminal } from '../../../src/tui/terminal-watch.js';

/** A terminal whose output fails as a vanished pseudo-terminal's does. */
function deadOutput(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error('write EIO'), { code: 'EIO' }));
    },
  });
}

function terminal(stdout: Writable = new PassThrough(), stderr: Writable = new PassThrough()) {
  return { stdin: new PassThrough(), stdout, stderr };
}

describe('watching the terminal', () => {
  it('hears the keyboard end, once', async () => {
    const streams = terminal();
    let calls = 0;
    const watch = watchTerminal(streams, () => calls++);
    expect(watch.gone).toBe(false);
    streams.stdin.resume();
    streams.stdin.end();
    await expect.poll(() => watch.gone).toBe(true);
    streams.stdin.emit('error', Object.assign(new Error('read EIO'), { code: 'EIO' }));
    expect(calls).toBe(1);
  });

  it('takes a failed write as the terminal gone, and keeps swallowing later failures', async () => {
    const streams = terminal(deadOutput(), deadOutput());
    let calls = 0;
    const watch = watchTerminal(streams, () => calls++);
    streams.stdout.write('a frame');
    await expect.poll(() => watch.gone).toBe(true);
    watch.stop();
    // Unheard, this error would be an uncaught exception: the crash the app looped on.
    streams.stderr.write('lambdash crashed: …');
    await new Promise((resolve) => streams.stderr.once('close', resolve));
    expect(calls).toBe(1);
  });

  it('stops listening when the app ended with its terminal', () => {
    const streams = terminal();
    const watch = watchTerminal(streams, () => undefined);
    watch.stop();
    expect(streams.stdin.listenerCount('end')).toBe(0);
    expect(streams.stdout.listenerCount('error')).toBe(0);
    expect(streams.stderr.listenerCount('error')).toBe(0);
  });
});
