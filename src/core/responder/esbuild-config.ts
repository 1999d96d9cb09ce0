// How lambdash drives esbuild, for the analysis and the bundle alike: which tsconfig it reads,
// how bare specifiers map to installed packages, and its errors as people read them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as esbuild from 'esbuild';
import { LambdashError } from '../common/errors.js';
import type { Responder } from './types.js';

/** Passed to build.resolve so our own onResolve hook lets the nested lookup through. */
export const NESTED_RESOLVE = Symbol('lambdash.nested-resolve');

/** "@scope/pkg/sub/path" → "@scope/pkg"; "pkg/sub" → "pkg". */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The installed package folder a resolved file belongs to, or undefined outside node_modules. */
export function packageDirOf(resolvedFile: string, name: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}`;
  const at = resolvedFile.lastIndexOf(marker + path.sep);
  return at >= 0 ? resolvedFile.slice(0, at + marker.length) : undefined;
}

/** tsconfig.json is read from a package's root only; a lone file ignores the folders above it. */
export function tsconfigPath(kind: Responder['kind'], root: string): string | undefined {
  const file = path.join(root, 'tsconfig.json');
  return kind !== 'file' && existsSync(file) ? file : undefined;
}

export function tsconfigOptions(
  kind: Responder['kind'],
  root: string,
): Pick<esbuild.BuildOptions, 'tsconfig' | 'tsconfigRaw'> {
  const file = tsconfigPath(kind, root);
  // Without an explicit config esbuild would read any tsconfig.json above the code (the
  // user's home, another project), which the hash knows nothing about.
  return file ? { tsconfig: file } : { tsconfigRaw: {} };
}

/** esbuild's errors as `file:line:column: message` lines (columns count from 1, as editors do). */
export function bundleError(error: unknown, what: string): LambdashError {
  if (error instanceof LambdashError) return error;
  const messages = (error as { errors?: esbuild.Message[] } | null)?.errors;
  if (!Array.isArray(messages) || messages.length === 0) {
    return new LambdashError(
      'BUNDLE_FAILED',
      `${what}: ${(error as Error | null)?.message ?? String(error)}`,
      undefined,
      { cause: error },
    );
  }
  for (const message of messages) {
    if (message.detail instanceof LambdashError) return message.detail;
  }
  const shown = messages.slice(0, 5).map((message) => {
    const at = message.location;
    if (!at) return message.text;
    const place = `${at.file}:${at.line}:${at.column + 1}: ${message.text}`;
    return at.lineText.trim() ? `${place}\n    ${at.lineText.trim()}` : place;
  });
  if (messages.length > shown.length) shown.push(`...and ${messages.length - shown.length} more`);
  const missing = messages
    .map((m) => /^Could not resolve "([^"]+)"/.exec(m.text)?.[1])
    .find((spec) => spec !== undefined && /^[^./]/.test(spec));
  const hint = missing
    ? `Install ${packageName(missing)} where the code lives (npm install ${packageName(missing)}, in its folder or one above it); a script building a lone file can pass it in getResponder's dependencies option instead.`
    : 'Fix the code at the place shown, then build again.';
  return new LambdashError('BUNDLE_FAILED', `${what}:\n${shown.join('\n')}`, hint, {
    cause: error,
  });
}
