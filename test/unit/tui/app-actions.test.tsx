import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import { App } from '../../../src/tui/app.js';
import { NOW, row } from './rows.js';
import { KEYS, renderApp, type TestServices, testServices } from './services.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

let current: TestServices | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

const ROWS = [
  row('alpha', { local: true }),
  row('bravo', { local: true, fn: true }),
  row('charlie'),
];

async function start(
  options: { settings?: Record<string, unknown>; columns?: number; rows?: number } = {},
) {
  current = testServices(ROWS, { settings: { theme: 'mono', ...options.settings } });
  const ui = await renderApp(
    <App
      services={current.services}
      projectDir="/project"
      size={{ columns: options.columns ?? 100, rows: options.rows ?? 24 }}
      clock={() => NOW}
      onExit={() => undefined}
    />,
  );
  return { ui, test: current };
}

describe('actions from the key table', () => {
  it('runs build on the selected row, shows its progress, and cancels it with Esc', async () => {
    const { ui, test } = await start();
    await ui.press('b');
    expect(test.calls.map((call) => [call.action, call.row])).toEqual([['build', 'row:alpha']]);
    test.calls[0]!.emit({ type: 'build.step', step: 3, total: 6, text: 'Bundling' });
    await ui.press();
    const frame = ui.frame();
    expect(frame).toMatch(/⟳ build alpha ████░░░░░░░░ step 3\/6 Bundling +Esc cancels/);
    // The row shows its operation in the activity column.
    expect(ui.lines()[1]).toMatch(/ACTIVITY$/);
    expect(ui.lines()[2]).toMatch(/alpha .* build ██░░░ 33%/);
    expect(ui.lines().at(-1)).toMatch(/^Esc cancel {2}i invoke/);
    // Another build of the same row is not offered while one runs.
    await ui.press('b');
    expect(test.calls).toHaveLength(1);
    await ui.press(KEYS.escape);
    expect(test.calls[0]!.options.signal!.aborted).toBe(true);
    expect(ui.frame()).toContain('ℹ Build alpha was cancelled.');
    expect(ui.frame()).not.toContain('⟳ build');
  });

  it('toasts a success and refreshes the table', async () => {
    const { ui, test } = await start({ columns: 140 });
    await ui.press('j', 'c');
    expect(test.calls.map((call) => [call.action, call.row])).toEqual([['deploy', 'row:bravo']]);
    test.calls[0]!.emit({ type: 'wait', what: 'bravo', state: 'Pending', seconds: 3 });
    await ui.press();
    expect(ui.frame()).toContain('waiting for bravo: Pending 3s');
    await test.setRows([...ROWS, row('delta')]);
    test.calls[0]!.finish(
      'Deployed bravo: function updated with image 3f2a1c9e0b4d, built now from the changed source; test passed.',
    );
    await ui.press();
    expect(ui.frame()).toContain(
      '✔ Deployed bravo: function updated with image 3f2a1c9e0b4d, built now from the changed source; test passed.',
    );
    expect(ui.frame()).toContain('● delta');
  });

  it('keeps a failure: an error toast with its hint, details with e, never a crash', async () => {
    const { ui, test } = await start({ columns: 160 });
    await ui.press('p');
    test.calls[0]!.fail(
      new LambdashError(
        'AWS_CREDENTIALS',
        'The SSO session for profile dev has expired.',
        'Run aws sso login --profile dev.',
        {
          cause: new Error('Token is expired'),
        },
      ),
    );
    await ui.press();
    expect(ui.frame()).toContain(
      '✖ Push failed: The SSO session for profile dev has expired. — Run aws sso login --profile dev. (e: details)',
    );
    expect(ui.lines().at(-1)).toContain('e error');
    await ui.press('e');
    const frame = ui.frame();
    expect(frame).toContain('push alpha [AWS_CREDENTIALS]');
    expect(frame).toContain('The SSO session for profile dev has expired.');
    expect(frame).toContain('Hint: Run aws sso login --profile dev.');
    expect(frame).toContain('Cause: Error: Token is expired');
    await ui.press(KEYS.escape);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('writes the command log, shown with h in a table', async () => {
    const { ui, test } = await start();
    await ui.press('t');
    test.calls[0]!.emit({ type: 'aws.call', service: 'ECR', operation: 'DescribeImages' });
    test.calls[0]!.emit({ type: 'warmup.done', cacheBytes: 2_000_000, ms: 120 });
    test.calls[0]!.finish('Test passed in 0.4 s.');
    await ui.press();
    await ui.press('h');
    const frame = ui.frame();
    expect(frame).toContain('Command log');
    expect(frame).toMatch(/│ time +│ what +│/);
    expect(frame).toMatch(/│ \d\d:\d\d:\d\d │ test alpha: started +│/);
    expect(frame).toMatch(/│ \d\d:\d\d:\d\d │ → aws: ECR DescribeImages +│/);
    expect(frame).toMatch(
      /│ \d\d:\d\d:\d\d │ warm-up: 2\.0 MB of compiled code kept \(120 ms\) +│/,
    );
    expect(frame).toMatch(/│ \d\d:\d\d:\d\d │ ✔ test alpha: Test passed in 0\.4 s\. +│/);
  });

  it('shows every part of a row with v', async () => {
    const { ui } = await start({ rows: 40 });
    await ui.press('j', 'v');
    const frame = ui.frame();
    expect(frame).toContain('Details: bravo');
    expect(frame).toMatch(/│ responder +│ bravo \(current\) +│/);
    expect(frame).toMatch(/│ function +│ bravo +│/);
    expect(frame).toMatch(/│ {3}state +│ Active +│/);
  });
});

describe('the delete dialog', () => {
  it('focuses Cancel: Enter right away deletes nothing', async () => {
    const { ui, test } = await start();
    await ui.press('j', 'd');
    const frame = ui.frame();
    expect(frame).toContain('Delete bravo');
    expect(frame).toContain('[x] function bravo');
    expect(frame).toContain('[ ] repository bravo (with all its images)');
    expect(frame).toContain('[x] local image');
    await ui.press(KEYS.enter);
    expect(test.calls).toHaveLength(0);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('asks to type the name before deleting anything in AWS', async () => {
    const { ui, test } = await start();
    await ui.press('j', 'd', KEYS.tab, KEYS.enter);
    expect(ui.frame()).toContain('This deletes resources in AWS. Type bravo to confirm:');
    await ui.type('brav');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('That is not bravo; type it exactly, or Esc to cancel.');
    expect(test.calls).toHaveLength(0);
    await ui.type('o');
    await ui.press(KEYS.enter);
    expect(test.calls.map((call) => [call.action, call.row, call.parts])).toEqual([
      ['remove', 'row:bravo', ['function', 'remoteImage', 'localImage']],
    ]);
  });

  it('deletes only the local image without typing, when that is all that is ticked', async () => {
    const { ui, test } = await start();
    // Up from Cancel to the parts: untick function and remote image, tick nothing else.
    await ui.press('j', 'd', 'k', 'k', 'k', KEYS.space, 'k', KEYS.space);
    expect(ui.frame()).toContain('[ ] function bravo');
    expect(ui.frame()).toMatch(/\[ \] remote image/);
    await ui.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab, KEYS.enter);
    expect(test.calls.map((call) => call.parts)).toEqual([['localImage']]);
  });

  it('Esc closes it', async () => {
    const { ui, test } = await start();
    await ui.press('d', KEYS.escape);
    expect(test.calls).toHaveLength(0);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });
});

describe('the add dialog', () => {
  it('asks for the path, then the handler, and adds the responder', async () => {
    const { ui, test } = await start();
    await ui.press('n');
    expect(ui.frame()).toContain('Add a responder');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('Give the path of the responder.');
    await ui.type('examples/hello-ts/handler.ts');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('handler> handler');
    await ui.press(KEYS.enter);
    expect(test.calls.map((call) => [call.action, call.args])).toEqual([
      ['addResponder', ['examples/hello-ts/handler.ts', 'handler']],
    ]);
  });
});

describe('the command line', () => {
  it('runs key table commands by name', async () => {
    const { ui, test } = await start();
    await ui.press('j', ':');
    await ui.type('deploy');
    expect(ui.frame()).toContain(':deploy');
    await ui.press(KEYS.enter);
    expect(test.calls.map((call) => [call.action, call.row])).toEqual([['deploy', 'row:bravo']]);
  });

  it('completes names with Tab and suggests the nearest for a typo', async () => {
    const { ui } = await start();
    await ui.press(':');
    await ui.type('depl');
    await ui.press(KEYS.tab);
    expect(ui.frame()).toContain(':deploy ');
    await ui.press(KEYS.escape, ':');
    await ui.type('delpoy');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('✖ There is no command :delpoy. — Did you mean :deploy?');
  });

  it('changes settings with :set, stored in the settings file, and refuses bad values', async () => {
    const { ui, test } = await start({ columns: 160 });
    await ui.press(':');
    await ui.type('set region eu-west-3');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('✔ region = "eu-west-3"');
    expect(test.reconnects).toBe(1);
    const file = JSON.parse(readFileSync(path.join(test.configDir, 'settings.json'), 'utf8'));
    expect(file.region).toBe('eu-west-3');
    await ui.press(':');
    await ui.type('set refreshSeconds 1');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain(
      '✖ refreshSeconds: "1" is not a whole number of seconds from 2 to 3600. — For instance :set refreshSeconds 30.',
    );
    await ui.press(',');
    expect(ui.frame()).toMatch(/region +eu-west-3/);
    expect(ui.frame()).toMatch(/refreshSeconds +15/);
  });
});

describe('settings', () => {
  it('applies key overrides and reports a bad entry without failing', async () => {
    const { ui, test } = await start({
      settings: { keys: { build: ['B'], push: ['???'] }, refreshSeconds: 'often' },
    });
    expect(ui.frame()).toContain('⚠ Settings:');
    await ui.press('b');
    expect(test.calls).toHaveLength(0);
    await ui.press('B');
    expect(test.calls.map((call) => call.action)).toEqual(['build']);
    await ui.press('j', 'p');
    expect(test.calls.map((call) => call.action)).toEqual(['build', 'push']);
    await ui.press(',');
    const frame = ui.frame();
    expect(frame).toContain('⚠ keys.push: "???" is not a key (ignored)');
    expect(frame).toContain(
      '⚠ refreshSeconds: "often" is not a whole number of seconds from 2 to 3600 (ignored)',
    );
  });
});

describe('key overrides in the other views', () => {
  it("reach the REPL the app opens: the user's key closes it, the default no longer does", async () => {
    const { ui } = await start({ settings: { keys: { 'repl.close': ['ctrl+q'] } } });
    await ui.press('j', KEYS.enter);
    await ui.waitFor('Invoke bravo');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('Invoke bravo');
    await ui.press('\u0011');
    await ui.waitFor('RESPONDER');
    expect(ui.frame()).not.toContain('Invoke bravo');
  });
});

describe('the dialogs’ and the settings’ key tables in the app', () => {
  it('draws the delete dialog’s footer from its table, and ? lists its keys, then back', async () => {
    const { ui } = await start();
    await ui.press('j', 'd', 'k');
    expect(ui.lines().at(-1)).toBe('Space tick  Enter press  Esc cancel  ↑/↓ move  ? keys');
    await ui.press(KEYS.space);
    expect(ui.frame()).toContain('[ ] local image');
    await ui.press('?');
    const help = ui.frame();
    expect(help).toContain('The delete dialog');
    expect(help).toContain('Tick or untick the part in focus');
    expect(help).toContain('To the Delete button');
    // The REPL's keys are not this view's.
    expect(help).not.toContain('Send the payload');
    expect(help).not.toContain('Delete bravo');
    // Back to the dialog as it was: the part unticked stays unticked.
    await ui.press('?');
    expect(ui.frame()).toContain('[ ] local image');
    expect(ui.frame()).toContain('Delete bravo');
  });

  it('Ctrl-K in the REPL lists the REPL’s keys, and ? stays text there', async () => {
    const { ui } = await start();
    await ui.press('j', KEYS.enter);
    await ui.waitFor('Invoke bravo');
    await ui.type('?');
    await ui.press('\u000b');
    const help = ui.frame();
    expect(help).toContain('The invoke REPL');
    expect(help).toContain('Ctrl-S Ctrl-D Ctrl-Enter');
    expect(help).toContain('Send the payload (never invalid JSON)');
    expect(help).toContain('Switch the target');
    expect(help).not.toContain('Tick or untick');
    await ui.press(KEYS.escape);
    await ui.waitFor('Invoke bravo');
    // Esc went to the help, not to the REPL: it is still open, its payload as typed.
    expect(ui.lines()).toContain('1 {}? ');
    expect(ui.lines().at(-1)).toMatch(/\^K keys$/);
  });

  it('lists the add dialog’s keys with Ctrl-K, its fields keeping ? as text', async () => {
    const { ui } = await start();
    await ui.press('n');
    await ui.type('a?b');
    expect(ui.frame()).toContain('path> a?b');
    expect(ui.lines().at(-1)).toBe('Enter next  Tab complete  Esc cancel  ^K keys');
    await ui.press('\u000b');
    expect(ui.frame()).toContain('Complete the path typed so far');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('path> a?b');
  });

  it('lists the settings’ keys with ?', async () => {
    const { ui } = await start();
    await ui.press(',');
    expect(ui.lines().at(-1)).toBe('Esc close  ↑/↓ scroll  ? keys');
    await ui.press('?');
    expect(ui.frame()).toContain('Close the settings');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toMatch(/refreshSeconds +15/);
  });

  it('takes the user’s key for the add dialog', async () => {
    const { ui, test } = await start({ settings: { keys: { 'addDialog.confirm': 'ctrl+y' } } });
    await ui.press('n');
    await ui.type('examples/hello-ts/handler.ts');
    await ui.press(KEYS.enter);
    expect(ui.frame()).not.toContain('handler>');
    await ui.press('\u0019');
    expect(ui.frame()).toContain('handler> handler');
    await ui.press('\u0019');
    expect(test.calls.map((call) => call.action)).toEqual(['addResponder']);
  });

  it('takes the user’s key for the delete dialog', async () => {
    const { ui } = await start({ settings: { keys: { 'deleteDialog.cancel': 'ctrl+x' } } });
    await ui.press('j', 'd', KEYS.escape);
    expect(ui.frame()).toContain('Delete bravo');
    expect(ui.lines().at(-1)).toContain('^X cancel');
    await ui.press('\u0018');
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('refuses a character as the delete dialog’s cancel key: typed in the name field, it is text', async () => {
    const { ui, test } = await start({
      settings: { keys: { 'deleteDialog.cancel': 'x' } },
      columns: 200,
    });
    expect(ui.frame()).toContain('⚠ Settings: keys.deleteDialog.cancel: x is typed');
    await ui.press('j', 'd', KEYS.tab, KEYS.enter);
    expect(ui.frame()).toContain('Type bravo to confirm:');
    await ui.type('brax');
    expect(ui.frame()).toContain('> brax');
    expect(ui.frame()).toContain('Delete bravo');
    await ui.press(KEYS.backspace, KEYS.backspace);
    await ui.type('avo');
    await ui.press(KEYS.enter);
    expect(test.calls.map((call) => call.action)).toEqual(['remove']);
    await ui.press(',');
    expect(ui.frame()).toContain(
      "⚠ keys.deleteDialog.cancel: x is typed in the delete dialog's name field, so it cannot be a key there (give a named key or ctrl+LETTER) (ignored)",
    );
  });

  it('takes the user’s key for the settings', async () => {
    const { ui } = await start({ settings: { keys: { 'settings.close': ['x'] } } });
    await ui.press(',', KEYS.escape);
    expect(ui.frame()).toMatch(/refreshSeconds +15/);
    expect(ui.frame()).toContain('To change one: x, then :set NAME VALUE');
    await ui.press('x');
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('takes the user’s key for the text fields (the command line)', async () => {
    // Not Ctrl-K: that is the command line's help (commandLine.help), asked before the field.
    const { ui } = await start({ settings: { keys: { 'textInput.clear': 'ctrl+x' } } });
    await ui.press(':');
    await ui.type('deploy');
    await ui.press('\u0015');
    expect(ui.frame()).toContain(':deploy');
    await ui.press('\u0018');
    expect(ui.frame()).not.toContain(':deploy');
  });
});

describe('the command line’s and the filter’s key tables in the app', () => {
  it('draws the command line’s footer from its table, and Ctrl-K lists its keys, then back', async () => {
    const { ui } = await start();
    await ui.press(':');
    expect(ui.lines().at(-1)).toBe('Enter run  Tab complete  Esc cancel  ^K keys');
    await ui.type('dep?');
    await ui.press('\u000b');
    const help = ui.frame();
    expect(help).toContain('The command line (after :, any other key types)');
    expect(help).toContain('Complete the command name typed so far');
    expect(help).not.toContain('Keep the filter');
    expect(help).not.toContain('RESPONDER');
    // Esc went to the help: the command line is back as it was typed, ? included.
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain(':dep?');
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
    await ui.press(KEYS.escape);
    expect(ui.lines().at(-1)).toMatch(/^b build/);
  });

  it('draws the filter’s footer and placeholder from its table, and Ctrl-K lists its keys', async () => {
    const { ui } = await start();
    await ui.press('/');
    expect(ui.frame()).toContain('/ filter: type to narrow the rows, Enter keeps, Esc clears');
    expect(ui.lines().at(-1)).toBe('Enter keep  Esc clear  ^K keys');
    await ui.type('rav');
    await ui.press('\u000b');
    expect(ui.frame()).toContain('Clear the filter and go back to the rows');
    await ui.press('\u000b');
    expect(ui.frame()).toContain('/rav');
    expect(ui.frame()).not.toContain('alpha');
  });

  it('takes the user’s keys for the command line and the filter', async () => {
    const { ui, test } = await start({
      settings: { keys: { 'commandLine.run': 'ctrl+y', 'filter.clear': ['ctrl+g'] } },
    });
    expect(ui.frame()).not.toContain('⚠ Settings:');
    await ui.press('j', ':');
    expect(ui.lines().at(-1)).toMatch(/^\^Y run {2}Tab complete/);
    await ui.type('deploy');
    await ui.press(KEYS.enter);
    expect(test.calls).toHaveLength(0);
    expect(ui.frame()).toContain(':deploy');
    await ui.press('\u0019');
    expect(test.calls.map((call) => [call.action, call.row])).toEqual([['deploy', 'row:bravo']]);
    await ui.press('/');
    expect(ui.frame()).toContain('Enter keeps, Ctrl-G clears');
    await ui.type('rav');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('/rav');
    await ui.press('\u0007');
    expect(ui.frame()).toContain('alpha');
    expect(ui.frame()).not.toContain('/rav');
  });
});

describe('invoke and logs', () => {
  it('opens the invoke REPL on the row with Enter and closes it with Esc', async () => {
    const { ui } = await start();
    await ui.press('j', KEYS.enter);
    const frame = await ui.waitFor('Invoke bravo');
    // No AWS target in these tests: the local container is the place to invoke.
    expect(frame).toContain('Invoke bravo → ● local container of bravo:latest');
    expect(ui.lines()[1]).not.toMatch(/^RESPONDER/);
    await ui.press(KEYS.escape);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });

  it('opens the timeline with l', async () => {
    const { ui } = await start();
    await ui.press('j', 'l');
    expect(await ui.waitFor('Timeline')).toContain('No invocations yet');
    await ui.press(KEYS.escape);
    expect(ui.lines()[1]).toMatch(/^RESPONDER/);
  });
});
