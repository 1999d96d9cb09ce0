// Plain tables (the details and history panels) with @alcalzone/ink-table, fitted to the
// panel: values are cut to the width left (ink-table sizes columns from their content and
// would push past the edge), only the rows that fit are given to it (j/k scroll the rest),
// and the rule it draws between every two rows is kept only under the heading, so a row is
// one line.
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { Panel, panelBodyHeight, scrollNote, useScroll } from './panel.js';
import { truncateText } from './text-width.js';
import { color, useTheme } from './theme.js';

type Row = Record<string, string>;

class CompactTable extends Table<Row> {
  constructor(props: ConstructorParameters<typeof Table<Row>>[0]) {
    super(props);
    const ruled = this.separator;
    this.separator = (row) => (row.key.endsWith('-0') ? ruled(row) : <Box />);
  }
}

/** Each column's width so the table (borders and padding included) fits `width`. */
function fitColumns(rows: readonly Row[], columns: readonly string[], width: number): Row[] {
  const natural = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  // │ pad value pad │ pad value pad │ ...
  const frame = columns.length * 3 + 1;
  const room = Math.max(columns.length * 3, width - frame);
  const widths = [...natural];
  // Shrink the widest column until everything fits.
  while (widths.reduce((sum, w) => sum + w, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 3) break;
    widths[widest]! -= 1;
  }
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((column, index) => [column, truncateText(row[column] ?? '', widths[index]!)]),
    ),
  );
}

export interface TablePanelProps {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
  /** Start scrolled to the end (logs). */
  readonly fromEnd?: boolean;
  readonly empty?: string;
  readonly closeKeys?: readonly string[];
}

export function TablePanel(props: TablePanelProps): ReactNode {
  const theme = useTheme();
  const { rows, columns, width } = props;
  // Body lines less the table's top border, heading, rule and bottom border.
  const visible = Math.max(1, panelBodyHeight(props.height) - 4);
  const top = useScroll(rows.length, visible, props);

  const shown = fitColumns(rows.slice(top, top + visible), columns, width - 4);
  const note = scrollNote(top, visible, rows.length);
  return (
    <Panel title={props.title} width={width} height={props.height} {...(note ? { note } : {})}>
      {rows.length === 0 ? (
        <Text color={color(theme.ui.dim)}>{props.empty ?? 'Nothing yet.'}</Text>
      ) : (
        <CompactTable data={shown} columns={[...columns]} />
      )}
    </Panel>
  );
}
