// A dialog's frame: its panel, the problem with what was typed if any, and its footer drawn from
// its key table (view-keys.ts) below the panel, in the height the app gives the dialog.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { Footer } from './footer.js';
import { Panel } from './panel.js';
import { color, useTheme } from './theme.js';
import { useViewBindings } from './use-view-keys.js';
import { type ViewContext, type ViewName, viewFooterHints } from './view-keys.js';

export interface DialogFrameProps {
  readonly title: string;
  readonly view: ViewName;
  /** The dialog's state, for the footer's hints. */
  readonly context: ViewContext;
  readonly problem: string | undefined;
  readonly width: number;
  /** With the footer's line. */
  readonly height: number;
  readonly children: ReactNode;
}

export function DialogFrame(props: DialogFrameProps): ReactNode {
  const theme = useTheme();
  const bindings = useViewBindings(props.view);
  return (
    <Box flexDirection="column">
      <Panel title={props.title} width={props.width} height={props.height - 1}>
        {props.children}
        {props.problem ? (
          <Text color={color(theme.status.error)} wrap="truncate-end">
            {props.problem}
          </Text>
        ) : null}
      </Panel>
      <Footer hints={viewFooterHints(bindings, props.context)} width={props.width} />
    </Box>
  );
}
