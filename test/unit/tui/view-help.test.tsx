// The help of a view shows which of its keys work now from the view's live state: a change
// while the help is open (the REPL's invocation ending) re-dims its lines.
import { cleanup } from 'ink-testing-library';
import { type ReactNode, useState } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import { useKeys } from '../../../src/tui/use-keys.js';
import { useViewHelp, ViewHelpHost } from '../../../src/tui/view-help.js';
import { press, renderAt, waitForFrame } from './timeline/terminal.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

afterEach(() => cleanup());

let setTyping: (typing: boolean) => void = () => undefined;

/** A view over the delete dialog's table whose state changes from outside, as a REPL's does. */
function Dialog(): ReactNode {
  const [typing, set] = useState(false);
  setTyping = set;
  const openHelp = useViewHelp({ typing });
  useKeys(({ input }) => {
    if (input === '?') openHelp('deleteDialog');
  });
  return null;
}

const DIM = '\u001b[2m';
/** The help's line for a command that works only while choosing parts. */
const upLine = (frame: string) =>
  frame.split('\n').find((line) => line.includes('The part or button above')) ?? '';

it('dims the keys that stop working while the help is open, and undims them again', async () => {
  const app = await renderAt(
    <ViewHelpHost width={100} height={24}>
      <Dialog />
    </ViewHelpHost>,
  );
  await press(app, '?');
  expect(upLine(await waitForFrame(app, (f) => upLine(f) !== ''))).not.toContain(DIM);
  setTyping(true);
  await waitForFrame(app, (f) => upLine(f).includes(DIM));
  setTyping(false);
  await waitForFrame(app, (f) => upLine(f) !== '' && !upLine(f).includes(DIM));
});
