// The one key table: every command of the lineage view, its default keys, its label, and when
// it can run. Dispatch, the footer's hints, the `?` help and the `:` command line are all made
// from it, so they cannot disagree about what a key does or whether it works now.
import type { Key } from 'ink';
import type { LineageRow } from '../core/internal.js';

export type CommandId =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'filter'
  | 'sort'
  | 'reverse'
  | 'add'
  | 'build'
  | 'test'
  | 'push'
  | 'deploy'
  | 'invoke'
  | 'logs'
  | 'delete'
  | 'details'
  | 'older'
  | 'history'
  | 'errors'
  | 'refresh'
  | 'settings'
  | 'command'
  | 'cancel'
  | 'clearFilter'
  | 'help'
  | 'quit';

/** What the commands' conditions look at: the selected row and the app's state. */
export interface KeyContext {
  readonly row: LineageRow | undefined;
  readonly rows: number;
  readonly readOnly: boolean;
  /** An operation runs on the selected row. */
  readonly rowBusy: boolean;
  readonly filter: string;
  /** Errors were reported (their details can be opened). */
  readonly hasErrors: boolean;
  /** An AWS target is connected (pushes and deploys need one). */
  readonly aws: boolean;
  /** How many older chains the responders' rows hold (V shows them). */
  readonly olderChains?: number;
  /** The selected row is one of those older chains (a `└` row), not its responder's row. */
  readonly olderRow?: boolean;
}

export type CommandGroup = 'navigate' | 'act' | 'view' | 'app';

export interface CommandSpec {
  readonly id: CommandId;
  readonly keys: readonly string[];
  /** One word, for the footer. */
  readonly label: string;
  /** A sentence, for the help. */
  readonly help: string;
  readonly group: CommandGroup;
  /** Changes something (a file, an image, AWS): hidden in read-only mode. */
  readonly mutates?: boolean;
  /** Footer order (lower first); no footer hint without it. */
  readonly footer?: number;
  /** Names on the `:` command line, besides the id. */
  readonly aliases?: readonly string[];
  readonly enabled: (context: KeyContext) => boolean;
  /**
   * Why it cannot run now, said for people (the hint when `:name` asks for it anyway);
   * undefined when it can, or when its help says enough.
   */
  readonly whyNot?: (context: KeyContext) => string | undefined;
}

const always = () => true;
const hasRows = (c: KeyContext) => c.rows > 0;
const idle = (c: KeyContext) => c.row !== undefined && !c.rowBusy;

/** Why an action cannot start on the selected row: none selected, or one runs on it. */
function rowNotIdle(c: KeyContext): string | undefined {
  if (c.row === undefined) return 'No row is selected.';
  if (c.rowBusy) return 'An operation runs on this row: wait for it, or cancel it (Esc).';
  return undefined;
}

/**
 * Why the row has no source to build or deploy: it has none known (an image or a function
 * lambdash cannot trace to a source), or its source is gone.
 */
function sourceProblem(c: KeyContext): string | undefined {
  const responder = c.row?.responder;
  if (c.olderRow) {
    // Building or deploying starts from the source as it is now, which is not this chain's code.
    return "This is an older chain: b and c build and deploy the source as it is now, from its responder's row above.";
  }
  if (c.row && !responder) {
    return 'This row has no known source (an image or a function made elsewhere): there is nothing to build or deploy. Add its source to the project (n) and use that row.';
  }
  if (responder?.state === 'missing') {
    return `Its source ${responder.source} is gone: put it back, or for a project's responder fix its "source" in lambdash.json.`;
  }
  return undefined;
}

const NO_AWS = 'No AWS target is connected: :set region, profile or endpoint, or log in.';

/** Build and deploy start from the row's source. */
const whyNotBuild = (c: KeyContext) => rowNotIdle(c) ?? sourceProblem(c);
const whyNotDeploy = (c: KeyContext) =>
  rowNotIdle(c) ?? sourceProblem(c) ?? (c.aws ? undefined : NO_AWS);

export const KEY_TABLE: readonly CommandSpec[] = [
  {
    id: 'up',
    keys: ['k', 'up'],
    label: 'up',
    help: 'Select the row above',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'down',
    keys: ['j', 'down'],
    label: 'down',
    help: 'Select the row below',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'pageUp',
    keys: ['pageup', 'ctrl+b'],
    label: 'page up',
    help: 'One screen up',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'pageDown',
    keys: ['pagedown', 'ctrl+f'],
    label: 'page down',
    help: 'One screen down',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'top',
    keys: ['g', 'home'],
    label: 'top',
    help: 'Select the first row',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'bottom',
    keys: ['G', 'end'],
    label: 'bottom',
    help: 'Select the last row',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'filter',
    keys: ['/'],
    label: 'filter',
    help: 'Filter the rows as you type (Enter keeps it, Esc clears it)',
    group: 'navigate',
    footer: 90,
    enabled: always,
  },
  {
    id: 'sort',
    keys: ['o'],
    label: 'sort',
    help: 'Sort by the next column: responder, local image, remote image, function',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'reverse',
    keys: ['O'],
    label: 'reverse',
    help: 'Reverse the sort order',
    group: 'navigate',
    enabled: hasRows,
  },
  {
    id: 'add',
    keys: ['n'],
    label: 'add',
    help: "Add a responder to the project (its file's path, then its handler)",
    group: 'act',
    mutates: true,
    footer: 80,
    aliases: ['new'],
    enabled: always,
  },
  {
    id: 'build',
    keys: ['b'],
    label: 'build',
    help: "Build the responder's local image from its source (rows with a known source)",
    group: 'act',
    mutates: true,
    footer: 10,
    enabled: (c) => whyNotBuild(c) === undefined,
    whyNot: whyNotBuild,
  },
  {
    id: 'test',
    keys: ['t'],
    label: 'test',
    help: 'Test the local image in a container',
    group: 'act',
    footer: 20,
    enabled: (c) => idle(c) && !!c.row?.localImage,
    whyNot: (c) =>
      rowNotIdle(c) ??
      (c.row?.localImage ? undefined : 'It has no local image: build it first (b).'),
  },
  {
    id: 'push',
    keys: ['p'],
    label: 'push',
    help: 'Push the local image to ECR',
    group: 'act',
    mutates: true,
    footer: 30,
    enabled: (c) => idle(c) && c.aws && !!c.row?.localImage,
    whyNot: (c) =>
      rowNotIdle(c) ??
      (c.row?.localImage ? undefined : 'It has no local image: build it first (b).') ??
      (c.aws ? undefined : NO_AWS),
  },
  {
    id: 'deploy',
    keys: ['c'],
    label: 'deploy',
    help: 'Deploy the source as it is: build it when it changed, test, push, create or update the function, test that (rows with a known source)',
    group: 'act',
    mutates: true,
    footer: 40,
    aliases: ['create', 'update'],
    enabled: (c) => whyNotDeploy(c) === undefined,
    whyNot: whyNotDeploy,
  },
  {
    id: 'invoke',
    keys: ['i', 'enter'],
    label: 'invoke',
    help: 'Open the invoke REPL (the deployed function or the local container)',
    group: 'act',
    footer: 50,
    enabled: (c) => !!(c.row?.lambdaFunction || c.row?.localImage),
  },
  {
    id: 'logs',
    keys: ['l'],
    label: 'logs',
    help: "The invocations' logs and timelines",
    group: 'view',
    footer: 60,
    aliases: ['timeline'],
    enabled: (c) => !!(c.row?.lambdaFunction || c.row?.localImage),
  },
  {
    id: 'delete',
    keys: ['d'],
    label: 'delete',
    help: 'Delete parts of the row (local image, remote image, repository, function)',
    group: 'act',
    mutates: true,
    footer: 70,
    aliases: ['rm'],
    enabled: (c) =>
      idle(c) &&
      !!(c.row?.localImage || c.row?.remoteImage || c.row?.repo || c.row?.lambdaFunction),
  },
  {
    id: 'details',
    keys: ['v'],
    label: 'details',
    help: 'Every part of the selected row, in full',
    group: 'view',
    enabled: (c) => c.row !== undefined,
  },
  {
    id: 'older',
    keys: ['V'],
    label: 'older',
    help: "Show or hide each responder's older chains (older images, other functions) under its row",
    group: 'view',
    enabled: (c) => (c.olderChains ?? 0) > 0,
  },
  {
    id: 'history',
    keys: ['h'],
    label: 'history',
    help: 'The command log: operations, AWS calls and their outcome',
    group: 'view',
    aliases: ['log'],
    enabled: always,
  },
  {
    id: 'errors',
    keys: ['e'],
    label: 'error',
    help: "The last error's details (message, hint, code, cause)",
    group: 'view',
    footer: 85,
    enabled: (c) => c.hasErrors,
  },
  {
    id: 'refresh',
    keys: ['r'],
    label: 'refresh',
    help: 'Read Docker and AWS again now',
    group: 'app',
    enabled: always,
  },
  {
    id: 'settings',
    keys: [','],
    label: 'settings',
    help: 'Settings (change them with :set NAME VALUE)',
    group: 'app',
    enabled: always,
  },
  {
    id: 'command',
    keys: [':'],
    label: 'command',
    help: 'The command line (:deploy, :set region eu-west-1, :q)',
    group: 'app',
    enabled: always,
  },
  {
    id: 'cancel',
    keys: ['escape'],
    label: 'cancel',
    help: "Cancel the selected row's operation",
    group: 'act',
    footer: 5,
    enabled: (c) => c.rowBusy,
  },
  {
    id: 'clearFilter',
    keys: ['escape'],
    label: 'clear filter',
    help: 'Clear the filter',
    group: 'navigate',
    footer: 6,
    enabled: (c) => c.filter !== '',
  },
  {
    id: 'help',
    keys: ['?'],
    label: 'help',
    help: 'The keys, what they do and whether they work now (this list)',
    group: 'app',
    footer: 100,
    enabled: always,
  },
  {
    id: 'quit',
    keys: ['q'],
    label: 'quit',
    help: 'Quit (Ctrl-C too)',
    group: 'app',
    footer: 101,
    aliases: ['q', 'exit'],
    enabled: always,
  },
];

const COMMAND_IDS = new Set<string>(KEY_TABLE.map((command) => command.id));

export function isCommandId(value: string): value is CommandId {
  return COMMAND_IDS.has(value);
}

const NAMED_KEYS = new Set([
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'enter',
  'escape',
  'tab',
  'backspace',
  'space',
  // Only where the terminal reports it (the kitty keyboard protocol): most send Enter.
  'ctrl+enter',
]);

/** A key as the table writes it: one printable character, a named key, or ctrl+letter. */
/** An override's keys (a key or a list of keys), else the problem with them, in the settings' words. */
export function readKeyList(id: string, keys: unknown): readonly string[] | string {
  const list: unknown = typeof keys === 'string' ? [keys] : keys;
  if (!Array.isArray(list) || list.length === 0) return `keys.${id}: give a key or a list of keys`;
  const bad: unknown = list.find((key) => typeof key !== 'string' || !isKeyName(key));
  if (bad !== undefined) return `keys.${id}: ${JSON.stringify(bad)} is not a key`;
  return list as string[];
}

export function isKeyName(key: string): boolean {
  if (NAMED_KEYS.has(key)) return true;
  if (/^ctrl\+[a-z]$/.test(key) && key !== 'ctrl+c') return true;
  return [...key].length === 1 && key > ' ' && key !== '\x7f';
}

/** The table's name for what ink reports (undefined for keys the table cannot name). */
export function keyNameOf(input: string, key: Key): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && /^[a-z]$/.test(input)) return `ctrl+${input}`;
  if (input === ' ') return 'space';
  return [...input].length === 1 ? input : undefined;
}

/** How a key is shown to people. */
export function displayKey(key: string): string {
  const names: Record<string, string> = {
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    escape: 'Esc',
    tab: 'Tab',
    backspace: 'Bksp',
    space: 'Space',
  };
  if (key === 'ctrl+enter') return 'Ctrl-Enter';
  if (key.startsWith('ctrl+')) return `Ctrl-${key.slice(5).toUpperCase()}`;
  return names[key] ?? key;
}

export type KeyOverrides = Readonly<Partial<Record<CommandId, readonly string[]>>>;

export interface KeyBindings {
  readonly commands: readonly CommandSpec[];
  /** Key name → the commands it may run, in table order (the first enabled one runs). */
  readonly byKey: ReadonlyMap<string, readonly CommandSpec[]>;
  /** Overrides that were refused, said for people. */
  readonly problems: readonly string[];
}

/**
 * The table with the user's key overrides applied. An override that names no command, holds a
 * key that cannot be named, or takes a key another command already uses is reported and
 * ignored: the defaults stay.
 */
export function resolveBindings(overrides: Record<string, unknown> = {}): KeyBindings {
  const problems: string[] = [];
  const chosen = new Map<CommandId, readonly string[]>();
  for (const [id, keys] of Object.entries(overrides)) {
    // `repl.send`, `timeline.close`: other views' commands, checked by their tables (view-keys.ts).
    if (id.includes('.')) continue;
    if (!isCommandId(id)) {
      problems.push(`keys.${id}: there is no command ${id}`);
      continue;
    }
    const list = readKeyList(id, keys);
    if (typeof list === 'string') problems.push(list);
    else chosen.set(id, list);
  }
  const commands = KEY_TABLE.map((command) => ({
    ...command,
    keys: chosen.get(command.id) ?? command.keys,
  }));
  // A key taken by two commands only works for one of them: the override is refused.
  for (const [id, keys] of chosen) {
    const clash = keys.find((key) =>
      commands.some(
        (other) => other.id !== id && other.keys.includes(key) && !sharesKeyByDesign(id, other.id),
      ),
    );
    if (clash !== undefined) {
      const other = commands.find((command) => command.id !== id && command.keys.includes(clash));
      problems.push(`keys.${id}: ${clash} is already the key of ${other?.id}`);
      const index = commands.findIndex((command) => command.id === id);
      commands[index] = { ...commands[index]!, keys: KEY_TABLE[index]!.keys };
    }
  }
  const byKey = new Map<string, CommandSpec[]>();
  for (const command of commands) {
    for (const key of command.keys) byKey.set(key, [...(byKey.get(key) ?? []), command]);
  }
  return { commands, byKey, problems };
}

/** Esc cancels an operation, or else clears the filter: two commands, never enabled at once. */
function sharesKeyByDesign(a: CommandId, b: CommandId): boolean {
  const pair = new Set([a, b]);
  return pair.has('cancel') && pair.has('clearFilter');
}

/** Whether the command is offered at all (read-only mode hides what changes things). */
export function isOffered(command: CommandSpec, context: KeyContext): boolean {
  return !(context.readOnly && command.mutates);
}

/** The command a key runs now, if any. */
export function commandForKey(
  bindings: KeyBindings,
  key: string,
  context: KeyContext,
): CommandSpec | undefined {
  return bindings.byKey
    .get(key)
    ?.find((command) => isOffered(command, context) && command.enabled(context));
}

/** Why the command cannot run now: its own reason when it has one, else its help. */
export function whyNotNow(command: CommandSpec, context: KeyContext): string {
  return command.whyNot?.(context) ?? command.help;
}

/** The command a `:` name runs: its id or an alias (`:deploy`, `:q`, `:rm`). */
export function commandForName(bindings: KeyBindings, name: string): CommandSpec | undefined {
  const wanted = name.toLowerCase();
  return bindings.commands.find(
    (command) =>
      command.id.toLowerCase() === wanted || command.aliases?.some((alias) => alias === wanted),
  );
}

/** The footer's hints: commands valid now, in footer order. */
export function footerHints(
  bindings: KeyBindings,
  context: KeyContext,
): { key: string; label: string; id: CommandId }[] {
  return bindings.commands
    .filter(
      (command) =>
        command.footer !== undefined &&
        // A key two commands share (Esc) is shown for the one it runs now.
        commandForKey(bindings, command.keys[0]!, context) === command,
    )
    .sort((a, b) => a.footer! - b.footer!)
    .map((command) => ({
      key: displayKey(command.keys[0]!),
      label: command.label,
      id: command.id,
    }));
}

const GROUP_TITLES: Readonly<Record<CommandGroup, string>> = {
  act: 'Actions',
  view: 'Views',
  navigate: 'Moving around',
  app: 'The app',
};

/** The key table as Markdown, for docs/tui.md (a test holds the page to it). */
export function keyTableMarkdown(commands: readonly CommandSpec[] = KEY_TABLE): string {
  const lines = ['| keys | does | `:` name | read-only |', '|---|---|---|---|'];
  for (const group of ['act', 'view', 'navigate', 'app'] as const) {
    lines.push(`| **${GROUP_TITLES[group]}** | | | |`);
    for (const command of commands.filter((candidate) => candidate.group === group)) {
      const keys = command.keys.map((key) => `\`${displayKey(key)}\``).join(' ');
      const names = [...new Set([command.id, ...(command.aliases ?? [])])]
        .map((name) => `\`:${name}\``)
        .join(' ');
      lines.push(
        `| ${keys} | ${command.help} | ${names} | ${command.mutates ? 'hidden' : 'yes'} |`,
      );
    }
  }
  return lines.join('\n');
}
