// The lists the REPL's lower half shows in place of the response: the event templates (Ctrl-N)
// and the payloads saved for this function (Ctrl-O).
import { Picker, type PickerItem } from './picker.js';
import type { PickList } from './repl-state.js';

export interface PayloadPickerProps {
  readonly list: PickList;
  readonly items: readonly PickerItem[];
  readonly selected: number;
  readonly width: number;
  /** All of it, title included. */
  readonly rows: number;
}

export function PayloadPicker({ list, items, selected, width, rows }: PayloadPickerProps) {
  return (
    <Picker
      title={
        list === 'templates'
          ? 'Event templates (Enter inserts, replacing the payload)'
          : 'Saved payloads (Enter loads, d deletes)'
      }
      items={items}
      selected={selected}
      width={width}
      rows={rows}
      empty="Nothing saved yet for this function: Ctrl-W saves the payload under a name."
    />
  );
}
