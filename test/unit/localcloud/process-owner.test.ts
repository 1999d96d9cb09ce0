// Owner tokens: this process is never taken for gone, an ended one always is, a reused pid (same
// pid, another start time) is, and an owner that cannot be checked (another machine or pid
// namespace, a token of another form) never is.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownerGone, ownerToken } from '../../../src/localcloud/process-owner.js';

const TOKEN = /^(\d+)-(\d+)-([0-9a-f]{8})-([0-9a-f]{8})$/;

/** This process's token with some of its parts replaced. */
function tokenWith(parts: { pid?: number; start?: number; place?: string; boot?: string }): string {
  const [, pid, start, place, boot] = TOKEN.exec(ownerToken()) ?? [];
  return [parts.pid ?? pid, parts.start ?? start, parts.place ?? place, parts.boot ?? boot].join(
    '-',
  );
}

/** The pid of a process that has ended (and been reaped). */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const linux = process.platform === 'linux';

describe('owner tokens', () => {
  it('name this process: its pid, start time, place and boot; never gone while it runs', () => {
    const token = ownerToken();
    const [, pid, start, , boot] = TOKEN.exec(token) ?? [];
    expect(Number(pid)).toBe(process.pid);
    if (linux) {
      const stat = readFileSync('/proc/self/stat', 'utf8');
      expect(start).toBe(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8');
      expect(boot).toBe(bootId.replace(/-/g, '').slice(0, 8));
    }
    expect(ownerToken()).toBe(token);
    expect(ownerGone(token)).toBe(false);
  });

  it.runIf(linux)('count a parent that runs as alive', () => {
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(ownerGone(tokenWith({ pid: process.ppid, start }))).toBe(false);
  });

  it('take an ended process for gone', () => {
    const pid = endedPid();
    expect(pid).toBeGreaterThan(0);
    expect(ownerGone(tokenWith({ pid, start: 12345 }))).toBe(true);
  });

  it.runIf(linux)(
    'take a pid that now belongs to another process (another start time) for gone',
    () => {
      const [, , start] = TOKEN.exec(ownerToken()) ?? [];
      expect(ownerGone(tokenWith({ start: Number(start) + 1 }))).toBe(true);
      // The parent runs, but did not start when the token says.
      expect(ownerGone(tokenWith({ pid: process.ppid, start: 1 }))).toBe(true);
    },
  );

  it.runIf(linux)('take an owner of an earlier boot of this machine for gone', () => {
    const [, , , , boot] = TOKEN.exec(ownerToken()) ?? [];
    const other = boot === 'ffffffff' ? '00000000' : 'ffffffff';
    expect(ownerGone(tokenWith({ boot: other }))).toBe(true);
  });

  it('never take an owner it cannot check for gone', () => {
    const [, , , place] = TOKEN.exec(ownerToken()) ?? [];
    const elsewhere = place === 'ffffffff' ? '00000000' : 'ffffffff';
    // Another machine or pid namespace: its pids mean nothing here, ended ones included.
    expect(ownerGone(tokenWith({ place: elsewhere, pid: endedPid(), boot: '12345678' }))).toBe(
      false,
    );
    for (const token of ['', 'abc', '123', `${endedPid()}`, 'lambdash-build-0123456789ab']) {
      expect(ownerGone(token)).toBe(false);
    }
  });
});
