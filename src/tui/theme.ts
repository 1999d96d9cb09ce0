// Semantic colours: views ask for what a thing means (theme.lineage.changed,
// theme.status.error), never for a colour by name, so a theme is one object and a view never
// disagrees with another about what red means. Colours are ink's (chalk names or hex).
import { createContext, useContext } from 'react';

export interface Theme {
  readonly name: ThemeName;
  /** A responder's state in the lineage table. */
  readonly lineage: {
    readonly current: string;
    readonly changed: string;
    readonly missing: string;
    readonly remote: string;
    /** A row whose responder is unknown (an image or function made elsewhere). */
    readonly unknown: string;
  };
  readonly status: {
    readonly info: string;
    readonly success: string;
    readonly warning: string;
    readonly error: string;
    /** An operation in flight. */
    readonly busy: string;
  };
  readonly ui: {
    readonly text: string;
    readonly dim: string;
    readonly accent: string;
    /** Key names in the footer and the help. */
    readonly key: string;
    readonly border: string;
    readonly heading: string;
    readonly selectionText: string;
    readonly selectionBackground: string;
  };
  readonly progress: { readonly done: string; readonly todo: string };
}

export type ThemeName = 'dark' | 'light' | 'mono';
export const THEME_NAMES: readonly ThemeName[] = ['dark', 'light', 'mono'];

const dark: Theme = {
  name: 'dark',
  lineage: {
    current: 'green',
    changed: 'yellow',
    missing: 'red',
    remote: 'cyan',
    unknown: 'gray',
  },
  status: { info: 'cyan', success: 'green', warning: 'yellow', error: 'red', busy: 'magenta' },
  ui: {
    text: 'white',
    dim: 'gray',
    accent: 'cyan',
    key: 'yellow',
    border: 'gray',
    heading: 'blueBright',
    selectionText: 'black',
    selectionBackground: 'cyan',
  },
  progress: { done: 'cyan', todo: 'gray' },
};

const light: Theme = {
  name: 'light',
  lineage: {
    current: 'green',
    changed: '#a36a00',
    missing: 'red',
    remote: 'blue',
    unknown: 'gray',
  },
  status: { info: 'blue', success: 'green', warning: '#a36a00', error: 'red', busy: 'magenta' },
  ui: {
    text: 'black',
    dim: 'gray',
    accent: 'blue',
    key: 'magenta',
    border: 'gray',
    heading: 'blue',
    selectionText: 'white',
    selectionBackground: 'blue',
  },
  progress: { done: 'blue', todo: 'gray' },
};

/** No colours at all (NO_COLOR, or a terminal that draws them badly): meaning by text alone. */
const mono: Theme = {
  name: 'mono',
  lineage: { current: '', changed: '', missing: '', remote: '', unknown: '' },
  status: { info: '', success: '', warning: '', error: '', busy: '' },
  ui: {
    text: '',
    dim: '',
    accent: '',
    key: '',
    border: '',
    heading: '',
    selectionText: '',
    selectionBackground: '',
  },
  progress: { done: '', todo: '' },
};

export const THEMES: Readonly<Record<ThemeName, Theme>> = { dark, light, mono };

/** An empty colour means "the terminal's own": ink wants undefined for that. */
export function color(value: string): string | undefined {
  return value === '' ? undefined : value;
}

export const ThemeContext = createContext<Theme>(dark);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
