// The REPL's footer: the keys of what has the keyboard (a list, the save prompt, the editor).
import { Footer, type FooterHint } from '../footer.js';
import type { Mode } from './repl-state.js';

export interface ReplFooterProps {
  readonly mode: Mode;
  /** An invocation is in flight (Esc cancels it rather than closing). */
  readonly running: boolean;
  readonly width: number;
}

export function ReplFooter({ mode, running, width }: ReplFooterProps) {
  return <Footer hints={hintsFor(mode, running)} width={width} />;
}

function hintsFor(mode: Mode, running: boolean): FooterHint[] {
  if (mode.kind === 'pick') {
    return [
      { key: '↑↓', label: 'choose' },
      { key: 'Enter', label: mode.list === 'templates' ? 'insert' : 'load' },
      ...(mode.list === 'saved' ? [{ key: 'd', label: 'delete' }] : []),
      { key: 'Esc', label: 'back' },
    ];
  }
  if (mode.kind === 'name')
    return [
      { key: 'Enter', label: 'save' },
      { key: 'Esc', label: 'cancel' },
    ];
  return [
    { key: '^S/^D', label: 'send' },
    { key: 'Esc', label: running ? 'cancel' : 'close' },
    { key: '↑↓', label: 'history' },
    { key: '^N', label: 'templates' },
    { key: '^O', label: 'saved' },
    { key: '^W', label: 'save' },
    { key: '^T', label: 'target' },
    { key: '^F', label: 'format' },
    { key: '^G', label: 'go to error' },
    { key: 'PgUp/PgDn', label: 'response' },
  ];
}
