// The app's terminal can vanish under it: a closed window, a killed tmux server, an ssh link
// that drops. Then reading the keyboard ends (EOF) or fails (EIO), and every frame written
// fails (EIO, EPIPE). Those failures arrive as 'error' events on the standard streams; unheard,
// each became an uncaught exception, whose handler wrote the crash to stderr, which failed
// again: a loop of process.nextTick that never let the app exit (seen at 60-90% CPU for hours).
// Here they are heard, once, as "the terminal is gone", and later ones are swallowed. Other
// stream errors are not the terminal going: they are crashes, and the screen is restored.

export interface TerminalStreams {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface TerminalHandlers {
  /** The terminal went away (once): nothing should be written to it any more. */
  onGone(): void;
  /** A stream failed for another reason while the app runs: the app's crash path. */
  onError(error: unknown): void;
}

export interface TerminalWatch {
  /** Whether the terminal went away: nothing should be written to it any more. */
  readonly gone: boolean;
  /** The terminal hung up (SIGHUP): it is gone, even before a write fails. */
  hangUp(): void;
  /**
   * The app has ended: stops hearing the keyboard end. The streams' write errors stay heard,
   * and swallowed, until the process exits: the app's last frame and the screen's restore may
   * fail after this, with nothing left to report them to but those same streams.
   */
  stop(): void;
}

/** Errors that say the other end of the stream is gone, not that something went wrong here. */
const OTHER_END_GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF', 'ECONNRESET', 'ENOTCONN']);

/** Whether `error` says the terminal (the other end of a standard stream) has gone. */
export function isTerminalGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && OTHER_END_GONE.has(code);
}

/** Calls `onGone` (once) when the terminal goes away, `onError` on other stream errors. */
export function watchTerminal(streams: TerminalStreams, handlers: TerminalHandlers): TerminalWatch {
  let gone = false;
  let stopped = false;
  const lost = () => {
    if (gone) return;
    gone = true;
    if (!stopped) handlers.onGone();
  };
  const failed = (error: unknown) => {
    if (gone) return;
    if (isTerminalGone(error)) lost();
    else if (!stopped) handlers.onError(error);
  };
  const ended: [NodeJS.EventEmitter, string][] = [
    [streams.stdin, 'end'],
    [streams.stdin, 'close'],
  ];
  for (const [stream, event] of ended) stream.on(event, lost);
  // Never taken off: see stop().
  for (const stream of [streams.stdin, streams.stdout, streams.stderr]) stream.on('error', failed);
  return {
    get gone() {
      return gone;
    },
    hangUp: lost,
    stop() {
      stopped = true;
      for (const [stream, event] of ended) stream.off(event, lost);
    },
  };
}
