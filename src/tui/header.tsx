// The header: where AWS calls go (an account and region, or the local cloud), the Docker
// engine's state, and how fresh the table is ("syncing" before the first read, the time of
// the last one, a mark while a refresh runs, a warning when the last one failed).
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { LineageSnapshot } from '../core/internal.js';
import { formatAge, formatClock } from './format.js';
import type { SessionState } from './services.js';
import { textWidth, truncateText } from './text-width.js';
import { color, useTheme } from './theme.js';

export interface HeaderProps {
  readonly session: SessionState;
  readonly lineage: LineageSnapshot;
  readonly readOnly: boolean;
  readonly width: number;
  readonly now: Date;
}

interface Part {
  readonly text: string;
  /** Shorter forms, for a narrow terminal (the rightmost parts shrink first). */
  readonly shorter?: readonly string[];
  readonly color?: string;
  readonly bold?: boolean;
}

export function Header({ session, lineage, readOnly, width, now }: HeaderProps): ReactNode {
  const theme = useTheme();
  const { target, engine } = session;
  const parts: Part[] = [{ text: 'lambdash', color: theme.ui.accent, bold: true }];
  if (readOnly) parts.push({ text: 'read-only', color: theme.status.warning });
  parts.push(
    target.status === 'connecting'
      ? { text: 'connecting…', color: theme.status.busy }
      : target.status === 'failed'
        ? { text: 'AWS: not connected', color: theme.status.error }
        : { text: target.description, color: theme.ui.text },
  );
  parts.push(
    lineage.docker === 'down' || (engine.error && lineage.docker !== 'up')
      ? { text: 'docker: down', shorter: ['docker ✗'], color: theme.status.error }
      : engine.version
        ? {
            text: `docker ${engine.version}`,
            shorter: [`docker ${engine.version.split(/[+-]/)[0]}`, 'docker ✓'],
            color: theme.status.success,
          }
        : { text: 'docker …', color: theme.ui.dim },
  );
  if (lineage.syncing) {
    parts.push({
      text: lineage.error ? 'sync failed' : 'syncing…',
      color: lineage.error ? theme.status.error : theme.status.busy,
    });
  } else if (lineage.lastRefreshed) {
    const age = formatAge(lineage.lastRefreshed, now);
    const mark = lineage.refreshing ? ' ⟳' : '';
    parts.push({
      text: `refreshed ${formatClock(lineage.lastRefreshed)} (${age} ago)${mark}`,
      shorter: [`refreshed ${age} ago${mark}`, `${age} ago${mark}`],
      color: lineage.error ? theme.status.warning : theme.ui.dim,
    });
    if (lineage.error) parts.push({ text: '⚠ last refresh failed', color: theme.status.warning });
  }

  // Too wide: the rightmost part that has a shorter form takes it, until all fit; what still
  // does not fit is cut from the right (the name and the target stay).
  const separator = ' │ ';
  const chosen = parts.map((part) => [part.text, ...(part.shorter ?? [])]);
  const total = () =>
    chosen.reduce(
      (sum, forms, index) => sum + textWidth(forms[0]!) + (index ? separator.length : 0),
      0,
    );
  while (total() > width) {
    const index = chosen.findLastIndex((forms) => forms.length > 1);
    if (index < 0) break;
    chosen[index]!.shift();
  }
  const shown: ReactNode[] = [];
  let used = 0;
  for (const [index, part] of parts.entries()) {
    const gap = index === 0 ? '' : separator;
    const room = width - used - textWidth(gap);
    if (room < 4) break;
    const text = truncateText(chosen[index]![0]!, room);
    shown.push(
      <Text key={index}>
        <Text color={color(theme.ui.border)}>{gap}</Text>
        <Text color={color(part.color ?? '')} bold={part.bold}>
          {text}
        </Text>
      </Text>,
    );
    used += textWidth(gap) + textWidth(text);
  }
  return <Text wrap="truncate-end">{shown}</Text>;
}
