import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import { DEFAULT_SETTINGS, openSettings, readSettings } from '../../../src/tui/settings.js';

const dirs: string[] = [];
function configDir(contents?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-settings-'));
  dirs.push(dir);
  if (contents !== undefined) writeFileSync(path.join(dir, 'settings.json'), contents);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('keeps the good entries and reports each bad one, which keeps its default', () => {
    const { settings, problems } = readSettings({
      region: 'eu-west-1',
      profile: 'has space',
      endpoint: 'ftp://example',
      local: 'yes',
      refreshSeconds: 30,
      theme: 'neon',
      keys: { build: 'B', deploy: ['nope-key'] },
      colour: 'blue',
    });
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      region: 'eu-west-1',
      refreshSeconds: 30,
      keys: { build: 'B' },
    });
    expect(problems).toEqual([
      'profile: "has space" is not a profile name (ignored)',
      'endpoint: "ftp://example" is not an http(s) URL (ignored)',
      'local: "yes" is not true or false (ignored)',
      'theme: "neon" is not one of dark, light, mono (ignored)',
      'keys.deploy: "nope-key" is not a key (ignored)',
      'colour: there is no such setting (region, profile, endpoint, local, refreshSeconds, theme, scope, keys)',
    ]);
  });

  it('stores what is set in the settings file and forgets what is unset', () => {
    const dir = configDir();
    const store = openSettings({ cwd: dir });
    expect(store.path).toBe(path.join(dir, 'settings.json'));
    store.set('theme', 'light');
    store.set('local', 'on');
    store.set('keys', 'build=B,x deploy=D');
    expect(JSON.parse(readFileSync(store.path!, 'utf8'))).toMatchObject({
      theme: 'light',
      local: true,
      keys: { build: ['B', 'x'], deploy: ['D'] },
    });
    store.unset('theme');
    expect(store.get().theme).toBe('dark');
    expect(JSON.parse(readFileSync(store.path!, 'utf8')).theme).toBeUndefined();
    // Read again from the file.
    expect(openSettings({ cwd: dir }).get()).toMatchObject({ local: true, theme: 'dark' });
  });

  it('refuses a bad value with a hint and keeps the old one', () => {
    const store = openSettings({ cwd: configDir() });
    const attempt = () => store.set('region', 'Europe');
    expect(attempt).toThrow(LambdashError);
    expect(attempt).toThrow('region: "Europe" is not an AWS region (eu-west-1).');
    expect(() => store.set('nothing', '1')).toThrow('There is no setting nothing.');
    expect(store.get().region).toBeUndefined();
  });

  it('treats a file that is not JSON as a problem: defaults, and changes kept in memory', () => {
    const dir = configDir('{ not json');
    const store = openSettings({ cwd: dir });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.path).toBeUndefined();
    expect(store.problems()).toHaveLength(1);
    expect(store.problems()[0]).toContain(
      'the defaults apply and changes last this session only. Fix or delete the file.',
    );
    store.set('theme', 'mono');
    expect(store.get().theme).toBe('mono');
    expect(readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe('{ not json');
  });
});
