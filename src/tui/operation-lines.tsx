// The operations in flight, one line each above the toasts: what runs on which row, a progress
// bar (it spins, a second a step, when the ratio is unknown) and what it is doing now.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { type Operation, progressBar } from './operations.js';
import { fitText } from './text-width.js';
import { color, useTheme } from './theme.js';

export interface OperationLinesProps {
  readonly operations: readonly Operation[];
  readonly max: number;
  readonly width: number;
  readonly now: Date;
}

export function OperationLines({ operations, max, width, now }: OperationLinesProps): ReactNode {
  const theme = useTheme();
  return operations.slice(0, max).map((operation) => (
    <Text key={operation.id} wrap="truncate-end" color={color(theme.status.busy)}>
      {fitText(
        `⟳ ${operation.kind} ${operation.name} ${progressBar(operation.progress.ratio, 12, Math.floor(now.getTime() / 1000))} ${operation.progress.text}`,
        width - 12,
      )}
      <Text color={color(theme.ui.dim)}> Esc cancels</Text>
    </Text>
  ));
}
