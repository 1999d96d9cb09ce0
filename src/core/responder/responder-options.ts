// The options of getResponder, checked and put in a canonical order (so equal options hash
// equally). Everything here ends up in the image or beside the bundle: the handler in the
// image's CMD, dependency ranges in package.json, registry URLs in .npmrc.
import { escapeControlCharacters, hasControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';

import type { Registry, ResponderOptions } from './types.js';

export type { Registry } from './types.js';

export interface Settings {
  readonly handler: string;
  readonly dependencies: Record<string, string>;
  readonly externals: string[];
  readonly registries: Registry[];
}

const HANDLER_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** An npm package name (lower case, an optional scope); at most 214 characters besides. */
export const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

const SCOPE = /^@[a-z0-9-~][a-z0-9-._~]*$/;

function invalid(message: string, hint: string): LambdashError {
  return new LambdashError('INVALID_OPTION', message, hint);
}

export function normalizeOptions(options: ResponderOptions): Settings {
  const handler = options.handler ?? 'handler';
  // The handler ends up in the image's CMD: only identifiers, so nothing can be injected.
  if (!HANDLER_NAME.test(handler)) {
    throw invalid(
      `"${escapeControlCharacters(handler)}" is not a valid handler export name.`,
      'Name an exported function, such as "handler", or a path through exported objects, such as "api.handler".',
    );
  }
  const dependencies: Record<string, string> = {};
  for (const [name, range] of Object.entries(options.dependencies ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    checkPackageName(name, 'dependencies');
    if (typeof range !== 'string' || range.trim() === '' || hasControlCharacters(range)) {
      throw invalid(
        `The version of dependency "${escapeControlCharacters(name)}" must be a version or range, such as "^4.1.0".`,
        'Give each dependency a version range as npm understands it.',
      );
    }
    dependencies[name] = range.trim();
  }
  const externals = [...new Set(options.externals ?? [])].sort();
  for (const name of externals) checkPackageName(name, 'externals');
  const registries = (options.registries ?? []).map(checkRegistry);
  registries.sort((a, b) => {
    const ka = `${a.scope ?? ''} ${a.url}`;
    const kb = `${b.scope ?? ''} ${b.url}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { handler, dependencies, externals, registries };
}

function checkPackageName(name: string, option: string): void {
  if (typeof name !== 'string' || name.length > 214 || !PACKAGE_NAME.test(name)) {
    throw invalid(
      `"${escapeControlCharacters(String(name))}" in ${option} is not a valid npm package name.`,
      'Use the name as it appears on npm, such as "zod" or "@aws-sdk/client-s3".',
    );
  }
}

function checkRegistry(registry: Registry): Registry {
  let url: URL | undefined;
  try {
    url = new URL(registry.url);
  } catch {
    url = undefined;
  }
  // Whitespace would let a URL add lines to the .npmrc written beside a bundle.
  const clean =
    typeof registry.url === 'string' &&
    !/\s/.test(registry.url) &&
    !hasControlCharacters(registry.url);
  if (!clean || !url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalid(
      `"${registry.url}" is not a registry URL.`,
      'Give the registry as an http(s) URL, such as "https://npm.example.com/".',
    );
  }
  if (url.username || url.password) {
    throw invalid(
      `The registry URL for ${registry.scope ?? 'all packages'} carries credentials.`,
      'Leave tokens out of lambdash: put them in your ~/.npmrc (//npm.example.com/:_authToken=...), where npm finds them.',
    );
  }
  if (registry.scope !== undefined && !SCOPE.test(registry.scope)) {
    throw invalid(
      `"${registry.scope}" is not an npm scope.`,
      'Give the scope with its "@", such as "@acme".',
    );
  }
  return registry.scope === undefined
    ? { url: registry.url }
    : { url: registry.url, scope: registry.scope };
}
