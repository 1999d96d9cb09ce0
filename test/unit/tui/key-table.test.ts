import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commandForKey,
  commandForName,
  footerHints,
  isKeyName,
  KEY_TABLE,
  type KeyContext,
  keyNameOf,
  keyTableMarkdown,
  resolveBindings,
  whyNotNow,
} from '../../../src/tui/key-table.js';
import { NO_KEY } from '../../../src/tui/use-keys.js';
import { repoRoot } from '../../support/paths.js';
import { row } from './rows.js';

const base: KeyContext = {
  row: undefined,
  rows: 0,
  readOnly: false,
  rowBusy: false,
  filter: '',
  hasErrors: false,
  aws: true,
};

const noKey = NO_KEY;

describe('the key table', () => {
  it('has one entry per command, each with keys, a label and help', () => {
    const ids = KEY_TABLE.map((command) => command.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const command of KEY_TABLE) {
      expect(command.keys.length).toBeGreaterThan(0);
      for (const key of command.keys) expect(isKeyName(key)).toBe(true);
      expect(command.label).not.toBe('');
      expect(command.help).not.toBe('');
    }
  });

  it('enables actions by what the selected row has', () => {
    const bindings = resolveBindings();
    const onlySource = { ...base, row: row('api'), rows: 1 };
    expect(commandForKey(bindings, 'b', onlySource)?.id).toBe('build');
    expect(commandForKey(bindings, 't', onlySource)).toBeUndefined();
    expect(commandForKey(bindings, 'p', onlySource)).toBeUndefined();
    expect(commandForKey(bindings, 'enter', onlySource)).toBeUndefined();
    const built = { ...base, row: row('api', { local: true }), rows: 1 };
    expect(commandForKey(bindings, 't', built)?.id).toBe('test');
    expect(commandForKey(bindings, 'p', built)?.id).toBe('push');
    expect(commandForKey(bindings, 'c', built)?.id).toBe('deploy');
    expect(commandForKey(bindings, 'enter', built)?.id).toBe('invoke');
    expect(commandForKey(bindings, 'p', { ...built, aws: false })).toBeUndefined();
    const missing = { ...base, row: row('api', { state: 'missing', local: true }), rows: 1 };
    expect(commandForKey(bindings, 'b', missing)).toBeUndefined();
    expect(commandForKey(bindings, 'c', missing)).toBeUndefined();
    expect(commandForKey(bindings, 't', missing)?.id).toBe('test');
  });

  it('deploys from the source: on a row never built, never on a row with no known source', () => {
    const bindings = resolveBindings();
    // Deploy builds when the source changed, so a responder's row needs no image yet.
    const onlySource = { ...base, row: row('api'), rows: 1 };
    expect(commandForKey(bindings, 'c', onlySource)?.id).toBe('deploy');
    expect(commandForKey(bindings, 'c', { ...onlySource, aws: false })).toBeUndefined();
    // An image and a function made elsewhere: nothing to build or deploy from.
    const noSource = {
      ...base,
      row: { ...row('other', { local: true, fn: true }), responder: undefined },
      rows: 1,
    };
    for (const key of ['b', 'c']) expect(commandForKey(bindings, key, noSource)).toBeUndefined();
    expect(commandForKey(bindings, 'p', noSource)?.id).toBe('push');
    expect(commandForKey(bindings, 'd', noSource)?.id).toBe('delete');
    expect(footerHints(bindings, noSource).map((hint) => hint.label)).not.toContain('deploy');
  });

  it('never builds or deploys from an older chain: those start from the source as it is now', () => {
    const bindings = resolveBindings();
    const command = (id: string) => bindings.commands.find((spec) => spec.id === id)!;
    const older = { ...base, row: row('api', { local: true, fn: true }), rows: 2, olderRow: true };
    for (const key of ['b', 'c']) expect(commandForKey(bindings, key, older)).toBeUndefined();
    expect(whyNotNow(command('deploy'), older)).toMatch(/^This is an older chain/);
    // What acts on that chain's own parts still runs there.
    for (const key of ['t', 'i', 'd']) expect(commandForKey(bindings, key, older)).toBeDefined();
    expect(commandForKey(bindings, 'c', { ...older, olderRow: false })?.id).toBe('deploy');
  });

  it('says why an action cannot run on the row', () => {
    const bindings = resolveBindings();
    const command = (id: string) => bindings.commands.find((spec) => spec.id === id)!;
    const noSource = {
      ...base,
      row: { ...row('other', { local: true, fn: true }), responder: undefined },
      rows: 1,
    };
    for (const id of ['build', 'deploy']) {
      expect(whyNotNow(command(id), noSource)).toBe(
        'This row has no known source (an image or a function made elsewhere): there is nothing to build or deploy. Add its source to the project (n) and use that row.',
      );
    }
    const missing = { ...base, row: row('api', { state: 'missing' }), rows: 1 };
    expect(whyNotNow(command('deploy'), missing)).toBe(
      'Its source /project/api.ts is gone: put it back, or for a project\'s responder fix its "source" in lambdash.json.',
    );
    const built = { ...base, row: row('api', { local: true }), rows: 1 };
    expect(whyNotNow(command('deploy'), { ...built, aws: false })).toMatch(
      /^No AWS target is connected/,
    );
    expect(whyNotNow(command('deploy'), { ...built, rowBusy: true })).toBe(
      'An operation runs on this row: wait for it, or cancel it (Esc).',
    );
    expect(whyNotNow(command('test'), { ...base, row: row('api'), rows: 1 })).toBe(
      'It has no local image: build it first (b).',
    );
    // The reasons name keys that run there: n adds, b builds, Esc cancels.
    expect(commandForKey(bindings, 'n', noSource)?.id).toBe('add');
    expect(commandForKey(bindings, 'b', { ...base, row: row('api'), rows: 1 })?.id).toBe('build');
    expect(commandForKey(bindings, 'escape', { ...built, rowBusy: true })?.id).toBe('cancel');
    // A command with no reason of its own is explained by its help.
    expect(whyNotNow(command('errors'), base)).toBe(command('errors').help);
  });

  it('gives Esc to the running operation first, then to the filter', () => {
    const bindings = resolveBindings();
    const context = { ...base, row: row('api', { local: true }), rows: 1, filter: 'ap' };
    expect(commandForKey(bindings, 'escape', context)?.id).toBe('clearFilter');
    expect(commandForKey(bindings, 'escape', { ...context, rowBusy: true })?.id).toBe('cancel');
    expect(commandForKey(bindings, 'escape', { ...context, filter: '' })).toBeUndefined();
  });

  it('hides what changes things in read-only mode', () => {
    const bindings = resolveBindings();
    const context = {
      ...base,
      row: row('api', { local: true, fn: true }),
      rows: 1,
      readOnly: true,
    };
    for (const key of ['n', 'b', 'p', 'c', 'd']) {
      expect(commandForKey(bindings, key, context)).toBeUndefined();
    }
    expect(commandForKey(bindings, 't', context)?.id).toBe('test');
    expect(commandForKey(bindings, 'i', context)?.id).toBe('invoke');
    expect(footerHints(bindings, context).map((hint) => hint.label)).toEqual([
      'test',
      'invoke',
      'logs',
      'filter',
      'help',
      'quit',
    ]);
  });

  it('builds the footer from the commands valid now, in footer order', () => {
    const bindings = resolveBindings();
    const context = { ...base, row: row('api', { local: true, fn: true }), rows: 1 };
    expect(footerHints(bindings, context).map((hint) => `${hint.key} ${hint.label}`)).toEqual([
      'b build',
      't test',
      'p push',
      'c deploy',
      'i invoke',
      'l logs',
      'd delete',
      'n add',
      '/ filter',
      '? help',
      'q quit',
    ]);
    const busy = footerHints(bindings, { ...context, rowBusy: true, hasErrors: true, filter: 'x' });
    expect(busy.map((hint) => `${hint.key} ${hint.label}`)).toEqual([
      'Esc cancel',
      'i invoke',
      'l logs',
      'n add',
      'e error',
      '/ filter',
      '? help',
      'q quit',
    ]);
  });

  it('applies key overrides and reports the bad ones without failing', () => {
    const bindings = resolveBindings({
      build: ['B'],
      deploy: 'D',
      nothing: ['x'],
      push: ['ctrl+c'],
      test: ['b', 'T'],
      logs: [],
    });
    const context = { ...base, row: row('api', { local: true }), rows: 1 };
    expect(commandForKey(bindings, 'B', context)?.id).toBe('build');
    expect(commandForKey(bindings, 'D', context)?.id).toBe('deploy');
    expect(commandForKey(bindings, 'c', context)).toBeUndefined();
    expect(commandForKey(bindings, 'p', context)?.id).toBe('push');
    // b was freed by the build override, so test may take it.
    expect(commandForKey(bindings, 'b', context)?.id).toBe('test');
    expect(commandForKey(bindings, 'l', context)?.id).toBe('logs');
    expect(bindings.problems).toEqual([
      'keys.nothing: there is no command nothing',
      'keys.push: "ctrl+c" is not a key',
      'keys.logs: give a key or a list of keys',
    ]);
    const clash = resolveBindings({ build: ['t'] });
    expect(clash.problems).toEqual(['keys.build: t is already the key of test']);
    expect(commandForKey(clash, 'b', context)?.id).toBe('build');
  });

  it('is the key list of docs/tui.md, word for word', () => {
    const page = readFileSync(path.join(repoRoot, 'docs', 'tui.md'), 'utf8');
    expect(page).toContain(keyTableMarkdown());
  });

  it('finds commands by their `:` names and aliases', () => {
    const bindings = resolveBindings();
    expect(commandForName(bindings, 'deploy')?.id).toBe('deploy');
    expect(commandForName(bindings, 'q')?.id).toBe('quit');
    expect(commandForName(bindings, 'rm')?.id).toBe('delete');
    expect(commandForName(bindings, 'nope')).toBeUndefined();
  });

  it("names ink's keys as the table writes them", () => {
    expect(keyNameOf('', { ...noKey, upArrow: true })).toBe('up');
    expect(keyNameOf('', { ...noKey, return: true })).toBe('enter');
    expect(keyNameOf('', { ...noKey, escape: true })).toBe('escape');
    expect(keyNameOf('f', { ...noKey, ctrl: true })).toBe('ctrl+f');
    expect(keyNameOf('G', { ...noKey, shift: true })).toBe('G');
    expect(keyNameOf('/', noKey)).toBe('/');
    expect(keyNameOf('ab', noKey)).toBeUndefined();
  });
});
