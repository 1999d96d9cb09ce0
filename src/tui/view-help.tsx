// The help of the view in front: a view (the REPL, the timeline, a dialog, the settings) asks
// for its table's help with `useViewHelp()`, and the host shows it in the view's place. The view
// stays mounted, hidden, so closing the help finds it as it was (a half-typed payload, the
// ticked parts); the help takes the keyboard while it is open, being the newer `useKeys`.
import { Box } from 'ink';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { ViewHelpOverlay } from './help-overlay.js';
import type { ViewContext, ViewName } from './view-keys.js';

type OpenHelp = (view: ViewName, context?: ViewContext) => void;

const ViewHelpContext = createContext<OpenHelp | undefined>(undefined);

export function ViewHelpHost({
  width,
  height,
  children,
}: {
  width: number;
  height: number;
  children: ReactNode;
}): ReactNode {
  const [shown, setShown] = useState<{ view: ViewName; context: ViewContext } | undefined>();
  const open = useMemo<OpenHelp>(
    () =>
      (view, context = {}) =>
        setShown({ view, context }),
    [],
  );
  return (
    <ViewHelpContext.Provider value={open}>
      <Box display={shown ? 'none' : 'flex'} flexDirection="column">
        {children}
      </Box>
      {shown ? (
        <ViewHelpOverlay
          view={shown.view}
          context={shown.context}
          width={width}
          height={height}
          onClose={() => setShown(undefined)}
        />
      ) : null}
    </ViewHelpContext.Provider>
  );
}

/** Opens the help of a view's table; without a host (a view drawn alone) it does nothing. */
export function useViewHelp(): OpenHelp {
  return useContext(ViewHelpContext) ?? noHelp;
}

const noHelp: OpenHelp = () => undefined;
