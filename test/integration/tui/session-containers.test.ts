// The session hands the app's containers each good read of the rows (so a rebuild's old
// container goes) and stops them when it closes: a session on the real engine, with an AWS
// endpoint that refuses (no AWS needed), and a registry that records what it is asked.
import net, { type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import type { AppContainers } from '../../../src/tui/app-containers.js';
import { createSession } from '../../../src/tui/session.js';
import { openSettings } from '../../../src/tui/settings.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('the session and the containers the app started', () => {
  it('retires them on each good read and stops them on close', async () => {
    const asked: { retired: (readonly LineageRow[])[]; closed: number } = {
      retired: [],
      closed: 0,
    };
    const containers: AppContainers = {
      runningContainerOf: () => Promise.reject(new Error('not in this test')),
      retire: async (rows) => {
        asked.retired.push(rows);
      },
      close: async () => {
        asked.closed++;
      },
      started: () => [],
    };
    const session = createSession({
      projectDir: makeTempDir(),
      settings: openSettings({ cwd: makeTempDir() }),
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      containers,
    });
    try {
      await session.watch.refresh();
      const snapshot = session.watch.getSnapshot();
      expect(snapshot.syncing).toBe(false);
      expect(asked.retired.at(-1)).toBe(snapshot.rows);
    } finally {
      await session.close();
    }
    expect(asked.closed).toBe(1);
  });
});
