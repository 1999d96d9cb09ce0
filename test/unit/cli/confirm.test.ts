// Confirmation prompts read from the given stdin and ask on stderr.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm, confirmByName } from '../../../src/cli/confirm.js';
import { CliContext } from '../../../src/cli/context.js';

function contextWith(answer: string | undefined) {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let asked = '';
  stderr.on('data', (chunk: Buffer) => {
    asked += chunk.toString();
  });
  if (answer !== undefined) stdin.write(`${answer}\n`);
  else stdin.end();
  const ctx = new CliContext(
    {},
    { stdin, stderr, stdout: new PassThrough() },
    new AbortController().signal,
  );
  return { ctx, asked: () => asked };
}

describe('confirm', () => {
  it('agrees only to y or yes, and asks on stderr', async () => {
    for (const [answer, agreed] of [
      ['y', true],
      ['YES', true],
      ['n', false],
      ['', false],
      ['yep', false],
    ] as const) {
      const { ctx, asked } = contextWith(answer);
      expect(await confirm(ctx, 'Remove it?')).toBe(agreed);
      expect(asked()).toBe('Remove it? [y/N] ');
    }
  });

  it('confirmByName needs the exact name; end of input is a no', async () => {
    const right = contextWith(' hello ');
    expect(await confirmByName(right.ctx, 'This removes: function hello', 'hello')).toBe(true);
    expect(right.asked()).toBe('This removes: function hello\nType hello to confirm: ');
    expect(await confirmByName(contextWith('Hello').ctx, 'x', 'hello')).toBe(false);
    expect(await confirmByName(contextWith(undefined).ctx, 'x', 'hello')).toBe(false);
  });
});
