// A small table for the lineage view. Not @alcalzone/ink-table, which fits the plain tables
// (details, history) but not this one: it renders every row it is given (1,000 rows would be
// 1,000 lines of layout on each keypress, and a frame taller than the terminal), sizes columns
// from their content rather than the terminal's width (a long name pushes the table past the
// right edge, which ink wraps into a broken layout), and has no selection.
//
// Here, only the rows in the window are rendered; the window follows the selection (scrolling
// only when it leaves the window, as k9s and less do); columns share the width by minimum and
// growth, the least important are dropped on a narrow terminal, and every cell is cut to its
// width (with an ellipsis, counting wide characters) so each line is exactly `width` cells.
// Each row is one line of text made of coloured spans: no layout box per cell.
import { Box, Text } from 'ink';
import { memo, type ReactNode, useMemo, useRef } from 'react';
import { fitText, truncateText } from './text-width.js';
import { color, useTheme } from './theme.js';

export interface TableCell {
  readonly text: string;
  /** A theme colour (theme.lineage.changed...), never a colour name written in a view. */
  readonly color?: string;
  readonly dim?: boolean;
  readonly bold?: boolean;
}

export interface TableColumn<T> {
  readonly id: string;
  readonly title: string;
  readonly minWidth: number;
  /** Share of the width left once every shown column has its minimum. */
  readonly grow: number;
  readonly maxWidth?: number;
  readonly align?: 'left' | 'right';
  /** Columns with a higher number are dropped first when the terminal is narrow; 0: never. */
  readonly dropOrder?: number;
  /** The cell for a row at the width it was given (a column may choose a shorter form). */
  readonly cell: (row: T, width: number) => TableCell;
}

export interface WindowedTableProps<T> {
  readonly rows: readonly T[];
  readonly columns: readonly TableColumn<T>[];
  /** Index into rows; clamped. */
  readonly selected: number;
  readonly width: number;
  /** Lines, the heading included. */
  readonly height: number;
  readonly rowKey: (row: T) => string;
  /** Shown instead of rows when there are none. */
  readonly empty?: ReactNode;
}

const GAP = 1;

/** Each column's width (0: dropped) so that the columns and their gaps fill `width`. */
export function layoutColumns(
  columns: readonly Pick<TableColumn<unknown>, 'minWidth' | 'grow' | 'maxWidth' | 'dropOrder'>[],
  width: number,
): number[] {
  const shown = columns.map(() => true);
  const needed = () =>
    columns.reduce((sum, column, index) => sum + (shown[index] ? column.minWidth + GAP : 0), -GAP);
  // Drop the most droppable columns until the minimums fit.
  const order = columns
    .map((column, index) => ({ index, drop: column.dropOrder ?? 0 }))
    .filter((entry) => entry.drop > 0)
    .sort((a, b) => b.drop - a.drop);
  for (const entry of order) {
    if (needed() <= width) break;
    shown[entry.index] = false;
  }
  const widths = columns.map((column, index) => (shown[index] ? column.minWidth : 0));
  let spare = width - needed();
  // Share the rest by growth, up to each column's maximum; what a full column cannot take goes
  // to the others.
  for (let round = 0; round < columns.length && spare > 0; round++) {
    const growing = columns
      .map((column, index) => ({ column, index }))
      .filter(
        ({ column, index }) =>
          shown[index] && column.grow > 0 && widths[index]! < (column.maxWidth ?? Infinity),
      );
    const weight = growing.reduce((sum, { column }) => sum + column.grow, 0);
    if (weight === 0) break;
    let given = 0;
    for (const { column, index } of growing) {
      const share = Math.floor((spare * column.grow) / weight);
      const room = (column.maxWidth ?? Infinity) - widths[index]!;
      const add = Math.min(share, room);
      widths[index]! += add;
      given += add;
    }
    if (given === 0) {
      // Less than one cell per column left: hand it out one by one.
      for (const { column, index } of growing) {
        if (spare - given <= 0) break;
        if (widths[index]! < (column.maxWidth ?? Infinity)) {
          widths[index]! += 1;
          given += 1;
        }
      }
    }
    spare -= given;
  }
  return widths;
}

/** The first visible row, moved only as far as needed to keep `selected` in view. */
export function windowStart(
  previous: number,
  selected: number,
  visible: number,
  total: number,
): number {
  if (visible <= 0 || total <= visible) return 0;
  let start = Math.min(previous, total - visible);
  if (selected < start) start = selected;
  if (selected >= start + visible) start = selected - visible + 1;
  return Math.max(0, start);
}

export function WindowedTable<T>(props: WindowedTableProps<T>): ReactNode {
  const theme = useTheme();
  const { rows, columns, width, height } = props;
  // The same array while columns and width stay: rows that did not change are not drawn again.
  const widths = useMemo(() => layoutColumns(columns, width), [columns, width]);
  const visible = Math.max(0, height - 1);
  const selected = rows.length === 0 ? -1 : Math.max(0, Math.min(props.selected, rows.length - 1));
  const start = useRef(0);
  start.current = windowStart(start.current, Math.max(0, selected), visible, rows.length);
  const shown = rows.slice(start.current, start.current + visible);

  const heading = columns
    .map((column, index) =>
      widths[index] ? fitText(column.title, widths[index]!, column.align) : undefined,
    )
    .filter((text) => text !== undefined)
    .join(' '.repeat(GAP))
    .trimEnd();

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={color(theme.ui.heading)}>
        {truncateText(heading, width)}
      </Text>
      {rows.length === 0 ? (
        typeof props.empty === 'string' ? (
          <Text>{props.empty}</Text>
        ) : (
          props.empty
        )
      ) : (
        shown.map((row, offset) => (
          <TableRow
            key={props.rowKey(row)}
            row={row}
            columns={columns}
            widths={widths}
            width={width}
            selected={start.current + offset === selected}
          />
        ))
      )}
    </Box>
  );
}

interface TableRowProps<T> {
  readonly row: T;
  readonly columns: readonly TableColumn<T>[];
  readonly widths: readonly number[];
  readonly width: number;
  readonly selected: boolean;
}

// Memoised: a keypress changes the selection, so only the two rows it moves between render again.
const TableRow = memo(function TableRow<T>({
  row,
  columns,
  widths,
  width,
  selected,
}: TableRowProps<T>): ReactNode {
  const theme = useTheme();
  const spans: ReactNode[] = [];
  let used = 0;
  columns.forEach((column, index) => {
    const cellWidth = widths[index]!;
    if (!cellWidth) return;
    const cell = column.cell(row, cellWidth);
    const gap = used > 0 ? ' '.repeat(GAP) : '';
    used += gap.length + cellWidth;
    spans.push(
      <Text
        key={column.id}
        color={selected ? undefined : color(cell.color ?? '')}
        dimColor={!selected && cell.dim}
        bold={cell.bold}
      >
        {gap}
        {fitText(cell.text, cellWidth, column.align)}
      </Text>,
    );
  });
  const rest = ' '.repeat(Math.max(0, width - used));
  if (!selected) {
    return (
      <Text wrap="truncate-end">
        {spans}
        {rest}
      </Text>
    );
  }
  const background = color(theme.ui.selectionBackground);
  return (
    <Text
      wrap="truncate-end"
      backgroundColor={background}
      color={color(theme.ui.selectionText)}
      inverse={background === undefined}
    >
      {spans}
      {rest}
    </Text>
  );
}) as <T>(props: TableRowProps<T>) => ReactNode;
