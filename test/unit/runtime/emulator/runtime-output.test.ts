import { fstatSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeOutput } from '../../../../runtime/emulator/runtime-output.js';

let output: RuntimeOutput | undefined;
afterEach(() => output?.close());

function capture(options?: { compactAt?: number }) {
  const seen: string[] = [];
  output = new RuntimeOutput((text) => seen.push(text), options);
  return { output, text: () => seen.join('') };
}

describe('RuntimeOutput', () => {
  it('passes on what was written, once, when drained', () => {
    const { output, text } = capture();
    writeSync(output.fd, 'first line\n');
    writeSync(output.fd, 'second line\n');
    output.drain();
    expect(text()).toBe('first line\nsecond line\n');
    output.drain();
    expect(text()).toBe('first line\nsecond line\n');
  });

  it('leaves no file behind', () => {
    const { output } = capture();
    expect(fstatSync(output.fd).nlink).toBe(0);
  });

  it('never splits a character written in two parts', () => {
    const { output, text } = capture();
    const bytes = Buffer.from('été ✓\n');
    writeSync(output.fd, bytes.subarray(0, 2));
    output.drain();
    writeSync(output.fd, bytes.subarray(2));
    output.drain();
    expect(text()).toBe('été ✓\n');
  });

  it('reads more than one chunk at a time', () => {
    const { output, text } = capture();
    const big = `${'x'.repeat(200 * 1024)}\n`;
    writeSync(output.fd, big);
    output.drain();
    expect(text()).toBe(big);
  });

  it('starts the file over once large, and keeps reading after', () => {
    const { output, text } = capture({ compactAt: 10 });
    writeSync(output.fd, 'short\n');
    output.compact();
    expect(fstatSync(output.fd).size).toBe(6);
    writeSync(output.fd, 'long enough\n');
    output.compact();
    expect(fstatSync(output.fd).size).toBe(0);
    writeSync(output.fd, 'after\n');
    output.drain();
    expect(text()).toBe('short\nlong enough\nafter\n');
  });

  it('passes on the last words when closed', () => {
    const { output, text } = capture();
    writeSync(output.fd, 'bye');
    output.close();
    expect(text()).toBe('bye');
    output.drain();
    expect(text()).toBe('bye');
  });
});
