// Payloads from the argument, a file (--file or @file) or stdin, and JSON mistakes said with
// their line and column.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePayload, readPayload } from '../../../src/cli/payload.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lambdash-payload-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function stdin(text: string | undefined, isTTY = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = isTTY;
  if (text !== undefined) stream.end(text);
  return stream;
}

describe('readPayload', () => {
  it('parses the argument', async () => {
    expect(
      await readPayload({ argument: '{"a": [1, "b"]}', stdin: stdin(undefined, true) }),
    ).toEqual({ a: [1, 'b'] });
    expect(await readPayload({ argument: '"text"', stdin: stdin(undefined, true) })).toBe('text');
  });

  it('reads --file and @file', async () => {
    const file = path.join(dir, 'p.json');
    writeFileSync(file, '{"from": "file"}');
    expect(await readPayload({ file, stdin: stdin(undefined, true) })).toEqual({ from: 'file' });
    expect(await readPayload({ argument: `@${file}`, stdin: stdin(undefined, true) })).toEqual({
      from: 'file',
    });
  });

  it('reads stdin when piped or given -, and is {} from a terminal or an empty pipe', async () => {
    expect(await readPayload({ stdin: stdin('[1,2]') })).toEqual([1, 2]);
    expect(await readPayload({ argument: '-', stdin: stdin('3') })).toBe(3);
    expect(await readPayload({ stdin: stdin('') })).toEqual({});
    expect(await readPayload({ stdin: stdin(undefined, true) })).toEqual({});
  });

  it('refuses two sources, a missing file and a file that is a folder', async () => {
    await expect(
      readPayload({ argument: '{}', file: 'x.json', stdin: stdin(undefined, true) }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: 'Both a payload argument and --file were given.',
    });
    const missing = path.join(dir, 'none.json');
    await expect(
      readPayload({ file: missing, stdin: stdin(undefined, true) }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: `There is no payload file at ${missing}.`,
    });
    await expect(readPayload({ file: dir, stdin: stdin(undefined, true) })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: `The payload file ${dir} cannot be read (EISDIR).`,
    });
  });
});

describe('parsePayload', () => {
  it('says where JSON is wrong', () => {
    expect(() => parsePayload('{\n  "a": 1,\n}', 'stdin')).toThrow(
      'The payload in stdin is not JSON: line 3, column 1: JSON allows no comma before }.',
    );
    expect(() => parsePayload("{'a': 1}", 'the argument')).toThrow(
      `The payload in the argument is not JSON: line 1, column 2: unexpected "'a'".`,
    );
    expect(() => parsePayload('', 'the file x')).toThrow(
      'The payload in the file x is not JSON: line 1, column 1: the text is empty.',
    );
  });
});
