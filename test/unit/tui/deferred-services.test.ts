import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LineageSnapshot } from '../../../src/core/lineage/watch.js';
import { deferServices } from '../../../src/tui/deferred-services.js';
import type { Session } from '../../../src/tui/session.js';
import { openSettings } from '../../../src/tui/settings.js';
import { row } from './rows.js';
import { CONNECTED, type TestServices, testServices } from './services.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function settings() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-deferred-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return openSettings({ cwd: dir });
}

/** A session made of the test services, handed over when the test says so. */
function later(test: TestServices) {
  let give: (session: Session) => void = () => undefined;
  const promise = new Promise<Session>((resolve) => {
    give = resolve;
  });
  const session: Session = { ...test.services, close: async () => undefined };
  return { load: () => promise, give: () => give(session) };
}

describe('deferServices', () => {
  it('says syncing and connecting until the session loads, then is the session', async () => {
    const test = testServices([row('api', { local: true })]);
    cleanups.push(test.cleanup);
    await test.services.watch.refresh();
    const pending = later(test);
    const services = deferServices(settings(), pending.load);
    expect(services.watch.getSnapshot()).toMatchObject({ syncing: true, rows: [] });
    expect(services.session.get().target.status).toBe('connecting');
    const seen: LineageSnapshot[] = [];
    let sessionChanges = 0;
    services.watch.subscribe((snapshot) => seen.push(snapshot));
    services.session.subscribe(() => sessionChanges++);
    // An action asked for meanwhile waits for the session's.
    const building = services.actions.build(row('api', { local: true }), {});
    pending.give();
    await services.loaded;
    expect(seen.at(-1)?.rows.map((r) => r.key)).toEqual(['row:api']);
    expect(sessionChanges).toBe(1);
    expect(services.session.get()).toEqual(CONNECTED);
    await new Promise((resolve) => setImmediate(resolve));
    expect(test.calls.map((call) => [call.action, call.row])).toEqual([['build', 'row:api']]);
    test.calls[0]!.finish('Built.');
    await expect(building).resolves.toBe('Built.');
  });

  it('says in the header and the errors when the core does not load', async () => {
    const services = deferServices(settings(), () =>
      Promise.reject(new Error('Cannot find package dockerode')),
    );
    await services.loaded;
    const target = services.session.get().target;
    expect(target.status).toBe('failed');
    expect(target.error?.message).toBe(
      "lambdash's core did not load: Cannot find package dockerode",
    );
    expect(target.error?.hint).toBe(
      'Install lambdash again (npm install), then run `lambdash doctor`.',
    );
    await expect(services.actions.push(row('api'), {})).rejects.toBe(target.error);
  });
});
