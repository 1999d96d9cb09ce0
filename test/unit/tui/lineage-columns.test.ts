import { describe, expect, it } from 'vitest';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import {
  countOlder,
  filterRows,
  lineageColumns,
  operationKey,
  rowName,
  sortRows,
  withOlderChains,
} from '../../../src/tui/lineage-columns.js';
import { THEMES } from '../../../src/tui/theme.js';
import { lambdaFunction, localImage, minutesAgo, NOW, row } from './rows.js';

const columns = (activity = new Map<string, string>(), lastInvoked = new Map<string, Date>()) =>
  lineageColumns({ theme: THEMES.dark, now: NOW, activity, lastInvoked });

function cell(id: string, lineageRow = row('api', { local: true, fn: true }), width = 60) {
  const column = columns().find((candidate) => candidate.id === id)!;
  return column.cell(lineageRow, width);
}

describe('lineage columns', () => {
  it('colours the responder by its state and marks it for colourless terminals', () => {
    expect(cell('responder', row('a', { state: 'current' }))).toEqual({
      text: '● a',
      color: THEMES.dark.lineage.current,
    });
    expect(cell('responder', row('a', { state: 'changed' }))).toEqual({
      text: '▲ a',
      color: THEMES.dark.lineage.changed,
    });
    expect(cell('responder', row('a', { state: 'missing' })).text).toBe('✗ a');
    expect(cell('responder', row('a', { state: 'remote' })).text).toBe('◆ a');
  });

  it('shows the local image as id, tag, age and size, shorter forms when narrow', () => {
    const image = {
      ...row('api'),
      localImage: localImage('api', { id: 'sha256:3f2a1b9c4d5e6f7a' }),
    };
    expect(cell('local', image, 40).text).toBe('3f2a1b9c4d5e latest 5m 85MB');
    expect(cell('local', image, 22).text).toBe('3f2a1b9c4d5e 5m 85MB');
    expect(cell('local', image, 16).text).toBe('3f2a1b9c4d5e 5m');
    expect(cell('local', image, 12).text).toBe('3f2a1b9c4d5e');
    expect(cell('local', row('api'))).toEqual({ text: '—', dim: true });
  });

  it('shows the function with its state and when this app last invoked it', () => {
    const fnRow = { ...row('api'), lambdaFunction: lambdaFunction('api') };
    const withInvocation = columns(new Map(), new Map([['api', minutesAgo(2)]]));
    const fn = withInvocation.find((column) => column.id === 'function')!;
    expect(fn.cell(fnRow, 40)).toEqual({ text: 'api Active invoked 2m ago', color: undefined });
    const failed = { ...row('api'), lambdaFunction: lambdaFunction('api', { state: 'Failed' }) };
    expect(fn.cell(failed, 16)).toEqual({ text: 'api Failed', color: THEMES.dark.status.error });
  });

  it('adds an activity column only while an operation runs', () => {
    expect(columns().map((column) => column.id)).toEqual([
      'responder',
      'local',
      'remote',
      'function',
    ]);
    const busy = columns(new Map([['responder:/project/api.ts#handler', 'build 3/6']]));
    expect(busy.map((column) => column.id)).toContain('activity');
    expect(busy.at(-1)!.cell(row('api'), 20)).toEqual({
      text: 'build 3/6',
      color: THEMES.dark.status.busy,
    });
  });
});

describe('a responder with older code deployed and older chains', () => {
  const oldChain: LineageRow = {
    ...row('api', { state: 'changed', local: true, fn: true }),
    key: 'function:api',
  };
  const api: LineageRow = {
    ...row('api', { local: true, fn: true }),
    key: 'responder:/project/api.ts#handler',
    outdated: true,
    older: [oldChain],
  };

  it('marks the function that runs older code, in a colour of its own, even when narrow', () => {
    const fn = columns().find((column) => column.id === 'function')!;
    expect(fn.cell(api, 40)).toEqual({
      text: 'api Active ⚠ older code',
      color: THEMES.dark.status.warning,
    });
    expect(fn.cell(api, 16).text).toBe('api ⚠ older code');
    expect(fn.cell(api, 6).text).toBe('api ⚠');
    expect(fn.cell({ ...api, outdated: false }, 40)).toEqual({
      text: 'api Active',
      color: undefined,
    });
  });

  it('shows older chains only when asked, under their row, dim and marked', () => {
    expect(withOlderChains([api, row('web')], false).rows.map((r) => r.key)).toEqual([
      api.key,
      'row:web',
    ]);
    const table = withOlderChains([api, row('web')], true);
    expect(table.rows.map((r) => r.key)).toEqual([api.key, 'function:api', 'row:web']);
    expect(countOlder([api, row('web')])).toBe(1);
    const shown = lineageColumns({
      theme: THEMES.dark,
      now: NOW,
      activity: new Map([['function:api', 'delete 1/2']]),
      lastInvoked: new Map(),
      older: table.older,
    });
    const cells = (r: LineageRow) => shown.map((column) => column.cell(r, 40));
    expect(cells(oldChain)[0]).toEqual({
      text: ' └ ▲ api',
      color: THEMES.dark.lineage.changed,
      dim: true,
    });
    expect(cells(oldChain).every((cell) => cell.dim)).toBe(true);
    expect(cells(api).some((cell) => cell.dim)).toBe(false);
    // An operation on an older chain is its own, not its responder row's.
    expect(operationKey(oldChain, table.older)).toBe('function:api');
    expect(operationKey(api, table.older)).toBe(api.key);
    expect(cells(oldChain).at(-1)!.text).toBe('delete 1/2');
    expect(cells(api).at(-1)!.text).toBe('');
  });
});

describe('sortRows and filterRows', () => {
  const a = {
    ...row('alpha', { local: true }),
    localImage: localImage('alpha', { created: minutesAgo(50) }),
  };
  const b = {
    ...row('bravo', { local: true }),
    localImage: localImage('bravo', { created: minutesAgo(5) }),
  };
  const c = row('charlie', { fn: true });

  it('sorts by name, or by newest image first, and reverses', () => {
    expect(sortRows([c, b, a], 'responder', false).map(rowName)).toEqual([
      'alpha',
      'bravo',
      'charlie',
    ]);
    expect(sortRows([a, c, b], 'local', false).map(rowName)).toEqual(['bravo', 'alpha', 'charlie']);
    expect(sortRows([a, b, c], 'function', false).map(rowName)).toEqual([
      'charlie',
      'alpha',
      'bravo',
    ]);
    expect(sortRows([a, b, c], 'responder', true).map(rowName)).toEqual([
      'charlie',
      'bravo',
      'alpha',
    ]);
  });

  it('keeps rows matching every word of the filter', () => {
    expect(filterRows([a, b, c], 'BRA').map(rowName)).toEqual(['bravo']);
    expect(filterRows([a, b, c], 'a active').map(rowName)).toEqual(['charlie']);
    expect(filterRows([a, b, c], '').map(rowName)).toEqual(['alpha', 'bravo', 'charlie']);
  });
});
