// The footer: the keys valid now, straight from the key table (so it cannot offer a key that
// does nothing). When they do not all fit, the first ones stay and the help key keeps its place.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { textWidth } from './text-width.js';
import { color, useTheme } from './theme.js';

export interface FooterHint {
  readonly key: string;
  readonly label: string;
  /** The command's id in its table (`help`, `repl.help`). */
  readonly id?: string;
}

/** The lineage table's help, or another view's (`repl.help`). */
const isHelp = (hint: FooterHint) => hint.id === 'help' || !!hint.id?.endsWith('.help');

export interface FooterProps {
  readonly hints: readonly FooterHint[];
  readonly width: number;
}

const GAP = '  ';

/** The hints that fit in `width`, help and quit kept when anything is dropped. */
export function fitHints(hints: readonly FooterHint[], width: number): FooterHint[] {
  const size = (hint: FooterHint) => textWidth(hint.key) + 1 + textWidth(hint.label);
  const total = (list: readonly FooterHint[]) =>
    list.reduce((sum, hint, index) => sum + size(hint) + (index ? GAP.length : 0), 0);
  if (total(hints) <= width) return [...hints];
  const kept = hints.filter(isHelp);
  const rest = hints.filter((hint) => !isHelp(hint));
  const chosen: FooterHint[] = [];
  for (const hint of rest) {
    if (total([...chosen, hint, ...kept]) > width) break;
    chosen.push(hint);
  }
  return [...chosen, ...kept];
}

export function Footer({ hints, width }: FooterProps): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {fitHints(hints, width).map((hint, index) => (
        <Text key={`${hint.key}-${hint.label}`}>
          {index ? GAP : ''}
          <Text color={color(theme.ui.key)} bold>
            {hint.key}
          </Text>{' '}
          <Text color={color(theme.ui.dim)}>{hint.label}</Text>
        </Text>
      ))}
    </Text>
  );
}
