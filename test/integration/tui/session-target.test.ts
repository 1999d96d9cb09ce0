// Where the app's calls go when AWS is not configured: the app chooses the local cloud, starts
// one when none serves, says so in the header's description, and stops it when it closes.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../../../src/tui/session.js';
import { openSettings } from '../../../src/tui/settings.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the session without AWS', () => {
  it('starts a local cloud of its own, says so, and stops it on close', async () => {
    const home = makeTempDir();
    // No AWS set-up, no endpoint, no shared local cloud (0: a free port), data kept in `home`.
    vi.stubEnv('HOME', home);
    vi.stubEnv('XDG_DATA_HOME', `${home}/.local/share`);
    vi.stubEnv('LAMBDASH_CLOUD_PORT', '0');
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('AWS_')) vi.stubEnv(name, '');
    }
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const session = createSession({
      projectDir: makeTempDir(),
      settings: openSettings({ cwd: makeTempDir() }),
    });
    let endpoint: string | undefined;
    try {
      await vi.waitFor(() => expect(session.session.get().target.status).toBe('connected'), {
        timeout: 60_000,
        interval: 50,
      });
      const { target, description } = session.session.get().target;
      expect([target?.kind, target?.started]).toEqual(['local', true]);
      endpoint = target?.endpoint;
      expect(description).toBe(`local cloud ${new URL(endpoint!).host} (started by the app)`);
    } finally {
      await session.close();
    }
    await expect(fetch(endpoint!, { method: 'POST' })).rejects.toThrow(/fetch failed/);
  });
});
