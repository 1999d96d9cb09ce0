// What the app shows over its rows: the filter and whether it is being typed, the command line
// being typed, the sort, whether older chains are shown, and the panel or dialog in front (the
// overlay). The commands change it (app-commands.ts); the layout reads it (app.tsx).
import { useState } from 'react';
import type { LineageRow } from '../core/internal.js';
import type { SortKey } from './lineage-columns.js';

export type Overlay =
  | { readonly kind: 'help' | 'history' | 'errors' | 'settings' | 'add' }
  | { readonly kind: 'details' | 'delete' | 'invoke' | 'logs'; readonly row: LineageRow };

export interface Sort {
  readonly key: SortKey;
  readonly reverse: boolean;
}

export interface AppView {
  readonly filter: string;
  setFilter(filter: string): void;
  /** The filter is being typed. */
  readonly filtering: boolean;
  setFiltering(filtering: boolean): void;
  /** The command line being typed, undefined when it is closed. */
  readonly commandText: string | undefined;
  setCommandText(text: string | undefined): void;
  readonly sort: Sort;
  setSort(sort: Sort): void;
  readonly showOlder: boolean;
  setShowOlder(show: boolean): void;
  readonly overlay: Overlay | undefined;
  setOverlay(overlay: Overlay | undefined): void;
}

export function useAppView(): AppView {
  const [filter, setFilter] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [commandText, setCommandText] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>({ key: 'responder', reverse: false });
  const [showOlder, setShowOlder] = useState(false);
  const [overlay, setOverlay] = useState<Overlay | undefined>();
  return {
    filter,
    setFilter,
    filtering,
    setFiltering,
    commandText,
    setCommandText,
    sort,
    setSort,
    showOlder,
    setShowOlder,
    overlay,
    setOverlay,
  };
}
