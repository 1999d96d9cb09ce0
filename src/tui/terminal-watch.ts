// The app's terminal can vanish under it: a closed window, a killed tmux server, an ssh link
// that drops. Then reading the keyboard ends (EOF) or fails (EIO), and every frame written
// fails (EIO, EPIPE). Those failures arrive as 'error' events on the standard streams; unheard,
// each became an uncaught exception, whose handler wrote the crash to stderr, which failed
// again: a loop of process.nextTick that never let the app exit (seen at 60-90% CPU for hours).
// Here they are heard, once, as "the terminal is gone", and later ones are swallowed.

export interface TerminalStreams {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface TerminalWatch {
  /** Whether the terminal went away: nothing should be written to it any more. */
  readonly gone: boolean;
  /** Stops listening; once the terminal is gone, its late write errors stay swallowed. */
  stop(): void;
}

/** Calls `onGone` (once) when the terminal goes away. */
export function watchTerminal(streams: TerminalStreams, onGone: () => void): TerminalWatch {
  let gone = false;
  const lost = () => {
    if (gone) return;
    gone = true;
    onGone();
  };
  const heard: [NodeJS.EventEmitter, string][] = [
    [streams.stdin, 'end'],
    [streams.stdin, 'close'],
    [streams.stdin, 'error'],
    [streams.stdout, 'error'],
    [streams.stderr, 'error'],
  ];
  for (const [stream, event] of heard) stream.on(event, lost);
  return {
    get gone() {
      return gone;
    },
    stop() {
      for (const [stream, event] of heard) {
        if (!(gone && event === 'error')) stream.off(event, lost);
      }
    },
  };
}
