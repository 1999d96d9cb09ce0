// The terminal app's settings, kept with `conf` in lambdash's config folder (settings.json;
// LAMBDASH_CONFIG_DIR when set, which tests use). Every entry is checked on its own: a bad
// one is reported and ignored (its default applies), never fatal, and a file that is not JSON
// is reported and left alone (the session then keeps its changes in memory).
import path from 'node:path';
import Conf from 'conf';
import { LambdashError, type LineageScope } from '../core/internal.js';
import { THEME_NAMES, type ThemeName } from './theme.js';
import { keyOverrideProblems } from './view-keys.js';

export interface Settings {
  /** AWS region; the profile's or the environment's when unset. */
  readonly region: string | undefined;
  readonly profile: string | undefined;
  /** An AWS-compatible endpoint (a local cloud elsewhere, LocalStack). */
  readonly endpoint: string | undefined;
  /** Use lambdash's local cloud even when AWS credentials are set up. */
  readonly local: boolean;
  /** Seconds between two readings of AWS (Docker's changes show at once). */
  readonly refreshSeconds: number;
  readonly theme: ThemeName;
  /** Whose rows the table shows: the project's responders, or all lambdash made. */
  readonly scope: LineageScope;
  /** Command id → keys, replacing the key table's defaults. */
  readonly keys: Readonly<Record<string, readonly string[]>>;
}

export type SettingName = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
  region: undefined,
  profile: undefined,
  endpoint: undefined,
  local: false,
  refreshSeconds: 15,
  theme: 'dark',
  scope: 'project',
  keys: {},
};

export interface SettingsStore {
  /** The settings file (undefined: kept in memory only). */
  readonly path: string | undefined;
  get(): Settings;
  /** What was wrong with the file's entries (each ignored). */
  problems(): readonly string[];
  /** Sets one setting from its text (`:set region eu-west-1`); throws INVALID_OPTION. */
  set(name: string, value: string): Settings;
  /** Back to the default. */
  unset(name: string): Settings;
  subscribe(listener: (settings: Settings) => void): () => void;
}

const SCOPES: readonly LineageScope[] = ['project', 'all'];
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const PROFILE = /^[\w+.@-]+$/;

type Check = (value: unknown) => string | undefined;

/** Each setting's check: undefined when the value is good, else what is wrong. */
const CHECKS: Readonly<Record<SettingName, Check>> = {
  region: (v) =>
    typeof v === 'string' && REGION.test(v) ? undefined : 'is not an AWS region (eu-west-1)',
  profile: (v) => (typeof v === 'string' && PROFILE.test(v) ? undefined : 'is not a profile name'),
  endpoint: (v) => {
    if (typeof v !== 'string') return 'is not a URL';
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:'
        ? undefined
        : 'is not an http(s) URL';
    } catch {
      return 'is not a URL (http://127.0.0.1:4566)';
    }
  },
  local: (v) => (typeof v === 'boolean' ? undefined : 'is not true or false'),
  refreshSeconds: (v) =>
    Number.isInteger(v) && (v as number) >= 2 && (v as number) <= 3600
      ? undefined
      : 'is not a whole number of seconds from 2 to 3600',
  theme: (v) =>
    THEME_NAMES.includes(v as ThemeName) ? undefined : `is not one of ${THEME_NAMES.join(', ')}`,
  scope: (v) =>
    SCOPES.includes(v as LineageScope) ? undefined : `is not one of ${SCOPES.join(', ')}`,
  keys: (v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return 'is not an object';
    const problems = keyOverrideProblems(v as Record<string, unknown>);
    return problems.length ? problems.join('; ') : undefined;
  },
};

export const SETTING_NAMES = Object.keys(CHECKS) as SettingName[];

function isSettingName(name: string): name is SettingName {
  return (SETTING_NAMES as string[]).includes(name);
}

function checkSettingName(name: string): asserts name is SettingName {
  if (!isSettingName(name)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `There is no setting ${name}.`,
      `Settings: ${SETTING_NAMES.join(', ')}.`,
    );
  }
}

/** The good entries of what the file holds, and what was wrong with the others. */
export function readSettings(data: Record<string, unknown>): {
  settings: Settings;
  problems: string[];
} {
  const problems: string[] = [];
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [name, value] of Object.entries(data)) {
    if (name.startsWith('__')) continue; // conf's own bookkeeping
    if (!isSettingName(name)) {
      problems.push(`${name}: there is no such setting (${SETTING_NAMES.join(', ')})`);
      continue;
    }
    if (name === 'keys' && value && typeof value === 'object' && !Array.isArray(value)) {
      // Key overrides are checked one by one: a bad one does not cost the good ones.
      const keyProblems = keyOverrideProblems(value as Record<string, unknown>);
      const good = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(
          ([id]) => !keyProblems.some((problem) => problem.startsWith(`keys.${id}:`)),
        ),
      );
      settings.keys = good;
      problems.push(...keyProblems.map((problem) => `${problem} (ignored)`));
      continue;
    }
    const wrong = value === null ? undefined : CHECKS[name](value);
    if (wrong) problems.push(`${name}: ${JSON.stringify(value)} ${wrong} (ignored)`);
    else if (value !== null) settings[name] = value;
  }
  return { settings: settings as unknown as Settings, problems };
}

/** A setting's value from what someone typed: `true`, `30`, `eu-west-1`, `build=B` for keys. */
export function parseSettingValue(name: string, text: string): unknown {
  checkSettingName(name);
  const trimmed = text.trim();
  let value: unknown = trimmed;
  if (name === 'local') {
    value =
      trimmed === 'true' || trimmed === 'on' || trimmed === 'yes'
        ? true
        : trimmed === 'false' || trimmed === 'off' || trimmed === 'no'
          ? false
          : trimmed;
  } else if (name === 'refreshSeconds') {
    value = /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  } else if (name === 'keys') {
    // `build=B,x test=T`
    value = Object.fromEntries(
      trimmed
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => {
          const [id = '', keys = ''] = pair.split('=');
          return [id, keys.split(',').filter(Boolean)];
        }),
    );
  }
  const wrong = CHECKS[name](value);
  if (wrong) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${name}: ${JSON.stringify(trimmed)} ${wrong}.`,
      name === 'keys'
        ? 'Write keys as COMMAND=KEY[,KEY] pairs, for instance :set keys build=B deploy=D.'
        : `For instance :set ${name} ${example(name)}.`,
    );
  }
  return value;
}

function example(name: SettingName): string {
  return {
    region: 'eu-west-1',
    profile: 'default',
    endpoint: 'http://127.0.0.1:4566',
    local: 'true',
    refreshSeconds: '30',
    theme: 'light',
    scope: 'all',
    keys: 'build=B',
  }[name];
}

const CONFIG_NAME = 'settings';

/** The settings in `cwd`, else LAMBDASH_CONFIG_DIR, else the user's config folder for lambdash. */
export function openSettings(options: { cwd?: string } = {}): SettingsStore {
  const cwd = options.cwd ?? process.env.LAMBDASH_CONFIG_DIR;
  let conf: Conf<Record<string, unknown>> | undefined;
  const problems: string[] = [];
  let data: Record<string, unknown> = {};
  try {
    conf = new Conf<Record<string, unknown>>({
      projectName: 'lambdash',
      configName: CONFIG_NAME,
      ...(cwd ? { cwd } : {}),
    });
    data = { ...conf.store };
  } catch (error) {
    const file = cwd ? path.join(cwd, `${CONFIG_NAME}.json`) : `lambdash's ${CONFIG_NAME}.json`;
    problems.push(
      `${file} could not be read (${(error as Error).message}); the defaults apply and changes last this session only. Fix or delete the file.`,
    );
    conf = undefined;
  }
  const read = readSettings(data);
  problems.push(...read.problems);
  let settings = read.settings;
  const listeners = new Set<(settings: Settings) => void>();

  const change = (name: SettingName, value: unknown) => {
    settings = { ...settings, [name]: value ?? DEFAULT_SETTINGS[name] };
    if (conf) {
      if (value === undefined) conf.delete(name);
      else conf.set(name, value);
    }
    for (const listener of [...listeners]) listener(settings);
    return settings;
  };

  return {
    path: conf?.path,
    get: () => settings,
    problems: () => problems,
    set: (name, text) => change(name as SettingName, parseSettingValue(name, text)),
    unset: (name) => {
      checkSettingName(name);
      return change(name, undefined);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
