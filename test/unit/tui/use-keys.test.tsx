// The keyboard: one reader of stdin, one press at a time to the view in front. Keys that arrive
// together (one chunk, or separate writes in the same tick, as a paste or a slow link sends
// them) must reach the view that a key before them opened, never the one behind it.
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Colours on (before ink loads chalk): the selected row is drawn inverted.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { App } from '../../../src/tui/app.js';
import { KeyboardProvider, MAX_WAITING_PRESSES, useInterrupt } from '../../../src/tui/keyboard.js';
import { type KeyPress, NO_KEY, splitPresses, useKeys } from '../../../src/tui/use-keys.js';
import { NOW, row } from './rows.js';
import { KEYS, renderApp, stripAnsi, type TestServices, testServices } from './services.js';

const plain = NO_KEY;

/** A view that writes down the presses it gets. */
function Recorder(props: {
  label: string;
  seen: string[];
  isActive?: boolean;
  text?: 'line' | 'lines';
}) {
  useKeys(
    (press: KeyPress) => {
      props.seen.push(`${props.label}:${press.name ?? JSON.stringify(press.input)}`);
    },
    { isActive: props.isActive ?? true, ...(props.text ? { text: props.text } : {}) },
  );
  return <Text>{props.label}</Text>;
}

/** A view that opens a second one on `o` (which takes the keyboard) and closes it on `x`. */
function Opener(props: { seen: string[] }) {
  const [open, setOpen] = useState(false);
  useKeys(
    ({ name }) => {
      props.seen.push(`table:${name}`);
      if (name === 'o') setOpen(true);
    },
    { isActive: !open },
  );
  return open ? <Closer seen={props.seen} onClose={() => setOpen(false)} /> : <Text>table</Text>;
}

function Closer(props: { seen: string[]; onClose: () => void }) {
  useKeys(({ name }) => {
    props.seen.push(`dialog:${name}`);
    if (name === 'x') props.onClose();
  });
  return <Text>dialog</Text>;
}

async function quiet() {
  for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('splitPresses', () => {
  it('splits a run of characters into keys, Enter, Tab, Backspace and Ctrl keys included', () => {
    expect(splitPresses('jG\r\t\u007F\u0006', plain).map((press) => press.name)).toEqual([
      'j',
      'G',
      'enter',
      'tab',
      'backspace',
      'ctrl+f',
    ]);
    expect(splitPresses('j', plain).map((press) => press.name)).toEqual(['j']);
  });

  it('takes a pasted \\r\\n as one Enter', () => {
    expect(splitPresses('a\r\nb', plain).map((press) => press.name)).toEqual(['a', 'enter', 'b']);
  });
});

describe('the keyboard', () => {
  it('hands every key of a run, in order, and keys sent meanwhile after them', async () => {
    const seen: string[] = [];
    const { stdin } = render(
      <KeyboardProvider>
        <Recorder label="v" seen={seen} />
      </KeyboardProvider>,
    );
    await quiet();
    stdin.write('jjk');
    stdin.write('\t');
    await quiet();
    expect(seen).toEqual(['v:j', 'v:j', 'v:k', 'v:tab']);
  });

  it('gives each press to the view in front only: the one activated last', async () => {
    const seen: string[] = [];
    const tree = (second: boolean) => (
      <KeyboardProvider>
        <Recorder label="a" seen={seen} />
        {second ? <Recorder label="b" seen={seen} /> : null}
      </KeyboardProvider>
    );
    const { stdin, rerender } = render(tree(false));
    await quiet();
    stdin.write('1');
    rerender(tree(true));
    await quiet();
    stdin.write('2');
    rerender(tree(false));
    await quiet();
    stdin.write('3');
    await quiet();
    expect(seen).toEqual(['a:1', 'b:2', 'a:3']);
  });

  for (const [how, send] of [
    ['one chunk', (stdin: NodeJS.WritableStream) => stdin.write('jojxj')],
    [
      'separate writes in one tick',
      (stdin: NodeJS.WritableStream) => {
        for (const key of 'jojxj') stdin.write(key);
      },
    ],
  ] as const) {
    it(`sends the keys after one that opens a view to that view, and back (${how})`, async () => {
      const seen: string[] = [];
      const { stdin } = render(
        <KeyboardProvider>
          <Opener seen={seen} />
        </KeyboardProvider>,
      );
      await quiet();
      send(stdin as unknown as NodeJS.WritableStream);
      await quiet();
      expect(seen).toEqual(['table:j', 'table:o', 'dialog:j', 'dialog:x', 'table:j']);
    });
  }

  it('keeps the keys while no view has the keyboard, for the first that takes it', async () => {
    const seen: string[] = [];
    const tree = (active: boolean) => (
      <KeyboardProvider>
        <Recorder label="late" seen={seen} isActive={active} />
      </KeyboardProvider>
    );
    const { stdin, rerender } = render(tree(false));
    await quiet();
    stdin.write('ab');
    stdin.write('c');
    await quiet();
    expect(seen).toEqual([]);
    rerender(tree(true));
    await quiet();
    expect(seen).toEqual(['late:a', 'late:b', 'late:c']);
  });

  it('keeps at most MAX_WAITING_PRESSES keys waiting', async () => {
    const seen: string[] = [];
    const tree = (active: boolean) => (
      <KeyboardProvider>
        <Recorder label="field" seen={seen} isActive={active} text="line" />
      </KeyboardProvider>
    );
    const { stdin, rerender } = render(tree(false));
    await quiet();
    stdin.write('x'.repeat(MAX_WAITING_PRESSES + 10));
    await quiet();
    rerender(tree(true));
    await quiet();
    expect(seen).toEqual([`field:${JSON.stringify('x'.repeat(MAX_WAITING_PRESSES))}`]);
  });

  it('gives a text field the text waiting in a row as one press, up to a key that is not text', async () => {
    const seen: string[] = [];
    const { stdin, rerender } = render(
      <KeyboardProvider>
        <Recorder label="line" seen={seen} text="line" />
      </KeyboardProvider>,
    );
    await quiet();
    stdin.write('ab c\rde');
    await quiet();
    expect(seen).toEqual(['line:"ab c"', 'line:enter', 'line:"de"']);
    seen.length = 0;
    rerender(
      <KeyboardProvider>
        <Recorder label="editor" seen={seen} text="lines" />
      </KeyboardProvider>,
    );
    await quiet();
    stdin.write('{\r\t"a": 1\r}');
    stdin.write('\u0013');
    await quiet();
    expect(seen).toEqual(['editor:"{\\n\\t\\"a\\": 1\\n}"', 'editor:ctrl+s']);
  });

  it('sends Ctrl-C to the interrupt at once, dropping the keys still waiting', async () => {
    const seen: string[] = [];
    function Quitter() {
      useInterrupt(() => seen.push('interrupt'));
      return null;
    }
    const tree = (active: boolean) => (
      <KeyboardProvider>
        <Quitter />
        <Recorder label="late" seen={seen} isActive={active} />
      </KeyboardProvider>
    );
    const { stdin, rerender } = render(tree(false));
    await quiet();
    stdin.write('ab');
    stdin.write(KEYS.ctrlC);
    await quiet();
    rerender(tree(true));
    stdin.write('c');
    await quiet();
    expect(seen).toEqual(['interrupt', 'late:c']);
  });
});

describe('the app with keys arriving together', () => {
  let current: TestServices | undefined;
  afterEach(() => {
    current?.cleanup();
    current = undefined;
  });

  async function start() {
    // alpha can be deployed (a local image, AWS connected); bravo is below it.
    current = testServices([row('alpha', { local: true }), row('bravo', { local: true })], {
      settings: { theme: 'mono' },
    });
    const test = current;
    const ui = await renderApp(
      <App
        services={test.services}
        projectDir="/project"
        size={{ columns: 80, rows: 24 }}
        clock={() => NOW}
        onExit={() => undefined}
      />,
    );
    return { test, ui };
  }

  type Ui = Awaited<ReturnType<typeof start>>['ui'];
  const chunk = (ui: Ui, keys: string) => ui.stdin.write(keys);
  const writes = (ui: Ui, keys: string) => {
    for (const key of keys) ui.stdin.write(key);
  };
  const selected = (ui: Ui) =>
    stripAnsi(ui.rawLines().find((line) => line.includes('\u001B[7m')) ?? '')
      .trim()
      .split(/\s+/)[1];

  for (const [how, send] of [
    ['one chunk', chunk],
    ['separate writes in one tick', writes],
  ] as const) {
    it(`gives the command line every key after : (${how})`, async () => {
      const { test, ui } = await start();
      send(ui, ':cx');
      await ui.press();
      expect(ui.lines()[21]).toBe(':cx ');
      expect(test.calls).toEqual([]);
      send(ui, `${KEYS.escape}`);
      await ui.press();
      send(ui, ':hxyz');
      await ui.press();
      expect(ui.lines()[21]).toBe(':hxyz ');
      expect(ui.frame()).not.toContain('History');
    });

    it(`gives the filter every key after / (${how})`, async () => {
      const { ui } = await start();
      send(ui, '/new');
      await ui.press();
      expect(ui.lines()[21]).toBe('/new ');
      expect(ui.frame()).not.toContain('Add a responder');
    });
  }

  it('gives the table the keys after Esc closes a dialog', async () => {
    const { test, ui } = await start();
    await ui.press('n');
    expect(ui.frame()).toContain('Add a responder');
    // The Esc alone first (ink waits a turn to tell it from Alt-j), then j in the same tick
    // as the dialog closing.
    ui.stdin.write(KEYS.escape);
    await new Promise((resolve) => setImmediate(resolve));
    ui.stdin.write('j');
    await ui.press();
    expect(ui.frame()).not.toContain('Add a responder');
    expect(selected(ui)).toBe('bravo');
    expect(test.calls).toEqual([]);
  });
});
