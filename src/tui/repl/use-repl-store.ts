// The REPL's state as a small store. Keys of one chunk can arrive before React renders again,
// and an invocation's steps finish between renders: each change must see the state the
// previous one left, so the state is kept in a ref beside React's copy, and `read` gives it.
import { useRef, useState } from 'react';
import type { ReplState } from './repl-state.js';

export interface ReplStore {
  /** The state this render draws. */
  readonly state: ReplState;
  /** The state now, with every change made so far. */
  read(): ReplState;
  update(change: (s: ReplState) => ReplState): void;
}

export function useReplStore(initial: () => ReplState): ReplStore {
  const [state, setState] = useState<ReplState>(initial);
  const live = useRef(state);
  live.current = state;
  return {
    state,
    read: () => live.current,
    update: (change) => {
      live.current = change(live.current);
      setState(live.current);
    },
  };
}
