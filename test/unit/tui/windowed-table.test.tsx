import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../../src/tui/text-width.js';
import { THEMES, ThemeContext } from '../../../src/tui/theme.js';
import {
  layoutColumns,
  type TableColumn,
  WindowedTable,
  windowStart,
} from '../../../src/tui/windowed-table.js';

interface Item {
  readonly name: string;
  readonly size: string;
}

const columns: TableColumn<Item>[] = [
  { id: 'name', title: 'NAME', minWidth: 6, grow: 1, cell: (item) => ({ text: item.name }) },
  {
    id: 'size',
    title: 'SIZE',
    minWidth: 5,
    grow: 0,
    align: 'right',
    dropOrder: 1,
    cell: (item) => ({ text: item.size }),
  },
];

const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, index) => ({ name: `item-${index}`, size: `${index}kB` }));

function table(rows: Item[], selected: number, width: number, height: number) {
  return (
    <ThemeContext.Provider value={THEMES.mono}>
      <WindowedTable
        rows={rows}
        columns={columns}
        selected={selected}
        width={width}
        height={height}
        rowKey={(item) => item.name}
      />
    </ThemeContext.Provider>
  );
}

const lines = (frame: string | undefined) => (frame ?? '').split('\n');

describe('layoutColumns', () => {
  it('gives every column its minimum and shares the rest by growth up to each maximum', () => {
    expect(
      layoutColumns(
        [
          { minWidth: 10, grow: 1 },
          { minWidth: 10, grow: 3 },
          { minWidth: 4, grow: 1, maxWidth: 6 },
        ],
        50,
      ),
    ).toEqual([15, 27, 6]);
  });

  it('drops the most droppable columns first when the minimums do not fit', () => {
    const cols = [
      { minWidth: 10, grow: 1 },
      { minWidth: 10, grow: 1, dropOrder: 1 },
      { minWidth: 10, grow: 1, dropOrder: 2 },
    ];
    expect(layoutColumns(cols, 25)).toEqual([12, 12, 0]);
    expect(layoutColumns(cols, 12)).toEqual([12, 0, 0]);
  });
});

describe('windowStart', () => {
  it('moves the window only when the selection leaves it', () => {
    expect(windowStart(0, 5, 10, 100)).toBe(0);
    expect(windowStart(0, 10, 10, 100)).toBe(1);
    expect(windowStart(20, 25, 10, 100)).toBe(20);
    expect(windowStart(20, 3, 10, 100)).toBe(3);
    expect(windowStart(95, 99, 10, 100)).toBe(90);
    expect(windowStart(50, 2, 10, 5)).toBe(0);
  });
});

describe('WindowedTable', () => {
  it('renders the heading and only the rows that fit, each line exactly the width', () => {
    const { lastFrame } = render(table(items(1000), 0, 30, 6));
    const frame = lines(lastFrame());
    expect(frame).toEqual([
      'NAME                      SIZE',
      'item-0                     0kB',
      'item-1                     1kB',
      'item-2                     2kB',
      'item-3                     3kB',
      'item-4                     4kB',
    ]);
  });

  it('scrolls so the selected row stays visible', () => {
    const { lastFrame, rerender } = render(table(items(1000), 0, 30, 4));
    rerender(table(items(1000), 7, 30, 4));
    expect(
      lines(lastFrame())
        .slice(1)
        .map((line) => line.split(' ')[0]),
    ).toEqual(['item-5', 'item-6', 'item-7']);
    // Back up inside the window: it stays put.
    rerender(table(items(1000), 6, 30, 4));
    expect(lines(lastFrame())[1]).toMatch(/^item-5 /);
    rerender(table(items(1000), 999, 30, 4));
    expect(
      lines(lastFrame())
        .slice(1)
        .map((line) => line.split(' ')[0]),
    ).toEqual(['item-997', 'item-998', 'item-999']);
  });

  it('cuts long and wide text to the column with an ellipsis', () => {
    const rows = [
      { name: 'a-very-long-responder-name', size: '1kB' },
      { name: '日本語の名前です', size: '2kB' },
    ];
    const frame = lines(render(table(rows, 0, 20, 3)).lastFrame());
    expect(frame[1]).toBe('a-very-long-r…   1kB');
    expect(frame[2]).toBe('日本語の名前…    2kB');
    for (const line of frame) expect(textWidth(line)).toBe(20);
  });

  it('drops the droppable column on a narrow terminal', () => {
    const frame = lines(render(table(items(2), 0, 10, 3)).lastFrame());
    // ink drops trailing spaces from each line.
    expect(frame).toEqual(['NAME', 'item-0', 'item-1']);
  });

  it('shows the empty content when there are no rows', () => {
    const { lastFrame } = render(
      <ThemeContext.Provider value={THEMES.mono}>
        <WindowedTable
          rows={[]}
          columns={columns}
          selected={0}
          width={20}
          height={3}
          rowKey={(item: Item) => item.name}
          empty="nothing here"
        />
      </ThemeContext.Provider>,
    );
    expect(lines(lastFrame())).toEqual(['NAME            SIZE', 'nothing here', '']);
  });
});
