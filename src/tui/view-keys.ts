// The key tables of the views besides the lineage table (key-table.ts): the invoke REPL's editor
// and lists, the timeline and its search, the dialogs, the settings, the command line, the
// filter and the text fields. Each view dispatches through its resolved bindings
// (press name → command id), draws its footer from its table, and docs/tui.md lists them (a
// test holds the page to them), so the keys, the footer, the docs and the user's overrides
// (`keys` in the settings, by namespaced id: `{"repl.send": "ctrl+x"}`) cannot disagree.
import { displayKey, readKeyList, resolveBindings } from './key-table.js';

export type ViewName =
  | 'repl'
  | 'replList'
  | 'timeline'
  | 'timelineSearch'
  | 'addDialog'
  | 'deleteDialog'
  | 'settings'
  | 'commandLine'
  | 'filter'
  | 'textInput';

/** What a view's commands look at to say whether they run now and what their footer says. */
export interface ViewContext {
  /** The REPL: an invocation is in flight (Esc cancels it rather than closing). */
  readonly running?: boolean;
  /** The REPL's list: which one is open. */
  readonly list?: 'templates' | 'saved';
  /** The add dialog: which field is asked for. */
  readonly step?: 'source' | 'handler';
  /** The delete dialog: the row's name is being typed to confirm. */
  readonly typing?: boolean;
}

export interface ViewCommand {
  /** Namespaced by its view: `repl.send`, `timeline.close`. */
  readonly id: string;
  readonly keys: readonly string[];
  /** A word or two, for the footer. */
  readonly label: string;
  /** A sentence, for the help and docs/tui.md. */
  readonly help: string;
  /** Footer order (lower first); no footer hint without it. */
  readonly footer?: number;
  /** Commands whose first key joins this one's in its footer hint (`←/→ invocation`). */
  readonly footerWith?: readonly string[];
  /** The footer's word when it depends on the view's state (`Esc cancel` while running). */
  readonly footerLabel?: (context: ViewContext) => string;
  readonly enabled?: (context: ViewContext) => boolean;
}

/** A view's help: its table's keys, in the view's place (view-help.tsx). */
function helpCommand(
  view: string,
  keys: readonly string[],
  footer: number,
  enabled?: (context: ViewContext) => boolean,
): ViewCommand {
  const command = {
    id: `${view}.help`,
    keys,
    label: 'keys',
    help: 'These keys, what they do and whether they work now',
    footer,
  };
  return enabled ? { ...command, enabled } : command;
}

const REPL: readonly ViewCommand[] = [
  {
    id: 'repl.send',
    // Ctrl-Enter only where the terminal reports it (kitty keyboard protocol): most send Enter.
    keys: ['ctrl+s', 'ctrl+d', 'ctrl+enter'],
    label: 'send',
    help: 'Send the payload (never invalid JSON)',
    footer: 10,
  },
  {
    id: 'repl.close',
    keys: ['escape'],
    label: 'close',
    help: 'Cancel the invocation in flight, else close the REPL',
    footer: 20,
    footerLabel: (c) => (c.running ? 'cancel' : 'close'),
  },
  {
    id: 'repl.up',
    keys: ['up'],
    label: 'history',
    help: 'Up a line; on the first line, the previous payload of the history',
    footer: 30,
    footerWith: ['repl.down'],
  },
  {
    id: 'repl.down',
    keys: ['down'],
    label: 'history',
    help: 'Down a line; on the last line, the next payload of the history',
  },
  {
    id: 'repl.templates',
    keys: ['ctrl+n'],
    label: 'templates',
    help: 'The event templates',
    footer: 40,
  },
  { id: 'repl.saved', keys: ['ctrl+o'], label: 'saved', help: 'The saved payloads', footer: 50 },
  {
    id: 'repl.save',
    keys: ['ctrl+w'],
    label: 'save',
    help: 'Save the payload under a name',
    footer: 60,
  },
  {
    id: 'repl.target',
    keys: ['ctrl+t'],
    label: 'target',
    help: 'Switch the target: the deployed function or the local container',
    footer: 70,
  },
  {
    id: 'repl.format',
    keys: ['ctrl+f'],
    label: 'format',
    help: 'Format the payload',
    footer: 80,
  },
  {
    id: 'repl.goToError',
    keys: ['ctrl+g'],
    label: 'go to error',
    help: "Move to the payload's JSON error",
    footer: 90,
  },
  {
    id: 'repl.responseUp',
    keys: ['pageup'],
    label: 'response',
    help: 'Scroll the response up',
    footer: 100,
    footerWith: ['repl.responseDown'],
  },
  {
    id: 'repl.responseDown',
    keys: ['pagedown'],
    label: 'response',
    help: 'Scroll the response down',
  },
  { id: 'repl.left', keys: ['left'], label: 'left', help: 'Left a character' },
  { id: 'repl.right', keys: ['right'], label: 'right', help: 'Right a character' },
  { id: 'repl.home', keys: ['home', 'ctrl+a'], label: 'home', help: 'To the start of the line' },
  { id: 'repl.end', keys: ['end', 'ctrl+e'], label: 'end', help: 'To the end of the line' },
  { id: 'repl.newLine', keys: ['enter'], label: 'new line', help: 'A new line' },
  {
    id: 'repl.backspace',
    keys: ['backspace'],
    label: 'delete',
    help: 'Delete the character before the cursor',
  },
  { id: 'repl.indent', keys: ['tab'], label: 'indent', help: 'Insert two spaces' },
  // Not `?`: in the editor it is text (a query string in an event).
  helpCommand('repl', ['ctrl+k'], 110),
];

const REPL_LIST: readonly ViewCommand[] = [
  {
    id: 'replList.up',
    keys: ['up', 'k'],
    label: 'choose',
    help: 'The entry above',
    footer: 10,
    footerWith: ['replList.down'],
  },
  { id: 'replList.down', keys: ['down', 'j'], label: 'choose', help: 'The entry below' },
  { id: 'replList.pageUp', keys: ['pageup'], label: 'page up', help: 'One page up' },
  { id: 'replList.pageDown', keys: ['pagedown'], label: 'page down', help: 'One page down' },
  {
    id: 'replList.take',
    keys: ['enter'],
    label: 'take',
    help: 'Insert the template, or load the saved payload, replacing the payload',
    footer: 20,
    footerLabel: (c) => (c.list === 'templates' ? 'insert' : 'load'),
  },
  {
    id: 'replList.delete',
    keys: ['d'],
    label: 'delete',
    help: 'Delete the saved payload',
    footer: 30,
    enabled: (c) => c.list === 'saved',
  },
  { id: 'replList.back', keys: ['escape'], label: 'back', help: 'Back to the editor', footer: 40 },
  helpCommand('replList', ['?'], 100),
];

const TIMELINE: readonly ViewCommand[] = [
  {
    id: 'timeline.close',
    keys: ['escape', 'q'],
    label: 'close',
    help: 'Close the timeline',
    footer: 10,
  },
  {
    id: 'timeline.previous',
    keys: ['left', 'h'],
    label: 'invocation',
    help: 'The invocation before',
    footer: 20,
    footerWith: ['timeline.next'],
  },
  { id: 'timeline.next', keys: ['right', 'l'], label: 'invocation', help: 'The invocation after' },
  {
    id: 'timeline.search',
    keys: ['/'],
    label: 'search',
    help: 'Search the log lines',
    footer: 30,
  },
  {
    id: 'timeline.nextMatch',
    keys: ['n'],
    label: 'next/previous match',
    help: 'The next match',
    footer: 40,
    footerWith: ['timeline.previousMatch'],
  },
  { id: 'timeline.previousMatch', keys: ['N'], label: 'previous match', help: 'The match before' },
  {
    id: 'timeline.lineUp',
    keys: ['up', 'k'],
    label: 'scroll the log',
    help: 'Scroll the log up a line',
    footer: 50,
    footerWith: ['timeline.lineDown'],
  },
  {
    id: 'timeline.lineDown',
    keys: ['down', 'j'],
    label: 'line down',
    help: 'Scroll the log down a line',
  },
  { id: 'timeline.pageUp', keys: ['pageup'], label: 'page up', help: 'Scroll the log up a page' },
  {
    id: 'timeline.pageDown',
    keys: ['pagedown', 'space'],
    label: 'page down',
    help: 'Scroll the log down a page',
  },
  { id: 'timeline.top', keys: ['home', 'g'], label: 'top', help: 'The first log line' },
  { id: 'timeline.bottom', keys: ['end', 'G'], label: 'bottom', help: 'The last log lines' },
  helpCommand('timeline', ['?'], 100),
];

const TIMELINE_SEARCH: readonly ViewCommand[] = [
  {
    id: 'timelineSearch.find',
    keys: ['enter'],
    label: 'search',
    help: 'Go to the first match below',
    footer: 10,
  },
  {
    id: 'timelineSearch.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: 'Stop typing the search',
    footer: 20,
  },
  {
    id: 'timelineSearch.backspace',
    keys: ['backspace'],
    label: 'delete',
    help: 'Delete the last character',
  },
  // Not `?`: the search takes it as text, as the REPL's editor does.
  helpCommand('timelineSearch', ['ctrl+k'], 100),
];

const ADD_DIALOG: readonly ViewCommand[] = [
  {
    id: 'addDialog.confirm',
    keys: ['enter'],
    label: 'next',
    help: 'Take the path and ask for the handler; then add the responder',
    footer: 10,
    footerLabel: (c) => (c.step === 'handler' ? 'add' : 'next'),
  },
  {
    id: 'addDialog.complete',
    keys: ['tab'],
    label: 'complete',
    help: 'Complete the path typed so far',
    footer: 20,
    enabled: (c) => c.step !== 'handler',
  },
  {
    id: 'addDialog.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: 'Close without adding anything',
    footer: 30,
  },
  // Not `?`: the fields take it as text.
  helpCommand('addDialog', ['ctrl+k'], 100),
];

const choosing = (c: ViewContext) => !c.typing;

const DELETE_DIALOG: readonly ViewCommand[] = [
  {
    id: 'deleteDialog.toggle',
    keys: ['space'],
    label: 'tick',
    help: 'Tick or untick the part in focus',
    footer: 10,
    enabled: choosing,
  },
  {
    id: 'deleteDialog.confirm',
    keys: ['enter'],
    label: 'press',
    help: "On a part, tick or untick it; on a button, press it (deleting anything in AWS then asks for the row's name, and this key confirms it)",
    footer: 20,
    footerLabel: (c) => (c.typing ? 'confirm' : 'press'),
  },
  {
    id: 'deleteDialog.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: 'Close without deleting anything',
    footer: 30,
  },
  {
    id: 'deleteDialog.up',
    keys: ['up', 'k'],
    label: 'move',
    help: 'The part or button above',
    footer: 40,
    footerWith: ['deleteDialog.down'],
    enabled: choosing,
  },
  {
    id: 'deleteDialog.down',
    keys: ['down', 'j', 'tab'],
    label: 'move',
    help: 'The part or button below (after Delete, the first part again)',
    enabled: choosing,
  },
  {
    id: 'deleteDialog.toCancel',
    keys: ['left', 'h'],
    label: 'to Cancel',
    help: 'To the Cancel button',
    enabled: choosing,
  },
  {
    id: 'deleteDialog.toDelete',
    keys: ['right', 'l'],
    label: 'to Delete',
    help: 'To the Delete button',
    enabled: choosing,
  },
  helpCommand('deleteDialog', ['?'], 100, choosing),
];

const SETTINGS: readonly ViewCommand[] = [
  {
    id: 'settings.close',
    keys: ['escape', 'q', ','],
    label: 'close',
    help: 'Close the settings (then :set NAME VALUE changes one)',
    footer: 10,
  },
  {
    id: 'settings.up',
    keys: ['up', 'k'],
    label: 'scroll',
    help: 'Scroll up a line',
    footer: 20,
    footerWith: ['settings.down'],
  },
  { id: 'settings.down', keys: ['down', 'j'], label: 'scroll', help: 'Scroll down a line' },
  { id: 'settings.pageUp', keys: ['pageup', 'ctrl+b'], label: 'page up', help: 'Up a page' },
  {
    id: 'settings.pageDown',
    keys: ['pagedown', 'ctrl+f', 'space'],
    label: 'page down',
    help: 'Down a page',
  },
  { id: 'settings.top', keys: ['home', 'g'], label: 'top', help: 'The first line' },
  { id: 'settings.bottom', keys: ['end', 'G'], label: 'bottom', help: 'The last line' },
  helpCommand('settings', ['?'], 100),
];

// The `:` line and the `/` filter are text fields (the textInput table edits them); these are
// what each does with what was typed. Their help is Ctrl-K: `?` is text there.
const COMMAND_LINE: readonly ViewCommand[] = [
  {
    id: 'commandLine.run',
    keys: ['enter'],
    label: 'run',
    help: 'Run what was typed: a command of the key table by its : name, or set, unset, filter, sort',
    footer: 10,
  },
  {
    id: 'commandLine.complete',
    keys: ['tab'],
    label: 'complete',
    help: 'Complete the command name typed so far',
    footer: 20,
  },
  {
    id: 'commandLine.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: 'Leave the command line, running nothing',
    footer: 30,
  },
  helpCommand('commandLine', ['ctrl+k'], 100),
];

const FILTER: readonly ViewCommand[] = [
  {
    id: 'filter.keep',
    keys: ['enter'],
    label: 'keep',
    help: 'Keep the filter and go back to the rows',
    footer: 10,
  },
  {
    id: 'filter.clear',
    keys: ['escape'],
    label: 'clear',
    help: 'Clear the filter and go back to the rows',
    footer: 20,
  },
  helpCommand('filter', ['ctrl+k'], 100),
];

/**
 * Every one-line text field's editing keys: the filter, the command line, the dialogs' fields,
 * the REPL's save prompt. A field's own table may name other keys for taking, leaving and
 * completing it (`addDialog.confirm`, `commandLine.run`, `filter.clear`).
 */
const TEXT_INPUT: readonly ViewCommand[] = [
  {
    id: 'textInput.submit',
    keys: ['enter'],
    label: 'done',
    help: "Take what was typed (the REPL's save prompt; the other fields take their view's key)",
  },
  {
    id: 'textInput.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: "Leave the field (the REPL's save prompt; the other fields take their view's key)",
  },
  {
    id: 'textInput.complete',
    keys: ['tab'],
    label: 'complete',
    help: 'Complete what was typed, where the field can and its view names no key of its own',
  },
  { id: 'textInput.left', keys: ['left'], label: 'left', help: 'Left a character' },
  { id: 'textInput.right', keys: ['right'], label: 'right', help: 'Right a character' },
  {
    id: 'textInput.home',
    keys: ['home', 'ctrl+a'],
    label: 'home',
    help: 'To the start of the field',
  },
  { id: 'textInput.end', keys: ['end', 'ctrl+e'], label: 'end', help: 'To the end of the field' },
  { id: 'textInput.clear', keys: ['ctrl+u'], label: 'clear', help: 'Clear the field' },
  {
    id: 'textInput.backspace',
    keys: ['backspace'],
    label: 'delete',
    help: 'Delete the character before the cursor',
  },
];

/** Every view's table; the lineage view's is KEY_TABLE. */
export const VIEW_KEYS: Readonly<Record<ViewName, readonly ViewCommand[]>> = {
  repl: REPL,
  replList: REPL_LIST,
  timeline: TIMELINE,
  timelineSearch: TIMELINE_SEARCH,
  addDialog: ADD_DIALOG,
  deleteDialog: DELETE_DIALOG,
  settings: SETTINGS,
  commandLine: COMMAND_LINE,
  filter: FILTER,
  textInput: TEXT_INPUT,
};

/** What each view's table is for, in docs/tui.md and the help. */
export const VIEW_TITLES: Readonly<Record<ViewName, string>> = {
  repl: 'The invoke REPL (any other key edits the payload)',
  replList: "The REPL's lists (templates, saved payloads)",
  timeline: 'The timeline',
  timelineSearch: "The timeline's search (any other key types)",
  addDialog: 'The add dialog (its fields are text fields)',
  deleteDialog: 'The delete dialog',
  settings: 'The settings',
  commandLine: 'The command line (after :, any other key types)',
  filter: 'The filter (after /, any other key types)',
  textInput:
    "Every text field: the filter, the command line, the dialogs' fields (any other key types)",
};

export const VIEW_NAMES = Object.keys(VIEW_KEYS) as ViewName[];

function isViewName(name: string): name is ViewName {
  return (VIEW_NAMES as string[]).includes(name);
}

export interface ViewBindings {
  readonly commands: readonly ViewCommand[];
  /** Key name → the commands it may run, in table order (the first enabled one runs). */
  readonly byKey: ReadonlyMap<string, readonly ViewCommand[]>;
  /** Overrides that were refused, said for people. */
  readonly problems: readonly string[];
}

/**
 * The views with a text field, the state in which it takes what is typed, and its name for
 * people. There a character (or Space) is text, so a command that runs then cannot have one as
 * its key: `"deleteDialog.cancel": "x"` would cancel the dialog when x is typed in its name field.
 */
const TEXT_FIELDS: Partial<
  Record<ViewName, { readonly when: ViewContext; readonly field: string }>
> = {
  repl: { when: {}, field: "the REPL's editor" },
  timelineSearch: { when: {}, field: "the timeline's search" },
  addDialog: { when: {}, field: "the add dialog's fields" },
  deleteDialog: { when: { typing: true }, field: "the delete dialog's name field" },
  commandLine: { when: {}, field: 'the command line' },
  filter: { when: {}, field: 'the filter' },
  textInput: { when: {}, field: 'every text field' },
};

/** Why an override gives a command a key its view's text field types, if it does. */
function typedKeyProblem(
  view: ViewName,
  command: ViewCommand,
  keys: readonly string[],
): string | undefined {
  const text = TEXT_FIELDS[view];
  if (!text || !(command.enabled?.(text.when) ?? true)) return undefined;
  const typed = keys.find((key) => key === 'space' || [...key].length === 1);
  if (typed === undefined) return undefined;
  return `keys.${command.id}: ${typed} is typed in ${text.field}, so it cannot be a key there (give a named key or ctrl+LETTER)`;
}

/** Whether two commands of a table share a default key, so share it by design (one runs). */
function sharesDefault(a: ViewCommand, b: ViewCommand): boolean {
  return a.keys.some((key) => b.keys.includes(key));
}

/**
 * A view's table with the user's overrides of its commands (`<view>.<command>`) applied; the
 * others are not its business. As with the lineage table, a bad override is reported and its
 * command keeps its defaults.
 */
export function resolveViewBindings(
  view: ViewName,
  overrides: Record<string, unknown> = {},
): ViewBindings {
  const table = VIEW_KEYS[view];
  const problems: string[] = [];
  const chosen = new Map<string, readonly string[]>();
  for (const [id, keys] of Object.entries(overrides)) {
    if (!id.startsWith(`${view}.`)) continue;
    if (!table.some((command) => command.id === id)) {
      problems.push(`keys.${id}: there is no command ${id}`);
      continue;
    }
    const list = readKeyList(id, keys);
    const typed =
      typeof list === 'string'
        ? list
        : typedKeyProblem(view, table.find((command) => command.id === id)!, list);
    if (typed !== undefined) problems.push(typed);
    else chosen.set(id, list as readonly string[]);
  }
  const commands = table.map((command) => ({
    ...command,
    keys: chosen.get(command.id) ?? command.keys,
  }));
  for (const [id, keys] of chosen) {
    const index = commands.findIndex((command) => command.id === id);
    const own = table[index]!;
    const other = commands.find(
      (command, at) =>
        at !== index &&
        keys.some((key) => command.keys.includes(key)) &&
        !sharesDefault(own, table[at]!),
    );
    if (other) {
      const clash = keys.find((key) => other.keys.includes(key));
      problems.push(`keys.${id}: ${clash} is already the key of ${other.id}`);
      commands[index] = { ...commands[index]!, keys: own.keys };
    }
  }
  const byKey = new Map<string, ViewCommand[]>();
  for (const command of commands) {
    for (const key of command.keys) byKey.set(key, [...(byKey.get(key) ?? []), command]);
  }
  return { commands, byKey, problems };
}

/** The command id a press runs in the view now, if any. */
export function viewCommandFor(
  bindings: ViewBindings,
  key: string | undefined,
  context: ViewContext = {},
): string | undefined {
  if (key === undefined) return undefined;
  return bindings.byKey.get(key)?.find((command) => command.enabled?.(context) ?? true)?.id;
}

/** The keys of one of the view's commands (an owner hands them to a text field). */
export function viewKeysOf(bindings: ViewBindings, id: string): readonly string[] {
  return bindings.commands.find((command) => command.id === id)?.keys ?? [];
}

/** A key as short as a footer wants it: `^S` for Ctrl-S. */
function footerKey(key: string): string {
  return key.startsWith('ctrl+') && key.length === 6
    ? `^${key.slice(5).toUpperCase()}`
    : displayKey(key);
}

/** The view's footer hints: its commands that run now, in footer order. */
export function viewFooterHints(
  bindings: ViewBindings,
  context: ViewContext = {},
): { key: string; label: string; id: string }[] {
  const first = (id: string) => bindings.commands.find((command) => command.id === id)?.keys[0];
  return bindings.commands
    .filter((command) => command.footer !== undefined && (command.enabled?.(context) ?? true))
    .sort((a, b) => a.footer! - b.footer!)
    .map((command) => {
      // Sending has two everyday keys: both are shown (`^S/^D`).
      const own = command.id === 'repl.send' ? command.keys.slice(0, 2) : command.keys.slice(0, 1);
      const keys = [...own, ...(command.footerWith ?? []).map(first)].filter(
        (key): key is string => key !== undefined,
      );
      return {
        key: keys.map(footerKey).join('/'),
        label: command.footerLabel?.(context) ?? command.label,
        id: command.id,
      };
    });
}

/** Problems with the `keys` setting, every view's table included. */
export function keyOverrideProblems(overrides: Record<string, unknown>): string[] {
  const problems = [...resolveBindings(overrides).problems];
  const views = new Set<ViewName>();
  for (const id of Object.keys(overrides)) {
    if (!id.includes('.')) continue;
    const view = id.slice(0, id.indexOf('.'));
    if (isViewName(view)) views.add(view);
    else problems.push(`keys.${id}: there is no command ${id}`);
  }
  for (const view of views) problems.push(...resolveViewBindings(view, overrides).problems);
  return problems;
}

/** A view's table as Markdown, for docs/tui.md (a test holds the page to it). */
export function viewKeysMarkdown(view: ViewName): string {
  const lines = [`**${VIEW_TITLES[view]}**`, '', '| keys | does | id |', '|---|---|---|'];
  for (const command of VIEW_KEYS[view]) {
    const keys = command.keys.map((key) => `\`${displayKey(key)}\``).join(' ');
    lines.push(`| ${keys} | ${command.help} | \`${command.id}\` |`);
  }
  return lines.join('\n');
}
