import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, openPayloadStore } from '../../../../src/tui/repl/payload-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambdash-payloads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('payload store', () => {
  it('keeps history per function across stores on the same folder, newest last', () => {
    const store = openPayloadStore({ cwd: dir });
    store.addToHistory('hello', '{"a":1}');
    store.addToHistory('hello', '{"a":2}');
    store.addToHistory('other.fn', '[]');
    store.addToHistory('hello', '{"a":1}');
    const again = openPayloadStore({ cwd: dir });
    expect(again.history('hello')).toEqual(['{"a":2}', '{"a":1}']);
    expect(again.history('other.fn')).toEqual(['[]']);
    expect(again.history('missing')).toEqual([]);
    expect(again.problem).toBeUndefined();
    const file = JSON.parse(readFileSync(join(dir, 'invoke-payloads.json'), 'utf8'));
    expect(file.functions['other.fn']).toEqual({ history: ['[]'], saved: [] });
  });

  it('uses LAMBDASH_CONFIG_DIR when no folder is given', () => {
    const before = process.env.LAMBDASH_CONFIG_DIR;
    process.env.LAMBDASH_CONFIG_DIR = dir;
    try {
      openPayloadStore().addToHistory('f', '1');
    } finally {
      if (before === undefined) delete process.env.LAMBDASH_CONFIG_DIR;
      else process.env.LAMBDASH_CONFIG_DIR = before;
    }
    expect(openPayloadStore({ cwd: dir }).history('f')).toEqual(['1']);
  });

  it(`keeps the last ${HISTORY_LIMIT} payloads`, () => {
    const store = openPayloadStore({ cwd: dir });
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) store.addToHistory('f', String(i));
    const history = store.history('f');
    expect(history.length).toBe(HISTORY_LIMIT);
    expect([history[0], history.at(-1)]).toEqual(['5', String(HISTORY_LIMIT + 4)]);
  });

  it('saves payloads by name, replacing one of the same name, and deletes them', () => {
    const store = openPayloadStore({ cwd: dir });
    store.save('f', 'order', '{"item":"tea"}');
    store.save('f', 'empty', '{}');
    store.save('f', 'order', '{"item":"coffee"}');
    expect(openPayloadStore({ cwd: dir }).saved('f')).toEqual([
      { name: 'empty', payload: '{}' },
      { name: 'order', payload: '{"item":"coffee"}' },
    ]);
    store.deleteSaved('f', 'empty');
    expect(openPayloadStore({ cwd: dir }).saved('f')).toEqual([
      { name: 'order', payload: '{"item":"coffee"}' },
    ]);
  });

  it('ignores malformed entries and says so', () => {
    writeFileSync(
      join(dir, 'invoke-payloads.json'),
      JSON.stringify({
        functions: {
          good: { history: ['1', 2, '3'], saved: [{ name: 'x', payload: '{}' }, { name: 1 }] },
          bad: 'nope',
        },
      }),
    );
    const store = openPayloadStore({ cwd: dir });
    expect(store.history('good')).toEqual(['1', '3']);
    expect(store.saved('good')).toEqual([{ name: 'x', payload: '{}' }]);
    expect(store.history('bad')).toEqual([]);
    expect(store.problem).toBe(
      `${join(dir, 'invoke-payloads.json')}: the entry for "bad" is malformed; ignored.`,
    );
  });

  it('never overwrites a file it cannot read, and remembers for the session instead', () => {
    const path = join(dir, 'invoke-payloads.json');
    writeFileSync(path, '{ not json');
    const store = openPayloadStore({ cwd: dir });
    expect(store.history('f')).toEqual([]);
    store.addToHistory('f', '{"a":1}');
    expect(store.history('f')).toEqual(['{"a":1}']);
    expect(readFileSync(path, 'utf8')).toBe('{ not json');
    expect(store.problem).toMatch(
      /invoke-payloads\.json cannot be read \(.*\): fix or delete it to keep payloads\.$/,
    );
  });

  describe('is private to the user', () => {
    const modeOf = (path: string) => statSync(path).mode & 0o777;

    it('writes the file 0600 and makes a missing folder 0700', () => {
      const folder = join(dir, 'made', 'config');
      const store = openPayloadStore({ cwd: folder });
      store.addToHistory('f', '{"token":"s3cret"}');
      expect(modeOf(join(folder, 'invoke-payloads.json')).toString(8)).toBe('600');
      expect(modeOf(folder).toString(8)).toBe('700');
      expect(modeOf(join(dir, 'made')).toString(8)).toBe('700');
    });

    it('tightens a file written readable by all, and leaves a folder it did not make alone', () => {
      chmodSync(dir, 0o755);
      const file = join(dir, 'invoke-payloads.json');
      writeFileSync(file, JSON.stringify({ functions: { f: { history: ['1'], saved: [] } } }));
      chmodSync(file, 0o644);
      const store = openPayloadStore({ cwd: dir });
      // Opening is enough: the history already there is private before anything is added.
      expect(modeOf(file).toString(8)).toBe('600');
      store.save('f', 'order', '{"card":"4111"}');
      expect(modeOf(file).toString(8)).toBe('600');
      expect(store.history('f')).toEqual(['1']);
      expect(modeOf(dir).toString(8)).toBe('755');
    });

    it("makes lambdash's own folder 0700 in the default place", () => {
      const before = { xdg: process.env.XDG_CONFIG_HOME, own: process.env.LAMBDASH_CONFIG_DIR };
      process.env.XDG_CONFIG_HOME = dir;
      delete process.env.LAMBDASH_CONFIG_DIR;
      try {
        openPayloadStore().addToHistory('f', '1');
      } finally {
        for (const [key, value] of [
          ['XDG_CONFIG_HOME', before.xdg],
          ['LAMBDASH_CONFIG_DIR', before.own],
        ] as const) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
      const folder = join(dir, 'lambdash-nodejs');
      expect(modeOf(folder).toString(8)).toBe('700');
      expect(modeOf(join(folder, 'invoke-payloads.json')).toString(8)).toBe('600');
    });
  });
});
