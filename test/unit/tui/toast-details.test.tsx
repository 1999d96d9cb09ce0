// "(e: details)" leads somewhere: the app's toasts offer `e` for exactly the errors it kept for
// the errors panel, and never for one it did not (a mistyped command line).
import { afterEach, describe, expect, it } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import { App } from '../../../src/tui/app.js';
import { NOW, row } from './rows.js';
import { CONNECTED, KEYS, renderApp, type TestServices, testServices } from './services.js';

let current: TestServices | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

async function start(session = CONNECTED) {
  current = testServices([row('alpha', { local: true })], {
    session,
    settings: { theme: 'mono' },
  });
  const ui = await renderApp(
    <App
      services={current.services}
      projectDir="/project"
      size={{ columns: 140, rows: 24 }}
      clock={() => NOW}
      onExit={() => undefined}
    />,
  );
  return { ui, test: current };
}

describe('error toasts and the errors panel', () => {
  it('a command-line error does not offer e, which has nothing to show', async () => {
    const { ui } = await start();
    await ui.press(':');
    await ui.type('deplyo');
    await ui.press(KEYS.enter);
    const toast = ui.lines().find((line) => line.startsWith('✖'));
    expect(toast).toBeDefined();
    expect(toast).not.toContain('(e: details)');
    // And indeed e has nothing: the errors panel is not offered.
    await ui.press('e');
    expect(ui.frame()).not.toContain('Errors (');
  });

  it('a failed operation offers e, and e shows it', async () => {
    const { ui, test } = await start();
    await ui.press('b');
    test.calls[0]!.fail(new LambdashError('BUNDLE_FAILED', 'The code does not bundle.', 'Fix it.'));
    await ui.press();
    expect(ui.frame()).toContain(
      '✖ Build failed: The code does not bundle. — Fix it. (e: details)',
    );
    await ui.press('e');
    expect(ui.frame()).toContain('Errors (1), newest first');
    expect(ui.frame()).toContain('build alpha [BUNDLE_FAILED]');
  });

  it('a failed connection offers e, and e shows it', async () => {
    const error = new LambdashError(
      'AWS_CREDENTIALS',
      'No AWS credentials were found.',
      'Run aws configure.',
    );
    const { ui } = await start({
      ...CONNECTED,
      target: { status: 'failed', target: undefined, description: 'not connected', error },
    });
    expect(ui.frame()).toContain(
      '✖ No AWS credentials were found. — Run aws configure. (e: details)',
    );
    await ui.press('e');
    expect(ui.frame()).toContain('connect to AWS [AWS_CREDENTIALS]');
  });
});
