// A view's resolved key bindings: its table with the user's overrides (the `keys` setting),
// which the app hands down through `KeyOverrides` so a view needs no settings of its own.
import { createContext, createElement, type ReactNode, useContext, useMemo } from 'react';
import { resolveViewBindings, type ViewBindings, type ViewName } from './view-keys.js';

const KeyOverridesContext = createContext<Readonly<Record<string, unknown>>>({});

/** Gives the views below the user's key overrides (the `keys` setting). */
export function KeyOverrides({
  keys,
  children,
}: {
  keys: Readonly<Record<string, unknown>>;
  children: ReactNode;
}): ReactNode {
  return createElement(KeyOverridesContext.Provider, { value: keys }, children);
}

export function useViewBindings(view: ViewName): ViewBindings {
  const overrides = useContext(KeyOverridesContext);
  return useMemo(() => resolveViewBindings(view, { ...overrides }), [view, overrides]);
}
