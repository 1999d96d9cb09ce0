// The local cloud's durable state: what a change promises (on disk once it resolves), what a
// restart sees, and what a crash in the middle of a write leaves (the last complete state).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, Store } from '../../../src/localcloud/store.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

/** What is on disk right now, read the way a fresh process would. */
function onDisk(file: string): [string, unknown][] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: [string, unknown][] }).entries;
}

describe('Store', () => {
  it('keeps values by key in insertion order, numeric-looking keys included', async () => {
    const store = await Store.open<{ n: number }>(makeTempDir(), 'things');
    await store.set('b', { n: 1 });
    await store.set('10', { n: 2 });
    await store.set('a', { n: 3 });
    await store.set('b', { n: 4 });
    expect(store.keys()).toEqual(['b', '10', 'a']);
    expect(store.values()).toEqual([{ n: 4 }, { n: 2 }, { n: 3 }]);
    expect(store.entries()).toEqual([
      ['b', { n: 4 }],
      ['10', { n: 2 }],
      ['a', { n: 3 }],
    ]);
    expect(store.get('10')).toEqual({ n: 2 });
    expect(store.get('missing')).toBeUndefined();
    expect(store.has('a')).toBe(true);
    expect(store.size).toBe(3);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(store.has('a')).toBe(false);
  });

  it('survives a reopen: the next process loads exactly what was written', async () => {
    const dir = makeTempDir();
    const first = await Store.open<unknown>(dir, 'things');
    await first.setMany([
      ['2', { deep: { list: [1, 'two', null, true] } }],
      ['1', 'plain'],
      ['gone', 0],
    ]);
    await first.delete('gone');
    const second = await Store.open<unknown>(dir, 'things');
    expect(second.entries()).toEqual([
      ['2', { deep: { list: [1, 'two', null, true] } }],
      ['1', 'plain'],
    ]);
    await second.clear();
    expect((await Store.open<unknown>(dir, 'things')).size).toBe(0);
  });

  it('keeps collections apart, one file each', async () => {
    const dir = makeTempDir();
    const roles = await Store.open<string>(dir, 'roles');
    const logs = await Store.open<string>(dir, 'log-groups');
    await roles.set('k', 'role');
    await logs.set('k', 'log');
    expect(readdirSync(dir).sort()).toEqual(['log-groups.json', 'roles.json']);
    expect((await Store.open<string>(dir, 'roles')).get('k')).toBe('role');
    expect((await Store.open<string>(dir, 'log-groups')).get('k')).toBe('log');
  });

  it('resolves a change only once it is on disk, even when many changes share one write', async () => {
    const store = await Store.open<number>(makeTempDir(), 'counts');
    const checks = Array.from({ length: 200 }, (_, i) =>
      store.set(`k${i}`, i).then(() => {
        // Read synchronously as the promise resolves: nothing can run in between.
        const disk = new Map(onDisk(store.file));
        return disk.get(`k${i}`);
      }),
    );
    expect(await Promise.all(checks)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(onDisk(store.file)).toHaveLength(200);
    await store.flush();
    expect(readdirSync(path.dirname(store.file))).toEqual(['counts.json']);
  });

  it('writes the latest state when changes race: deletes and re-sets interleaved', async () => {
    const dir = makeTempDir();
    const store = await Store.open<number>(dir, 'race');
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(store.set('x', i));
      if (i % 3 === 0) writes.push(store.delete('x'));
      writes.push(store.set(`y${i % 5}`, i));
    }
    await Promise.all(writes);
    expect(new Map(onDisk(store.file))).toEqual(new Map(store.entries()));
    expect(store.get('x')).toBe(49);
    expect((await Store.open<number>(dir, 'race')).entries()).toEqual(store.entries());
  });

  it('ignores and removes temp files a crash left behind: a stray one and a truncated one', async () => {
    const dir = makeTempDir();
    const store = await Store.open<string>(dir, 'roles');
    await store.set('kept', 'complete state');
    const complete = readFileSync(store.file, 'utf8');
    writeFileSync(`${store.file}.tmp-0a1b2c`, complete.replace('complete state', 'newer state'));
    writeFileSync(`${store.file}.tmp-3d4e5f`, complete.slice(0, complete.length / 2));
    // Another collection's temp file is not this store's to remove.
    writeFileSync(path.join(dir, 'other.json.tmp-777777'), '{');

    const reopened = await Store.open<string>(dir, 'roles');
    expect(reopened.entries()).toEqual([['kept', 'complete state']]);
    expect(readdirSync(dir).sort()).toEqual(['other.json.tmp-777777', 'roles.json']);
  });

  it('refuses a state file that is not its own format instead of starting empty', async () => {
    const dir = makeTempDir();
    writeFileSync(path.join(dir, 'roles.json'), '{"entries": [["a", 1]');
    await expect(Store.open(dir, 'roles')).rejects.toThrow(
      `The local cloud's state file ${path.join(dir, 'roles.json')} is not valid JSON`,
    );
    writeFileSync(path.join(dir, 'logs.json'), '{"version": 99, "entries": []}');
    await expect(Store.open(dir, 'logs')).rejects.toThrow('has an unknown format');
  });

  it.each(['', '../escape', 'a/b', '.hidden', 'sp ace'])(
    'refuses the collection name %j',
    async (name) => {
      await expect(Store.open(makeTempDir(), name)).rejects.toThrow(
        `Invalid store collection name: ${name}`,
      );
    },
  );

  it('defaults to the XDG data folder, else ~/.local/share', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' })).toBe('/xdg/lambdash/localcloud');
    expect(defaultDataDir({ HOME: '/ignored-by-os-homedir' })).toMatch(
      /\/\.local\/share\/lambdash\/localcloud$/,
    );
  });
});

describe('Store: a process killed in the middle of its writes', () => {
  // A child process rewrites a large value in a loop and prints each count once its write has
  // resolved; it is killed with SIGKILL while writing. Whatever it acknowledged must be on disk,
  // and the file must hold one complete state (payload consistent with its count).
  const writerSource = `
    import { Store } from ${JSON.stringify(path.join(repoRoot, 'src/localcloud/store.ts'))};
    const store = await Store.open(process.argv[2], 'counter');
    let count = store.get('state')?.count ?? 0;
    for (;;) {
      count += 1;
      await store.set('state', { count, payload: String(count).padEnd(3_000_000, '#') + count });
      process.stdout.write(count + '\\n');
    }
  `;

  async function bundleWriter(): Promise<string> {
    const out = path.join(makeTempDir('lambdash-store-writer-'), 'writer.mjs');
    await build({
      stdin: { contents: writerSource, resolveDir: repoRoot, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      logLevel: 'silent',
    });
    return out;
  }

  /**
   * Runs the writer until it has acknowledged `atLeast` writes, then kills it at a random point
   * of a later write: right after an acknowledgement the writer is still building its next
   * state, so an immediate kill would always land between writes.
   */
  function runAndKill(writer: string, dir: string, atLeast: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const child: ChildProcess = spawn(process.execPath, [writer, dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let acknowledged = 0;
      let seen = 0;
      let firstAt = 0;
      let killing = false;
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          acknowledged = Number(line);
          if (seen++ === 0) firstAt = performance.now();
        }
        if (seen >= atLeast && !killing) {
          killing = true;
          const period = (performance.now() - firstAt) / (seen - 1);
          setTimeout(() => child.kill('SIGKILL'), Math.random() * period);
        }
      });
      child.on('error', reject);
      // 'close', not 'exit': every acknowledgement printed before the kill has been read.
      child.on('close', (code, signal) => {
        if (signal === 'SIGKILL') resolve(acknowledged);
        else reject(new Error(`the writer exited by itself (code ${code})`));
      });
    });
  }

  it('loses no acknowledged write and leaves a complete state, round after round', async () => {
    const writer = await bundleWriter();
    const dir = makeTempDir();
    let previous = 0;
    for (let round = 1; round <= 10; round++) {
      const acknowledged = await runAndKill(writer, dir, 6);
      const store = await Store.open<{ count: number; payload: string }>(dir, 'counter');
      const state = store.get('state');
      expect(state).toBeDefined();
      const count = state?.count ?? -1;
      // Acknowledged means durable; the write in flight may or may not have landed.
      expect([acknowledged, acknowledged + 1]).toContain(count);
      expect(count).toBeGreaterThan(previous);
      expect(state?.payload).toBe(String(count).padEnd(3_000_000, '#') + count);
      // Opening cleaned up the temp file of the interrupted write.
      expect(readdirSync(dir)).toEqual(['counter.json']);
      previous = count;
    }
    expect(existsSync(path.join(dir, 'counter.json'))).toBe(true);
  });
});
