import { afterEach, describe, expect, it, vi } from 'vitest';

// Colours on (before ink loads chalk): the selected row is drawn inverted.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import { App } from '../../../src/tui/app.js';
import { textWidth } from '../../../src/tui/text-width.js';
import { localImage, manyRows, minutesAgo, NOW, row } from './rows.js';
import { KEYS, renderApp, settle, stripAnsi, type TestServices, testServices } from './services.js';

let current: TestServices | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

function setup(
  rows = [row('alpha', { local: true }), row('bravo', { local: true, fn: true }), row('charlie')],
  options: Parameters<typeof testServices>[1] = {},
) {
  current = testServices(rows, { settings: { theme: 'mono' }, ...options });
  return current;
}

function app(
  test: TestServices,
  props: {
    columns?: number;
    rows?: number;
    readOnly?: boolean;
    exits?: number[];
    clock?: () => Date;
  } = {},
) {
  return (
    <App
      services={test.services}
      projectDir="/project"
      size={{ columns: props.columns ?? 80, rows: props.rows ?? 24 }}
      clock={props.clock ?? (() => NOW)}
      readOnly={props.readOnly ?? false}
      onExit={(code) => props.exits?.push(code)}
    />
  );
}

const selectedLine = (lines: string[]) => {
  // The mono theme draws the selected row inverted.
  const line = lines.find((candidate) => candidate.includes('\u001B[7m'));
  return line === undefined ? undefined : stripAnsi(line).trim();
};
const selectedName = (lines: string[]) => selectedLine(lines)?.split(/\s+/)[1];

/** A responder's row as getLineage makes it: keyed by its responder, whatever it holds. */
function responderRow(name: string, parts: Parameters<typeof row>[1] = {}): LineageRow {
  return { ...row(name, parts), key: `responder:/project/${name}.ts#handler` };
}

describe('the app', () => {
  it('draws header, table, status line and footer in one line less than the terminal', async () => {
    const test = setup();
    const ui = await renderApp(app(test));
    const lines = ui.lines();
    expect(lines).toHaveLength(23);
    expect(lines[0]).toMatch(
      /^lambdash │ local cloud http:\/\/127\.0\.0\.1:4566 │ docker 28\.1\.1 │ refreshed/,
    );
    expect(lines[1]).toMatch(/^RESPONDER +LOCAL IMAGE +REMOTE IMAGE +FUNCTION$/);
    expect(lines.slice(2, 5).map((line) => line.split(/\s+/)[1])).toEqual([
      'alpha',
      'bravo',
      'charlie',
    ]);
    expect(lines[21]).toMatch(/^3 rows · sort responder ↑ +1\/3$/);
    expect(lines[22]).toBe(
      'b build  t test  p push  c deploy  i invoke  l logs  d delete  n add  ? help',
    );
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
  });

  it('says syncing instead of showing an empty table before the first read', async () => {
    const test = setup();
    let release: () => void = () => undefined;
    // A watch whose first read has not finished.
    const { watchLineage } = await import('../../../src/core/lineage/watch.js');
    test.services.watch.close();
    const slow = watchLineage({
      load: () => new Promise((resolve) => (release = () => resolve([row('late')]))),
      dockerEvents: false,
    });
    const ui = await renderApp(app({ ...test, services: { ...test.services, watch: slow } }));
    expect(ui.frame()).toContain('Syncing with Docker and AWS…');
    expect(ui.lines()[0]).toContain('syncing…');
    expect(ui.frame()).not.toContain('Nothing here yet');
    release();
    await settle();
    expect(ui.frame()).toContain('● late');
    slow.close();
  });

  it('moves the selection with j/k, arrows, g and G, keeping it in view', async () => {
    const test = setup(manyRows(1000));
    const ui = await renderApp(app(test));
    expect(selectedName(ui.rawLines())).toBe('fn-0000');
    await ui.press('j', 'j', KEYS.down);
    expect(selectedName(ui.rawLines())).toBe('fn-0003');
    await ui.press('k');
    expect(selectedName(ui.rawLines())).toBe('fn-0002');
    await ui.press('G');
    expect(selectedName(ui.rawLines())).toBe('fn-0999');
    expect(ui.lines()[21]).toMatch(/1000\/1000$/);
    // Only the rows in the window are drawn.
    expect(ui.frame()).not.toContain('fn-0000');
    await ui.press('g');
    expect(selectedName(ui.rawLines())).toBe('fn-0000');
    await ui.press(KEYS.pageDown);
    // One page: the 19 rows the table shows.
    expect(selectedName(ui.rawLines())).toBe('fn-0019');
  });

  it('takes keys typed faster than a frame one by one', async () => {
    const test = setup(manyRows(10));
    const ui = await renderApp(app(test));
    // One chunk, as a terminal sends keys typed (or held) quickly.
    await ui.type('jjjv');
    expect(ui.frame()).toContain('Details: fn-0003');
  });

  for (const [how, send] of [
    ['one chunk', (stdin: NodeJS.WritableStream, keys: string) => stdin.write(keys)],
    [
      'separate writes in one tick',
      (stdin: NodeJS.WritableStream, keys: string) => {
        for (const key of keys) stdin.write(key);
      },
    ],
  ] as const) {
    it(`gives the keys after / to the filter, and those after its Enter to the table (${how})`, async () => {
      const test = setup();
      const ui = await renderApp(app(test));
      // `v` typed in the filter would narrow it to nothing; after Enter it opens the details.
      send(ui.stdin as unknown as NodeJS.WritableStream, '/rav\rv');
      await ui.press();
      expect(ui.lines()[21]).toMatch(/^1 of 3 rows · filter "rav"/);
      expect(ui.frame()).toContain('Details: bravo');
      await ui.press('v');
      expect(ui.frame()).not.toContain('Details:');
      expect(selectedName(ui.rawLines())).toBe('bravo');
      expect(test.calls).toEqual([]);
    });
  }

  it("keeps the selection on the row's responder when its key changes (pushed, deployed)", async () => {
    const test = setup([row('alpha', { local: true }), row('bravo', { local: true })]);
    const ui = await renderApp(app(test));
    await ui.press('j');
    expect(selectedName(ui.rawLines())).toBe('bravo');
    // bravo was deployed: its row is now keyed by the function; a row came in above it.
    await test.setRows([
      row('aardvark'),
      row('alpha', { local: true }),
      { ...row('bravo', { local: true, fn: true }), key: 'function:bravo' },
    ]);
    await ui.press();
    expect(selectedName(ui.rawLines())).toBe('bravo');
  });

  it('filters as you type, keeps the filter on Enter and clears it on Esc', async () => {
    const test = setup();
    const ui = await renderApp(app(test));
    await ui.press('/');
    await ui.type('rav');
    expect(ui.lines()[21]).toBe('/rav ');
    expect(ui.frame()).toContain('bravo');
    expect(ui.frame()).not.toContain('alpha');
    await ui.press(KEYS.enter);
    expect(ui.lines()[21]).toMatch(/^1 of 3 rows · filter "rav" · sort responder ↑ +1\/1$/);
    expect(ui.lines()[22]).toContain('Esc clear filter');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('alpha');
    expect(ui.lines()[21]).toMatch(/^3 rows/);
  });

  it('sorts by the next column with o and reverses with O, the cursor staying on its row', async () => {
    const test = setup();
    const ui = await renderApp(app(test));
    await ui.press('O');
    expect(ui.lines()[21]).toMatch(/sort responder ↓ +3\/3$/);
    expect(ui.lines()[2]).toMatch(/^· charlie|^▲ charlie|^● charlie/);
    expect(selectedName(ui.rawLines())).toBe('alpha');
    await ui.press('k', 'o');
    expect(ui.lines()[21]).toMatch(/sort local ↑/);
    expect(selectedName(ui.rawLines())).toBe('bravo');
  });

  it('keeps the cursor on its row through a rebuild that changes the rows', async () => {
    const test = setup([
      responderRow('alpha', { local: true }),
      responderRow('bravo', { local: true, fn: true }),
      responderRow('charlie'),
    ]);
    const ui = await renderApp(app(test));
    await ui.press('j');
    expect(selectedName(ui.rawLines())).toBe('bravo');
    // bravo rebuilt: a new image, the function now runs older code, the old chain kept; and a
    // row came in above it.
    const bravo = responderRow('bravo', { local: true, fn: true });
    const oldChain = { ...row('bravo', { state: 'changed', local: true, fn: true }), key: 'x:old' };
    await test.setRows([
      responderRow('aardvark'),
      responderRow('alpha', { local: true }),
      {
        ...bravo,
        localImage: localImage('bravo', { id: 'sha256:77aa', created: minutesAgo(1) }),
        outdated: true,
        older: [oldChain],
      },
      responderRow('charlie'),
    ]);
    await ui.press();
    expect(selectedLine(ui.rawLines())).toMatch(/^● bravo +77aa .*bravo ⚠ older code$/);
    expect(ui.lines()[21]).toMatch(/^4 rows · 1 older \(V shows\) · sort responder ↑ +3\/4$/);
  });

  it('shows and hides the older chains with V, the cursor going back to their row', async () => {
    const oldChain = { ...row('bravo', { state: 'changed', local: true }), key: 'x:old' };
    const test = setup([
      responderRow('alpha', { local: true }),
      { ...responderRow('bravo', { local: true, fn: true }), outdated: true, older: [oldChain] },
      responderRow('charlie'),
    ]);
    const ui = await renderApp(app(test));
    expect(ui.frame()).not.toContain('└');
    await ui.press('j', 'V');
    expect(
      ui
        .lines()
        .slice(2, 6)
        .map((line) => line.slice(0, 12).trimEnd()),
    ).toEqual(['● alpha', '● bravo', ' └ ▲ bravo', '· charlie'.replace('·', '●')]);
    expect(ui.lines()[21]).toMatch(/^3 rows · 1 older shown · sort responder ↑ +2\/4$/);
    await ui.press('j');
    expect(selectedLine(ui.rawLines())).toMatch(/^└ ▲ bravo/);
    await ui.press('V');
    expect(ui.frame()).not.toContain('└');
    expect(selectedName(ui.rawLines())).toBe('bravo');
    // The details list them too, and say the function runs older code.
    await ui.press('v', 'G');
    expect(ui.frame()).toContain('older than the newest build (⚠ older code)');
    expect(ui.frame()).toMatch(/older chains +│ [0-9a-f]{12} \(5m\) → — → — · changed/);
  });

  it('keeps the cursor on its row when Esc clears the filter', async () => {
    const test = setup();
    const ui = await renderApp(app(test));
    await ui.press('/');
    await ui.type('char');
    await ui.press(KEYS.enter);
    expect(selectedName(ui.rawLines())).toBe('charlie');
    await ui.press(KEYS.escape);
    expect(ui.lines()[21]).toMatch(/^3 rows · sort responder ↑ +3\/3$/);
    expect(selectedName(ui.rawLines())).toBe('charlie');
  });

  it('lets ages tick: a new second shows without waiting for a new minute', async () => {
    let now = NOW;
    const fresh = {
      ...responderRow('alpha'),
      localImage: localImage('alpha', { created: new Date(NOW.getTime() - 10_000) }),
    };
    const test = setup([fresh]);
    const ui = await renderApp(app(test, { clock: () => now }));
    expect(ui.lines()[2]).toMatch(/^● alpha +[0-9a-f]{12} 10s 85MB/);
    now = new Date(NOW.getTime() + 20_000);
    const frame = await ui.waitFor('30s 85MB');
    expect(frame.split('\n')[2]).toMatch(/^● alpha +[0-9a-f]{12} 30s 85MB/);
  });

  it('opens the help from the key table and closes it with Esc', async () => {
    const test = setup();
    const ui = await renderApp(app(test));
    await ui.press('?');
    const frame = ui.frame();
    expect(frame).toContain('Keys');
    expect(frame).toContain("│   b           Build the responder's local image");
    expect(frame).toContain('│   i Enter     Open the invoke REPL');
    expect(frame).toContain(
      'Keys                                                      1-17/38  Esc close',
    );
    await ui.press('G');
    expect(ui.frame()).toContain('▲ changed');
    // Nothing but the panel reads keys: b does not build.
    await ui.press('b');
    expect(test.calls).toHaveLength(0);
    await ui.press(KEYS.escape);
    expect(ui.frame()).not.toContain('Keys');
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('hides what changes things in read-only mode, in the footer, the keys and the help', async () => {
    const test = setup();
    const ui = await renderApp(app(test, { readOnly: true }));
    // At 80 columns the rightmost parts take their shorter forms.
    expect(ui.lines()[0]).toBe(
      'lambdash │ read-only │ local cloud http://127.0.0.1:4566 │ docker ✓ │ 0s ago',
    );
    expect(ui.lines()[22]).toBe('t test  i invoke  l logs  / filter  ? help  q quit');
    await ui.press('b', 'd', 'n');
    expect(test.calls).toHaveLength(0);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
    await ui.press('?');
    expect(ui.frame()).not.toContain('Build the responder');
    await ui.press('G');
    expect(ui.frame()).toContain('Read-only: 5 actions that change things are hidden.');
  });

  it('shows a clear message instead of a broken layout when the terminal is too small', async () => {
    const test = setup();
    const ui = await renderApp(app(test, { columns: 40, rows: 10 }));
    expect(ui.lines()).toEqual(['Terminal too small.', 'lambdash needs 50x12;', 'this is 40x10.']);
    ui.rerender(app(test, { columns: 50, rows: 12 }));
    await settle();
    expect(ui.lines()).toHaveLength(11);
    expect(ui.lines()[0]).toMatch(/^lambdash/);
  });

  it('follows a resize: the table gets the new width and height', async () => {
    const test = setup(manyRows(100));
    const ui = await renderApp(app(test, { columns: 80, rows: 24 }));
    ui.rerender(app(test, { columns: 200, rows: 50 }));
    await settle();
    const lines = ui.lines();
    expect(lines).toHaveLength(49);
    expect(lines[2]).toMatch(/fn-0000 .*latest 5m 85MB .*fn-0000 Active/);
    expect(lines.filter((line) => /fn-\d{4}/.test(line))).toHaveLength(45);
  });

  it('quits with q and with Ctrl-C', async () => {
    const test = setup();
    const exits: number[] = [];
    const ui = await renderApp(app(test, { exits }));
    await ui.press('q');
    expect(exits).toEqual([0]);
    await ui.press(KEYS.ctrlC);
    expect(exits).toEqual([0, 0]);
  });
});
