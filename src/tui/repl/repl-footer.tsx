// The REPL's footer: the keys of what has the keyboard (a list, the save prompt, the editor),
// from the `repl` and `replList` key tables (view-keys.ts), overrides included.
import { Footer, type FooterHint } from '../footer.js';
import { useViewBindings } from '../use-view-keys.js';
import { viewFooterHints } from '../view-keys.js';
import type { Mode } from './repl-state.js';

export interface ReplFooterProps {
  readonly mode: Mode;
  /** An invocation is in flight (Esc cancels it rather than closing). */
  readonly running: boolean;
  readonly width: number;
}

/** The save prompt is a text field of its own (TextInput): its two keys are its own. */
const NAME_HINTS: readonly FooterHint[] = [
  { key: 'Enter', label: 'save' },
  { key: 'Esc', label: 'cancel' },
];

export function ReplFooter({ mode, running, width }: ReplFooterProps) {
  const editKeys = useViewBindings('repl');
  const listKeys = useViewBindings('replList');
  const hints =
    mode.kind === 'pick'
      ? viewFooterHints(listKeys, { list: mode.list })
      : mode.kind === 'name'
        ? NAME_HINTS
        : viewFooterHints(editKeys, { running });
  return <Footer hints={hints} width={width} />;
}
