// Packages the bundle leaves out: native ones (native-package.ts: compiled parts cannot be
// inlined, and a build per platform must be installed for the image's) and the ones the user
// names. They are recorded with their installed versions, for the image build to install.
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type * as esbuild from 'esbuild';
import { LambdashError } from '../common/errors.js';
import { NESTED_RESOLVE, packageDirOf, packageName } from '../responder/esbuild-config.js';
import { packageVersion } from '../responder/package-json.js';
import { nativeReason } from './native-package.js';

/** What the plugin found: each package kept out with its version, and why the native ones were. */
export interface ExternalsFound {
  /** name → installed version */
  readonly versions: Map<string, string>;
  /** name → why it is native (for packages kept out because they are, not because they were named) */
  readonly native: Map<string, string>;
}

export function externalsPlugin(
  explicit: ReadonlySet<string>,
  found: ExternalsFound,
): esbuild.Plugin {
  // One look per package folder in a build, however many files import it.
  const reasons = new Map<string, Promise<string | undefined>>();
  return {
    name: 'lambdash-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, async (args) => {
        if (args.pluginData === NESTED_RESOLVE || isBuiltin(args.path)) return undefined;
        if (args.namespace !== 'file') return undefined;
        const name = packageName(args.path);
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: NESTED_RESOLVE,
        });
        if (resolved.errors.length > 0 || !resolved.path) {
          if (!explicit.has(name)) return undefined; // esbuild reports it, with its place
          throw new LambdashError(
            'BUNDLE_FAILED',
            `The external package ${name} is not installed, so its version is unknown.`,
            `Install it where the code lives (npm install ${name}, in its folder or one above it); a script building a lone file can pass it in getResponder's dependencies option instead.`,
          );
        }
        const dir = packageDirOf(resolved.path, name) ?? (await findPackageRoot(resolved.path));
        if (!dir) return undefined;
        if (!explicit.has(name) && !reasons.has(dir)) reasons.set(dir, nativeReason(dir));
        const reason = explicit.has(name) ? undefined : await reasons.get(dir);
        if (!explicit.has(name) && reason === undefined) return undefined;
        const version = await packageVersion(dir);
        if (!version) {
          throw new LambdashError(
            'BUNDLE_FAILED',
            `The external package ${name} (${dir}) has no version in its package.json.`,
            'Install it from a registry so the image can install the same version.',
          );
        }
        if (!found.versions.has(name)) found.versions.set(name, version);
        if (reason !== undefined && !found.native.has(name)) found.native.set(name, reason);
        return { path: args.path, external: true };
      });
    },
  };
}

/** The nearest folder above a resolved file that holds a package.json. */
async function findPackageRoot(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}
