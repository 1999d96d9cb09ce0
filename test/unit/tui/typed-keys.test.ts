// A character (or Space) is text in a view's text field, so no command that runs while the
// field takes text may have one as its key: such an override is refused, saying why, and the
// command keeps its defaults. Where the field is not in front, characters stay fine as keys.
import { describe, expect, it } from 'vitest';
import {
  keyOverrideProblems,
  resolveViewBindings,
  VIEW_KEYS,
  type ViewName,
  viewKeysOf,
} from '../../../src/tui/view-keys.js';

describe('keys a text field types', () => {
  it('are refused for every table whose view has a text field', () => {
    const cases: [ViewName, string, string][] = [
      ['repl', 'repl.send', "the REPL's editor"],
      ['timelineSearch', 'timelineSearch.find', "the timeline's search"],
      ['addDialog', 'addDialog.cancel', "the add dialog's fields"],
      ['deleteDialog', 'deleteDialog.cancel', "the delete dialog's name field"],
      ['commandLine', 'commandLine.run', 'the command line'],
      ['filter', 'filter.clear', 'the filter'],
      ['textInput', 'textInput.left', 'every text field'],
    ];
    for (const [view, id, field] of cases) {
      const bindings = resolveViewBindings(view, { [id]: ['ctrl+y', 'x'] });
      expect(bindings.problems).toEqual([
        `keys.${id}: x is typed in ${field}, so it cannot be a key there (give a named key or ctrl+LETTER)`,
      ]);
      expect(viewKeysOf(bindings, id)).toEqual(VIEW_KEYS[view].find((c) => c.id === id)!.keys);
    }
    expect(resolveViewBindings('addDialog', { 'addDialog.confirm': 'space' }).problems).toEqual([
      "keys.addDialog.confirm: space is typed in the add dialog's fields, so it cannot be a key there (give a named key or ctrl+LETTER)",
    ]);
    // The settings read the same refusal, as for any bad override.
    expect(keyOverrideProblems({ 'deleteDialog.cancel': 'x', 'repl.send': 'ctrl+x' })).toEqual([
      "keys.deleteDialog.cancel: x is typed in the delete dialog's name field, so it cannot be a key there (give a named key or ctrl+LETTER)",
    ]);
  });

  it('are in no table’s defaults where its field types', () => {
    for (const view of Object.keys(VIEW_KEYS) as ViewName[]) {
      const defaults = Object.fromEntries(VIEW_KEYS[view].map((c) => [c.id, c.keys]));
      expect(resolveViewBindings(view, defaults).problems, view).toEqual([]);
    }
  });

  it('are taken where no field is typing: the delete dialog’s moves, the timeline', () => {
    // Moving between parts works only while no name is being typed.
    const remove = resolveViewBindings('deleteDialog', { 'deleteDialog.toDelete': ['right', 'x'] });
    expect(remove.problems).toEqual([]);
    expect(viewKeysOf(remove, 'deleteDialog.toDelete')).toEqual(['right', 'x']);
    expect(
      resolveViewBindings('deleteDialog', { 'deleteDialog.cancel': 'ctrl+x' }).problems,
    ).toEqual([]);
    expect(resolveViewBindings('timeline', { 'timeline.close': ['escape', 'x'] }).problems).toEqual(
      [],
    );
    expect(resolveViewBindings('replList', { 'replList.delete': 'x' }).problems).toEqual([]);
  });
});
