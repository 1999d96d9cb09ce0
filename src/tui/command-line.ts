// The `:` command line: every key table command by name (`:deploy`, `:q`, `:rm`), and the
// things keys cannot say (`:set region eu-west-1`, `:unset theme`, `:filter api`, `:sort
// function`). An unknown name suggests the nearest one.
import { type CommandId, commandForName, type KeyBindings } from './key-table.js';
import { SORT_KEYS, type SortKey } from './lineage-columns.js';
import { SETTING_NAMES } from './settings.js';

export type CommandLine =
  | { readonly kind: 'none' }
  | { readonly kind: 'set'; readonly name: string; readonly value: string }
  | { readonly kind: 'unset'; readonly name: string }
  | { readonly kind: 'filter'; readonly text: string }
  | { readonly kind: 'sort'; readonly key: SortKey }
  | { readonly kind: 'command'; readonly id: CommandId }
  | { readonly kind: 'error'; readonly message: string; readonly hint?: string };

const OWN = ['set', 'unset', 'filter', 'sort'];

/** Every name the command line knows, for completion and suggestions. */
export function commandNames(bindings: KeyBindings): string[] {
  const names = new Set(OWN);
  for (const command of bindings.commands) {
    names.add(command.id);
    for (const alias of command.aliases ?? []) names.add(alias);
  }
  return [...names].sort();
}

export function parseCommandLine(text: string, bindings: KeyBindings): CommandLine {
  const [name = '', ...args] = text.trim().replace(/^:/, '').split(/\s+/);
  const rest = args.join(' ');
  if (!name) return { kind: 'none' };
  switch (name) {
    case 'set': {
      const [setting, ...value] = args;
      if (!setting || value.length === 0) {
        return {
          kind: 'error',
          message: ':set needs a setting and a value.',
          hint: `For instance :set region eu-west-1. Settings: ${SETTING_NAMES.join(', ')}.`,
        };
      }
      return { kind: 'set', name: setting, value: value.join(' ') };
    }
    case 'unset':
      return args[0]
        ? { kind: 'unset', name: args[0] }
        : {
            kind: 'error',
            message: ':unset needs a setting.',
            hint: `Settings: ${SETTING_NAMES.join(', ')}.`,
          };
    case 'filter':
      return { kind: 'filter', text: rest };
    case 'sort': {
      const key = SORT_KEYS.find((candidate) => candidate === args[0]);
      return key
        ? { kind: 'sort', key }
        : { kind: 'error', message: `:sort takes one of ${SORT_KEYS.join(', ')}.` };
    }
  }
  const command = commandForName(bindings, name);
  if (command) return { kind: 'command', id: command.id };
  const suggestion = nearest(name, commandNames(bindings));
  return {
    kind: 'error',
    message: `There is no command :${name}.`,
    hint: suggestion
      ? `Did you mean :${suggestion}? (? lists the keys)`
      : 'Press ? for the commands.',
  };
}

/** Tab: the one name that starts with what was typed, or their common start. */
export function completeCommand(text: string, bindings: KeyBindings): string | undefined {
  if (/\s/.test(text.trim()) || !text.trim()) return undefined;
  const typed = text.trim();
  const matches = commandNames(bindings).filter((name) => name.startsWith(typed));
  if (matches.length === 0) return undefined;
  if (matches.length === 1) return `${matches[0]} `;
  let common = matches[0]!;
  for (const match of matches) while (!match.startsWith(common)) common = common.slice(0, -1);
  return common.length > typed.length ? common : undefined;
}

/** The candidate within two edits of `word`, the closest first. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
