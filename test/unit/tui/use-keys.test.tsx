import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { type KeyPress, NO_KEY, splitPresses, useKeys } from '../../../src/tui/use-keys.js';

const plain = NO_KEY;

function Recorder() {
  const [seen, setSeen] = useState<string[]>([]);
  useKeys((press: KeyPress) => setSeen((list) => [...list, press.name ?? '?']));
  return <Text>{seen.join(' ')}</Text>;
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
});

describe('useKeys', () => {
  it('handles every key of a run, in order, and keys sent meanwhile after them', async () => {
    const { stdin, lastFrame } = render(<Recorder />);
    await quiet();
    stdin.write('jjk');
    stdin.write('\t');
    await quiet();
    expect(lastFrame()).toBe('j j k tab');
  });
});
