// A list to pick from (templates, saved payloads) in the REPL's lower half: a heading, then the
// items around the selected one, which is drawn in the selection colours.
import { Box, Text } from 'ink';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';

export interface PickerItem {
  readonly label: string;
  /** Shown dim after the label. */
  readonly detail?: string;
}

export interface PickerProps {
  readonly title: string;
  readonly items: readonly PickerItem[];
  readonly selected: number;
  readonly width: number;
  /** All of it, heading included. */
  readonly rows: number;
  /** Said when there are no items. */
  readonly empty: string;
}

export function Picker({ title, items, selected, width, rows, empty }: PickerProps) {
  const theme = useTheme();
  const room = Math.max(0, rows - 1);
  // The selected item stays in view, a third of the way down when the list scrolls.
  const top = Math.max(0, Math.min(selected - Math.floor(room / 3), items.length - room));
  const labelWidth = Math.min(
    Math.max(0, ...items.map((item) => item.label.length)) + 2,
    Math.floor(width / 2),
  );
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Text bold color={color(theme.ui.heading)} wrap="truncate">
        {fitText(
          `${title}${items.length > room ? `  [${selected + 1}/${items.length}]` : ''}`,
          width,
        )}
      </Text>
      {items.length === 0 ? (
        <Text color={color(theme.ui.dim)} wrap="truncate">
          {fitText(empty, width)}
        </Text>
      ) : (
        items.slice(top, top + room).map((item, i) => {
          const index = top + i;
          const chosen = index === selected;
          return (
            <Text
              key={`${index}-${item.label}`}
              wrap="truncate"
              color={color(chosen ? theme.ui.selectionText : theme.ui.text)}
              backgroundColor={color(chosen ? theme.ui.selectionBackground : '')}
            >
              {fitText(
                `${chosen ? '›' : ' '} ${fitText(item.label, labelWidth)}${item.detail ?? ''}`,
                width,
              )}
            </Text>
          );
        })
      )}
    </Box>
  );
}
