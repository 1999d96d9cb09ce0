import { describe, expect, it } from 'vitest';
import { filterRows, lineageColumns, rowName, sortRows } from '../../../src/tui/lineage-columns.js';
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
