// The other views' key tables: valid keys, footers made from them, overrides by namespaced id
// (checked with the lineage table's in the `keys` setting), and docs/tui.md listing them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../src/core/logs/invocation-log.js';
import { isKeyName } from '../../../src/tui/key-table.js';
import { readSettings } from '../../../src/tui/settings.js';
import { THEMES, ThemeContext } from '../../../src/tui/theme.js';
import { TimelineView } from '../../../src/tui/timeline/timeline-view.js';
import { KeyOverrides } from '../../../src/tui/use-view-keys.js';
import {
  keyOverrideProblems,
  resolveViewBindings,
  VIEW_KEYS,
  VIEW_NAMES,
  viewCommandFor,
  viewFooterHints,
  viewKeysMarkdown,
} from '../../../src/tui/view-keys.js';
import { COLD_ID, coldThenWarm } from '../../support/invocation-logs.js';
import { repoRoot } from '../../support/paths.js';
import { frameLines, press, renderAt, waitForFrame } from './timeline/terminal.js';

afterEach(() => cleanup());

describe('the views’ key tables', () => {
  it('has one entry per command, namespaced by its view, each with valid keys and help', () => {
    for (const view of VIEW_NAMES) {
      const ids = VIEW_KEYS[view].map((command) => command.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const command of VIEW_KEYS[view]) {
        expect(command.id.startsWith(`${view}.`)).toBe(true);
        expect(command.keys.length).toBeGreaterThan(0);
        for (const key of command.keys) expect(isKeyName(key)).toBe(true);
        expect(command.help).not.toBe('');
      }
    }
  });

  it('draws the footers from the tables', () => {
    const repl = resolveViewBindings('repl');
    expect(viewFooterHints(repl, { running: false }).map((h) => `${h.key} ${h.label}`)).toEqual([
      '^S/^D send',
      'Esc close',
      '↑/↓ history',
      '^N templates',
      '^O saved',
      '^W save',
      '^T target',
      '^F format',
      '^G go to error',
      'PgUp/PgDn response',
      '^K keys',
    ]);
    expect(viewFooterHints(repl, { running: true })[1]?.label).toBe('cancel');
    const list = resolveViewBindings('replList');
    expect(viewFooterHints(list, { list: 'templates' }).map((h) => h.label)).toEqual([
      'choose',
      'insert',
      'back',
      'keys',
    ]);
    expect(viewFooterHints(list, { list: 'saved' }).map((h) => h.label)).toEqual([
      'choose',
      'load',
      'delete',
      'back',
      'keys',
    ]);
    const add = resolveViewBindings('addDialog');
    expect(viewFooterHints(add, { step: 'source' }).map((h) => `${h.key} ${h.label}`)).toEqual([
      'Enter next',
      'Tab complete',
      'Esc cancel',
      '^K keys',
    ]);
    expect(viewFooterHints(add, { step: 'handler' }).map((h) => h.label)).toEqual([
      'add',
      'cancel',
      'keys',
    ]);
    const remove = resolveViewBindings('deleteDialog');
    expect(viewFooterHints(remove).map((h) => `${h.key} ${h.label}`)).toEqual([
      'Space tick',
      'Enter press',
      'Esc cancel',
      '↑/↓ move',
      '? keys',
    ]);
    // Typing the row's name, only the field's two keys work.
    expect(viewFooterHints(remove, { typing: true }).map((h) => h.label)).toEqual([
      'confirm',
      'cancel',
    ]);
    expect(
      viewFooterHints(resolveViewBindings('settings')).map((h) => `${h.key} ${h.label}`),
    ).toEqual(['Esc close', '↑/↓ scroll', '? keys']);
    // The fields where `?` is text offer Ctrl-K for their help.
    const footer = (view: 'commandLine' | 'filter' | 'timelineSearch') =>
      viewFooterHints(resolveViewBindings(view)).map((h) => `${h.key} ${h.label}`);
    expect(footer('commandLine')).toEqual(['Enter run', 'Tab complete', 'Esc cancel', '^K keys']);
    expect(footer('filter')).toEqual(['Enter keep', 'Esc clear', '^K keys']);
    expect(footer('timelineSearch')).toEqual(['Enter search', 'Esc cancel', '^K keys']);
    expect(viewCommandFor(list, 'd', { list: 'templates' })).toBeUndefined();
    expect(viewCommandFor(list, 'd', { list: 'saved' })).toBe('replList.delete');
  });

  it('applies overrides by namespaced id and refuses the bad ones', () => {
    const bindings = resolveViewBindings('timeline', {
      'timeline.close': ['x'],
      'timeline.search': 'j',
      'timeline.nope': 'z',
      'repl.send': 'ctrl+x',
      build: 'B',
    });
    expect(viewCommandFor(bindings, 'x')).toBe('timeline.close');
    expect(viewCommandFor(bindings, 'escape')).toBeUndefined();
    // j is lineDown's: the override is refused and / still searches.
    expect(viewCommandFor(bindings, '/')).toBe('timeline.search');
    expect(bindings.problems).toEqual([
      'keys.timeline.nope: there is no command timeline.nope',
      'keys.timeline.search: j is already the key of timeline.lineDown',
    ]);
    expect(viewFooterHints(bindings)[0]).toEqual({
      key: 'x',
      label: 'close',
      id: 'timeline.close',
    });
  });

  it('checks every view’s overrides in the keys setting, keeping the good ones', () => {
    expect(keyOverrideProblems({ 'repl.send': 'ctrl+x', build: 'B' })).toEqual([]);
    expect(keyOverrideProblems({ 'nowhere.x': 'x', 'repl.send': 'ctrl+c' })).toEqual([
      'keys.nowhere.x: there is no command nowhere.x',
      'keys.repl.send: "ctrl+c" is not a key',
    ]);
    const { settings, problems } = readSettings({
      keys: { 'repl.send': 'ctrl+x', 'timeline.close': 5 },
    });
    expect(settings.keys).toEqual({ 'repl.send': 'ctrl+x' });
    expect(problems).toEqual(['keys.timeline.close: give a key or a list of keys (ignored)']);
  });

  it('is listed in docs/tui.md, word for word', () => {
    const page = readFileSync(path.join(repoRoot, 'docs', 'tui.md'), 'utf8');
    for (const view of VIEW_NAMES) expect(page).toContain(viewKeysMarkdown(view));
  });

  it('dispatches the timeline through the overridden keys', async () => {
    let closed = 0;
    const requestId = COLD_ID;
    const invocation = {
      id: 1,
      name: 'hello',
      target: 'local' as const,
      at: new Date(0),
      payload: '{}',
      seconds: 0.2,
      requestId,
      log: parseInvocationLog(coldThenWarm(), { requestId }),
      result: { ok: true as const },
    };
    const app = await renderAt(
      <ThemeContext.Provider value={THEMES.mono}>
        <KeyOverrides keys={{ 'timeline.close': 'x' }}>
          <TimelineView
            invocations={[invocation]}
            width={80}
            height={24}
            onClose={() => {
              closed++;
            }}
          />
        </KeyOverrides>
      </ThemeContext.Provider>,
    );
    expect(frameLines(app).at(-1)).toMatch(/^x close/);
    await press(app, 'q');
    expect(closed).toBe(0);
    await press(app, 'x');
    await waitForFrame(app, () => closed === 1);
    expect(closed).toBe(1);
  });
});
