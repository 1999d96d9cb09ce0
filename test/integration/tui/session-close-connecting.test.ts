// Quitting the app while it is still starting its local cloud: the session's close waits for
// that start and then stops the cloud, so the process never ends with it half-started. The
// start is held at a known point: the registry the cloud spawns is a script, first on PATH,
// that waits on a named pipe before it becomes the real docker-registry.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../../../src/tui/session.js';
import { openSettings } from '../../../src/tui/settings.js';
import { freePort } from '../../support/free-port.js';
import { isRunning } from '../../support/process-running.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The real docker-registry on PATH. */
function realRegistry(): string {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const file = path.join(dir, 'docker-registry');
    if (existsSync(file)) return file;
  }
  throw new Error('docker-registry is not installed: run `bash scripts/provision.sh` as root.');
}

describe('closing the session while it starts the local cloud', () => {
  it('waits for the start, then stops the cloud it started', async () => {
    const home = makeTempDir();
    const bin = makeTempDir();
    const gate = path.join(bin, 'gate');
    const held = path.join(bin, 'held');
    await promisify(execFile)('mkfifo', [gate]);
    writeFileSync(
      path.join(bin, 'docker-registry'),
      `#!/bin/sh\necho $$ > '${held}'\nread go < '${gate}'\nexec '${realRegistry()}' "$@"\n`,
    );
    chmodSync(path.join(bin, 'docker-registry'), 0o755);
    const port = await freePort();
    // No AWS set-up and no shared local cloud: the session starts one on `port`, data in `home`.
    vi.stubEnv('HOME', home);
    vi.stubEnv('XDG_DATA_HOME', path.join(home, 'data'));
    vi.stubEnv('PATH', `${bin}:${process.env.PATH ?? ''}`);
    vi.stubEnv('LAMBDASH_CLOUD_PORT', String(port));
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('AWS_')) vi.stubEnv(name, '');
    }
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const record = path.join(home, 'data', 'lambdash', 'localcloud', 'registry.pid');

    const session = createSession({
      projectDir: makeTempDir(),
      settings: openSettings({ cwd: makeTempDir() }),
    });
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await writeFile(gate, 'go\n');
    };
    try {
      // The cloud listens and its registry is spawned and recorded, held before it serves.
      await vi.waitFor(() => expect([existsSync(held), existsSync(record)]).toEqual([true, true]), {
        timeout: 60_000,
      });
      const registry = Number(readFileSync(held, 'utf8').trim());
      expect(session.session.get().target.status).toBe('connecting');

      const closing = session.close();
      await release();
      await closing;

      // Once close() has resolved, the cloud it was starting is stopped, not half-started.
      await expect(fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).rejects.toThrow(
        /fetch failed/,
      );
      expect(isRunning(registry)).toBe(false);
      expect(existsSync(record)).toBe(false);
    } finally {
      await release();
      await session.close();
    }
  });
});
