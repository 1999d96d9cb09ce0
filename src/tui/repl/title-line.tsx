// The REPL's first line: what is invoked, then every place it can go to: the chosen one ●, the
// others ○, or ✗ with why they cannot be invoked (last, so that a narrow terminal cuts a reason
// rather than a place that works).
import { Text } from 'ink';
import type { LineageRow } from '../../core/internal.js';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import type { Place, Where } from './places.js';

export interface TitleLineProps {
  readonly row: LineageRow;
  readonly targets: readonly Place[];
  readonly chosen: Where | undefined;
  readonly width: number;
}

export function TitleLine({ row, targets, chosen, width }: TitleLineProps) {
  const theme = useTheme();
  const title = `Invoke ${row.responder?.name ?? row.lambdaFunction?.name ?? row.localImage?.name ?? row.key}`;
  const choices = [
    ...targets.filter((place) => !place.unavailable),
    ...targets.filter((place) => place.unavailable),
  ].map((place) => {
    const mark = place.where === chosen ? '●' : place.unavailable ? '✗' : '○';
    return `${mark} ${place.label}${place.unavailable ? `: ${place.unavailable}` : ''}`;
  });
  return (
    <Text color={color(theme.ui.heading)} bold wrap="truncate">
      {fitText(`${title} → ${choices.join('  ')}`, width)}
    </Text>
  );
}
