// The REPL's memory for its row: the payloads sent (the history) and those saved under a name,
// kept in the payload store under the row's history key, and the event templates beside them
// in the lists Ctrl-N and Ctrl-O open.
import { useMemo } from 'react';
import {
  type AwsTarget,
  createEventFromTemplate,
  EVENT_TEMPLATES,
  type LineageRow,
} from '../../core/internal.js';
import { historyKeyOf } from './history-key.js';
import { openPayloadStore, type PayloadStore } from './payload-store.js';
import type { PickerItem } from './picker.js';
import type { Notice, PickList } from './repl-state.js';

/** A payload picked from a list, for the editor. */
export interface Picked {
  readonly payload: string;
  /** Where the cursor goes: a template is read from its top, a saved payload edited at its end. */
  readonly cursor: 'start' | 'end';
  readonly notice: Notice;
}

export interface Payloads {
  /** Oldest first. */
  history(): string[];
  /** Adds a sent payload to the history; the history after it. */
  remember(payload: string): string[];
  /** Why the store could not be read or written, when it could not. */
  problem(): string | undefined;
  items(list: PickList): PickerItem[];
  /** The list's entry at `index` as a payload, undefined when there is none. */
  picked(list: PickList, index: number, target: AwsTarget | undefined): Picked | undefined;
  /** Saves under a name; what to say about it. */
  save(name: string, payload: string): Notice;
  /** Deletes the saved payload at `index`; its name, undefined when there is none. */
  deleteSaved(index: number): string | undefined;
}

/** The row's payloads in `given`, by default conf in LAMBDASH_CONFIG_DIR. */
export function usePayloads(row: LineageRow, given: PayloadStore | undefined): Payloads {
  const store = useMemo(() => given ?? openPayloadStore(), [given]);
  const key = historyKeyOf(row);
  return {
    history: () => store.history(key),
    remember: (payload) => {
      store.addToHistory(key, payload);
      return store.history(key);
    },
    problem: () => store.problem,
    items: (list) =>
      list === 'templates'
        ? EVENT_TEMPLATES.map((t) => ({ label: t.name, detail: t.title }))
        : store.saved(key).map((saved) => ({ label: saved.name, detail: oneLine(saved.payload) })),
    picked: (list, index, target) => {
      if (list === 'templates') {
        const template = EVENT_TEMPLATES[index];
        if (!template) return undefined;
        const event = createEventFromTemplate(template.name, {
          ...(target ? { region: target.region, accountId: target.accountId } : {}),
        });
        return {
          payload: JSON.stringify(event, null, 2),
          cursor: 'start',
          notice: { text: `Inserted the template: ${template.title}`, tone: 'info' },
        };
      }
      const saved = store.saved(key)[index];
      if (!saved) return undefined;
      return {
        payload: saved.payload,
        cursor: 'end',
        notice: { text: `Loaded the saved payload "${saved.name}"`, tone: 'info' },
      };
    },
    save: (name, payload) => {
      store.save(key, name, payload);
      return store.problem
        ? { text: store.problem, tone: 'error' }
        : { text: `Saved as "${name}" (Ctrl-O lists saved payloads)`, tone: 'info' };
    },
    deleteSaved: (index) => {
      const saved = store.saved(key)[index];
      if (!saved) return undefined;
      store.deleteSaved(key, saved.name);
      return saved.name;
    },
  };
}

function oneLine(payload: string): string {
  return `  ${payload.replace(/\s+/g, ' ')}`;
}
