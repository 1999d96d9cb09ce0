// A framed panel over the table (help, details, history, errors, settings) and a scrolling
// list of one-line entries inside it: j/k, arrows, PgUp/PgDn, g/G scroll; Esc or q closes.
import { Box, Text } from 'ink';
import { type ReactNode, useState } from 'react';
import { color, useTheme } from './theme.js';
import { useKeys } from './use-keys.js';
import { type ViewBindings, viewCommandFor } from './view-keys.js';

export interface PanelProps {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** A short note on the frame's right, such as "3/40". */
  readonly note?: string;
  readonly children: ReactNode;
}

export function Panel({ title, width, height, note, children }: PanelProps): ReactNode {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={color(theme.ui.border)}
      paddingX={1}
      overflow="hidden"
    >
      <Box justifyContent="space-between" width={width - 4}>
        <Text bold color={color(theme.ui.heading)} wrap="truncate-end">
          {title}
        </Text>
        <Text color={color(theme.ui.dim)}>{note ? `${note}  ` : ''}Esc close</Text>
      </Box>
      {children}
    </Box>
  );
}

/** Lines a panel of this height shows inside its frame and title. */
export function panelBodyHeight(height: number): number {
  return Math.max(0, height - 3);
}

export interface ScrollListProps {
  readonly title: string;
  readonly lines: readonly ReactNode[];
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
  /** Start at the end (logs: the newest is last). */
  readonly fromEnd?: boolean;
  /** More keys that close it (the key that opened it: `?` for help). */
  readonly closeKeys?: readonly string[];
  /**
   * Its keys from a view's table instead of the fixed ones (`settings.close`, `settings.up`…,
   * by what follows the dot); its other commands go to `onCommand`.
   */
  readonly bindings?: ViewBindings;
  readonly onCommand?: (id: string) => void;
}

/** What the scrolling keys do, by the fixed keys or a table's command. */
type ScrollMove = 'close' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

function fixedMove(name: string, closeKeys: readonly string[] = []): ScrollMove | undefined {
  if (name === 'escape' || name === 'q' || closeKeys.includes(name)) return 'close';
  if (name === 'j' || name === 'down') return 'down';
  if (name === 'k' || name === 'up') return 'up';
  if (name === 'pagedown' || name === 'ctrl+f' || name === 'space') return 'pageDown';
  if (name === 'pageup' || name === 'ctrl+b') return 'pageUp';
  if (name === 'g' || name === 'home') return 'top';
  if (name === 'G' || name === 'end') return 'bottom';
  return undefined;
}

/**
 * The first of `count` entries shown `visible` at a time, moved by the scrolling keys; Esc, q
 * and `closeKeys` close.
 */
export function useScroll(
  count: number,
  visible: number,
  options: Pick<ScrollListProps, 'fromEnd' | 'closeKeys' | 'bindings' | 'onCommand' | 'onClose'>,
): number {
  const last = Math.max(0, count - visible);
  const [offset, setOffset] = useState(options.fromEnd ? last : 0);
  const top = Math.min(offset, last);
  useKeys(({ name }) => {
    if (name === undefined) return;
    let move: string | undefined;
    if (options.bindings) {
      const id = viewCommandFor(options.bindings, name);
      move = id?.slice(id.indexOf('.') + 1);
      if (id !== undefined && !SCROLL_MOVES.has(move!)) return options.onCommand?.(id);
    } else move = fixedMove(name, options.closeKeys);
    if (move === 'close') options.onClose();
    else if (move === 'down') setOffset(Math.min(last, top + 1));
    else if (move === 'up') setOffset(Math.max(0, top - 1));
    else if (move === 'pageDown') setOffset(Math.min(last, top + visible));
    else if (move === 'pageUp') setOffset(Math.max(0, top - visible));
    else if (move === 'top') setOffset(0);
    else if (move === 'bottom') setOffset(last);
  });
  return top;
}

const SCROLL_MOVES: ReadonlySet<string> = new Set<ScrollMove>([
  'close',
  'up',
  'down',
  'pageUp',
  'pageDown',
  'top',
  'bottom',
]);

/** `3-19/40` when not everything shows. */
export function scrollNote(top: number, visible: number, count: number): string | undefined {
  return count > visible ? `${top + 1}-${Math.min(count, top + visible)}/${count}` : undefined;
}

export function ScrollList(props: ScrollListProps): ReactNode {
  const { lines } = props;
  const visible = Math.max(1, panelBodyHeight(props.height));
  const top = useScroll(lines.length, visible, props);

  const note = scrollNote(top, visible, lines.length);
  return (
    <Panel
      title={props.title}
      width={props.width}
      height={props.height}
      {...(note ? { note } : {})}
    >
      {lines.slice(top, top + visible).map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Box key={top + index} width={props.width - 4} height={1} overflow="hidden">
          {line}
        </Box>
      ))}
    </Panel>
  );
}
