// The settings panel's hint leads somewhere: what it says to do, done from there, changes the
// setting.
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { NOW, row } from './rows.js';
import { KEYS, renderApp, type TestServices, testServices } from './services.js';

let current: TestServices | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

describe('the settings panel', () => {
  it('says how to change a setting, and doing just that changes it', async () => {
    current = testServices([row('alpha', { local: true })], { settings: { theme: 'mono' } });
    const ui = await renderApp(
      <App
        services={current.services}
        projectDir="/project"
        size={{ columns: 100, rows: 30 }}
        clock={() => NOW}
        onExit={() => undefined}
      />,
    );
    await ui.press(',');
    expect(ui.frame()).toContain(
      'To change one: Esc, then :set NAME VALUE (:set theme light); :unset NAME resets one.',
    );
    await ui.press(KEYS.escape, ':');
    await ui.type('set refreshSeconds 30');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('✔ refreshSeconds = 30');
    await ui.press(',');
    expect(ui.frame()).toMatch(/refreshSeconds +30/);
  });
});
