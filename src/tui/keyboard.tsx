// The one reader of the keyboard. Views do not listen to stdin themselves: ink attaches a
// listener in a passive effect, so between the render that opens a prompt and the effect that
// hands it the keyboard, the next keys (a paste, a slow link) would still reach the view
// behind it. Here one always-active ink listener splits what arrives into single presses,
// queues them, and hands out one press at a time to the view in front (the most recently
// activated `useKeys`). The next press goes out only after React committed what the previous
// one changed: the provider's own layout effect runs after its descendants' layout effects,
// where views take and give back the keyboard, so the view in front is always current.
// A text field may take the printable characters waiting in a row as one press: a paste is
// then one render, not one per character (no printable character moves the keyboard from a
// field). Ctrl-C skips the queue and goes to `useInterrupt`, so the app quits however busy.
import { type Key, useInput } from 'ink';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { isText, joinText, type KeyPress, splitPresses, type TextKind } from './key-press.js';

/** Presses kept while no view takes them (a view still loading); what floods past is dropped. */
export const MAX_WAITING_PRESSES = 65_536;
/** Presses handed out back to back before the event loop gets a turn (to draw, to read Ctrl-C). */
const PRESSES_PER_TURN = 64;

export interface KeyHandler {
  readonly take: (press: KeyPress) => void;
  /** Whether it takes waiting text as one press now, and what text. */
  readonly takesText: () => TextKind | undefined;
}

/** The queue and who takes the keys: plain state, outside React. */
export class Keyboard {
  private readonly queue: KeyPress[] = [];
  private readonly handlers = new Map<number, KeyHandler>();
  private readonly interrupts = new Map<number, () => void>();
  private order = 0;
  /** A press went out and React has not committed what it changed yet. */
  private awaitingCommit = false;
  private scheduled = false;
  private backToBack = 0;
  private closed = false;

  /** `dispatched` makes React commit (the provider bumps its state), then calls `committed`. */
  constructor(private readonly dispatched: () => void) {}

  /** What ink read: Ctrl-C at once, everything else in turn. */
  take(presses: readonly KeyPress[]): void {
    const interrupt = lastOf(this.interrupts);
    if (interrupt && presses.some((press) => press.name === 'ctrl+c')) {
      // Leaving: the keys still waiting were typed for a screen that is going away.
      this.queue.length = 0;
      interrupt();
      return;
    }
    // ink reads on a turn of its own: the event loop just had one.
    this.backToBack = 0;
    const room = MAX_WAITING_PRESSES - this.queue.length;
    this.queue.push(...presses.slice(0, Math.max(0, room)));
    this.next();
  }

  /** Keys go to `handler` while it is the most recently registered one; returns the undo. */
  register(handler: KeyHandler): () => void {
    const order = ++this.order;
    this.handlers.set(order, handler);
    // Keys may be waiting for a view to take them.
    if (this.queue.length) this.schedule();
    return () => this.handlers.delete(order);
  }

  /** Ctrl-C goes to `handler` while it is the most recently registered one. */
  registerInterrupt(handler: () => void): () => void {
    const order = ++this.order;
    this.interrupts.set(order, handler);
    return () => this.interrupts.delete(order);
  }

  /** React committed the last press's changes: the next one may go. */
  committed(): void {
    this.awaitingCommit = false;
    if (this.queue.length) this.schedule();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private next(): void {
    if (this.awaitingCommit || this.queue.length === 0) return;
    const handler = lastOf(this.handlers);
    if (!handler) return;
    const text = handler.takesText();
    const press = text ? this.shiftText(text) : this.queue.shift()!;
    this.awaitingCommit = true;
    try {
      handler.take(press);
    } finally {
      // After the handler: its state changes commit with (or before) this bump.
      this.dispatched();
    }
  }

  /** The text at the head of the queue, as one press (else the first press). */
  private shiftText(kind: TextKind): KeyPress {
    let end = 0;
    while (end < this.queue.length && isText(this.queue[end]!, kind)) end++;
    return end <= 1 ? this.queue.shift()! : joinText(this.queue.splice(0, end));
  }

  /**
   * The next press once React's commit is over, not from inside it: state set there would nest
   * renders, and a long paste would hit React's nested update limit. A burst goes on in
   * microtasks; a long paste lets the event loop in now and then, so frames are drawn and
   * Ctrl-C is read while it is typed.
   */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (!this.closed) this.next();
    };
    if (this.backToBack < PRESSES_PER_TURN) {
      this.backToBack++;
      queueMicrotask(run);
    } else {
      this.backToBack = 0;
      setImmediate(run);
    }
  }
}

function lastOf<T>(map: ReadonlyMap<number, T>): T | undefined {
  let last: T | undefined;
  for (const value of map.values()) last = value;
  return last;
}

const KeyboardContext = createContext<Keyboard | undefined>(undefined);

export function KeyboardProvider({ children }: { children: ReactNode }): ReactNode {
  const [turn, setTurn] = useState(0);
  const [keyboard] = useState(() => new Keyboard(() => setTurn((n) => n + 1)));
  const onInput = useCallback(
    (input: string, key: Key) => {
      // Key releases (kitty keyboard protocol) are not presses.
      if (key.eventType === 'release') return;
      keyboard.take(splitPresses(input, key));
    },
    [keyboard],
  );
  useInput(onInput);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per dispatched press
  useLayoutEffect(() => keyboard.committed(), [turn, keyboard]);
  useEffect(() => () => keyboard.close(), [keyboard]);
  return <KeyboardContext.Provider value={keyboard}>{children}</KeyboardContext.Provider>;
}

/** The app's keyboard; views use `useKeys` and `useInterrupt` rather than this. */
export function useKeyboard(): Keyboard {
  const keyboard = useContext(KeyboardContext);
  // A programming error, not something a user can cause or fix.
  if (!keyboard)
    throw new Error(
      'useKeys and useInterrupt need a <KeyboardProvider> (src/tui/keyboard.tsx) above them',
    );
  return keyboard;
}

/** Ctrl-C calls `handler` whatever view is in front and whatever keys are waiting. */
export function useInterrupt(handler: () => void): void {
  const keyboard = useKeyboard();
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useLayoutEffect(() => keyboard.registerInterrupt(() => latest.current()), [keyboard]);
}
