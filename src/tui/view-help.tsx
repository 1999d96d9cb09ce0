// The help of the view in front: a view (the REPL, the timeline, a dialog, the settings) asks
// for its table's help with `useViewHelp()`, and the host shows it in the view's place. The view
// stays mounted, hidden, so closing the help finds it as it was (a half-typed payload, the
// ticked parts); the help takes the keyboard while it is open, being the newer `useKeys`.
// What the view hands `useViewHelp` as its live context follows the open help, so which keys
// are dimmed stays true while the view's state moves on (the REPL's invocation ends).
import { Box } from 'ink';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ViewHelpOverlay } from './help-overlay.js';
import type { ViewContext, ViewName } from './view-keys.js';

type OpenHelp = (view: ViewName, context?: ViewContext) => void;

/** Which view's help is open, for whom (a `useViewHelp` caller), and that view's state. */
interface Shown {
  readonly view: ViewName;
  readonly context: ViewContext;
  readonly owner: object;
}

interface Host {
  readonly open: (owner: object, view: ViewName, context: ViewContext) => void;
  /** The owner's state changed: its help, if open, shows the new one. */
  readonly follow: (owner: object, live: ViewContext) => void;
}

const ViewHelpContext = createContext<Host | undefined>(undefined);

export function ViewHelpHost({
  width,
  height,
  children,
}: {
  width: number;
  height: number;
  children: ReactNode;
}): ReactNode {
  const [shown, setShown] = useState<Shown | undefined>();
  const host = useMemo<Host>(
    () => ({
      open: (owner, view, context) => setShown({ view, context, owner }),
      follow: (owner, live) =>
        setShown((now) =>
          now?.owner === owner ? { ...now, context: { ...now.context, ...live } } : now,
        ),
    }),
    [],
  );
  return (
    <ViewHelpContext.Provider value={host}>
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

/**
 * Opens the help of a view's table; without a host (a view drawn alone) it does nothing. `live`
 * is the caller's state that may change while its help is open (`{running}` in the REPL): it
 * joins the context given when opening, and follows while the help is shown.
 */
export function useViewHelp(live?: ViewContext): OpenHelp {
  const host = useContext(ViewHelpContext);
  const owner = useRef({}).current;
  // The context's fields are strings and booleans: its JSON says when it changed.
  const liveKey = JSON.stringify(live ?? {});
  useEffect(() => {
    host?.follow(owner, JSON.parse(liveKey) as ViewContext);
  }, [host, owner, liveKey]);
  return useMemo<OpenHelp>(
    () =>
      host
        ? (view, context = {}) =>
            host.open(owner, view, { ...context, ...(JSON.parse(liveKey) as ViewContext) })
        : noHelp,
    [host, owner, liveKey],
  );
}

const noHelp: OpenHelp = () => undefined;
