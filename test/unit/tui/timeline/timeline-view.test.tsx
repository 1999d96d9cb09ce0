import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../../src/core/logs/invocation-log.js';
import { fitText, textWidth } from '../../../../src/tui/text-width.js';
import { THEMES, ThemeContext } from '../../../../src/tui/theme.js';
import type { Invocation } from '../../../../src/tui/timeline/invocation.js';
import { TimelineView } from '../../../../src/tui/timeline/timeline-view.js';
import { ViewHelpHost } from '../../../../src/tui/view-help.js';
import {
  COLD_ID,
  coldThenWarm,
  endLine,
  invocationLines,
  startLine,
  WARM_ID,
} from '../../../support/invocation-logs.js';
import { type App, frameLines, KEYS, press, renderAt, waitForFrame } from './terminal.js';

afterEach(() => cleanup());

const text = coldThenWarm();

function invocation(
  id: number,
  requestId: string,
  log = parseInvocationLog(text, { requestId }),
): Invocation {
  return {
    id,
    name: 'hello',
    target: 'local',
    at: new Date(0),
    payload: '{}',
    seconds: 0.2,
    requestId,
    log,
    result: { ok: true },
  };
}

const cold = (id = 1) => invocation(id, COLD_ID);
const warm = (id = 2) => invocation(id, WARM_ID);

let closed = 0;

function view(invocations: Invocation[], width: number, height: number) {
  return (
    <ThemeContext.Provider value={THEMES.mono}>
      <TimelineView
        invocations={invocations}
        width={width}
        height={height}
        onClose={() => {
          closed++;
        }}
      />
    </ThemeContext.Provider>
  );
}

async function open(invocations: Invocation[], width: number, height: number): Promise<App> {
  return renderAt(view(invocations, width, height), Math.max(100, width));
}

describe('TimelineView', () => {
  // The cold start's segments: init 150.53, runtime before 0.294, db.query.done 0.317,
  // handler 0.526, runtime after 3.063 (ms).
  it.each([
    [40, `${'▓'.repeat(36)}░▒█░`],
    [80, `${'▓'.repeat(76)}░▒█░`],
    [200, `${'▓'.repeat(194)}░▒█░░░`],
  ])('scales the stacked bar to %i cells, every segment visible', async (width, bar) => {
    const app = await open([cold()], width, 24);
    expect(frameLines(app)[1]).toBe(bar);
    expect(textWidth(bar)).toBe(width);
  });

  it.each([40, 80, 200])(
    'puts each segment row where the segment sits in the bar (%i cells)',
    async (width) => {
      const app = await open([cold()], width, 24);
      const lines = frameLines(app);
      const bar = lines[1] as string;
      // Rows 3..7: init, runtime before, db.query.done, handler, runtime after.
      const rows = lines.slice(3, 8);
      const labelWidth = Math.min(14, Math.floor(width / 4));
      expect(rows.map((row) => row.slice(0, labelWidth))).toEqual(
        ['init', 'runtime before', 'db.query.done', 'handler', 'runtime after'].map((label) =>
          fitText(label, labelWidth),
        ),
      );
      const starts = rows.map((row) => row.slice(labelWidth + 1).search(/[▓░▒█]/));
      const runs = rows.map(
        (row) => (row.slice(labelWidth + 1).match(/[▓░▒█]+/)?.[0] ?? '').length,
      );
      // The rows' bars are the stacked bar's runs, at the same offsets (scaled to the rows' width).
      expect(runs.every((n) => n >= 1)).toBe(true);
      for (let i = 1; i < 5; i++)
        expect(starts[i]).toBe((starts[i - 1] as number) + (runs[i - 1] as number));
      expect(rows.map((row) => row.trimEnd().split(' ').at(-2))).toEqual([
        '151',
        '0.3',
        '0.3',
        '0.5',
        '3.1',
      ]);
      expect(bar.startsWith('▓')).toBe(true);
    },
  );

  it.each([
    [40, 8],
    [40, 12],
    [80, 24],
    [80, 50],
    [200, 50],
  ])('fills exactly %i × %i, never more', async (width, height) => {
    const app = await open([cold(1), warm(2), warm(3)], width, height);
    const lines = frameLines(app);
    expect(lines.length).toBe(height);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(width);
    expect(lines.at(-1)).toMatch(/^Esc close/);
  });

  it('shows a cold start against warm invocations, side by side on one scale', async () => {
    const app = await open([cold(1), warm(2)], 80, 24);
    const lines = frameLines(app);
    const titles = lines.find((line) => line.includes('#1 cold local')) ?? '';
    expect(titles).toMatch(/^ #1 cold local +›#2 warm local *$/);
    const init = lines.find((line) => line.startsWith('init    ')) ?? '';
    expect(init).toMatch(/^init {4}▓+ +151 ms init {4}.* 0\.0 ms$/);
    const total = lines.find((line) => line.startsWith('total   ')) ?? '';
    expect(total).toMatch(/ 155 ms total {3}[░▒█]+ +4\.0 ms$/);
  });

  it('keeps the newest cold start among the columns however many warm ones followed', async () => {
    const app = await open([cold(1), warm(2), warm(3), warm(4), warm(5)], 80, 30);
    const titles = frameLines(app).find((line) => line.includes('#1 cold')) ?? '';
    expect(titles).toMatch(/^ #1 cold local +#4 warm local +›#5 warm local *$/);
  });

  it('steps through the invocations with ←/→', async () => {
    const app = await open([cold(1), warm(2)], 80, 24);
    expect(frameLines(app)[0]).toMatch(
      /^Timeline #2 · local hello · warm 4\.0 ms · ok · req b2c4d6e8 · 2\/2/,
    );
    await press(app, KEYS.left);
    expect(frameLines(app)[0]).toMatch(
      /^Timeline #1 · local hello · cold 155 ms · ok · req 6efd0e35 · 1\/2/,
    );
    await press(app, KEYS.left);
    expect(frameLines(app)[0]).toContain('· 1/2');
    await press(app, 'l');
    expect(frameLines(app)[0]).toContain('· 2/2');
  });

  it('searches the log lines with /, steps with n and N, and marks the current match', async () => {
    const app = await open([cold(1)], 80, 30);
    await press(app, '/', 'q', 'u', 'e', 'r', 'y');
    expect(frameLines(app).at(-1)).toBe('/query▏  Enter search · Esc cancel · ^K keys');
    await press(app, KEYS.enter);
    const logHeading = () => frameLines(app).find((line) => line.startsWith('Log · ')) ?? '';
    const marked = () => frameLines(app).filter((line) => line.startsWith('›'));
    expect(logHeading()).toBe('Log · 6 lines · /query: match 1 of 2 lines');
    expect(marked()).toEqual([expect.stringMatching(/INFO {2}querying$/)]);
    await press(app, 'n');
    expect(logHeading()).toBe('Log · 6 lines · /query: match 2 of 2 lines');
    // The invocation's one marks line, which holds the user's mark.
    expect(marked()).toEqual([expect.stringMatching(/^›….* user db\.query\.done /)]);
    await press(app, 'n');
    expect(logHeading()).toContain('match 1 of 2');
    await press(app, 'N');
    expect(logHeading()).toContain('match 2 of 2');
    await press(app, '/', 'Q', 'U', 'E', 'R', 'Y', KEYS.enter);
    expect(logHeading()).toBe('Log · 6 lines · no match for "QUERY"');
    expect(marked()).toEqual([]);
  });

  it('scrolls the log to a match below the window', async () => {
    const app = await open([cold(1)], 80, 14);
    expect(frameLines(app).some((line) => line.includes('REPORT RequestId'))).toBe(false);
    await press(app, '/', 'R', 'E', 'P', 'O', 'R', 'T', KEYS.enter);
    expect(frameLines(app).filter((line) => line.startsWith('›'))).toEqual([
      expect.stringMatching(/^›REPORT RequestId: 6efd0e35/),
    ]);
    expect(frameLines(app).length).toBe(14);
  });

  it('lists the search’s keys with Ctrl-K, ? being text there, and comes back to the search', async () => {
    const app = await renderAt(
      <ViewHelpHost width={80} height={24}>
        {view([cold(1)], 80, 24)}
      </ViewHelpHost>,
    );
    await press(app, '/', 'a', '?');
    expect(frameLines(app).at(-1)).toBe('/a?▏  Enter search · Esc cancel · ^K keys');
    await press(app, KEYS.ctrl('k'));
    const help = frameLines(app).join('\n');
    expect(help).toContain("The timeline's search (any other key types)");
    expect(help).toContain('Go to the first match below');
    expect(help).not.toContain('Close the timeline');
    await press(app, KEYS.escape);
    expect(frameLines(app).at(-1)).toBe('/a?▏  Enter search · Esc cancel · ^K keys');
  });

  it('cancels a search with Esc, then closes with Esc', async () => {
    const app = await open([cold(1)], 80, 24);
    const before = closed;
    await press(app, '/', 'x', KEYS.escape);
    expect(frameLines(app).at(-1)).toMatch(/^Esc close {2}←\/→ invocation {2}\/ search/);
    expect(closed).toBe(before);
    await press(app, KEYS.escape);
    await waitForFrame(app, () => closed === before + 1);
    expect(closed).toBe(before + 1);
  });

  it('says when a log has no REPORT line', async () => {
    const cut = startLine(COLD_ID) + invocationLines(COLD_ID, 1795249099465.491) + endLine(COLD_ID);
    const app = await open(
      [invocation(1, COLD_ID, parseInvocationLog(cut, { source: 'tail' }))],
      80,
      20,
    );
    const lines = frameLines(app);
    expect(lines[0]).toBe(
      `Timeline #1 · local hello · no REPORT · ok · req 6efd0e35 · 1/1${' '.repeat(14)}`.trimEnd(),
    );
    expect(lines[1]).toBe('This log has no REPORT line, so its durations are unknown.');
    expect(lines[2]).toBe(
      "Lambda's log tail holds the last 4 KB only; the full log comes from CloudWatch Logs.".slice(
        0,
        79,
      ) + '…',
    );
  });

  it("says that an invocation failed, with the function's error type", async () => {
    const failed: Invocation = {
      ...cold(1),
      error: { errorType: 'TypeError', errorMessage: 'boom', stackTrace: [] },
    };
    const app = await open([failed], 80, 20);
    expect(frameLines(app)[0]).toBe(
      'Timeline #1 · local hello · cold 155 ms · failed: TypeError · req 6efd0e35 · 1/1',
    );
    expect(frameLines(app)[1]).toBe(`${'▓'.repeat(76)}░▒█░`);
  });

  it('says how to get an invocation when there is none', async () => {
    const app = await open([], 80, 10);
    expect(frameLines(app).slice(0, 2)).toEqual([
      'Timeline',
      'No invocations yet: invoke the function (i), then open its timeline.',
    ]);
    expect(frameLines(app).length).toBe(10);
  });
});
