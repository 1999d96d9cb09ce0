// Whether a package folder's dependencies are installed where Node (and the bundler) looks for
// them: in node_modules of the folder or of any folder above it, since npm workspaces hoist
// them to the workspace's root. Checked before bundling, so a missing install is said plainly,
// with the folder to run `npm install` in.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import { readPackageJson } from './package-json.js';

/** Throws BUNDLE_FAILED when a dependency of the manifest is in no node_modules Node would search. */
export async function checkDependenciesInstalled(
  root: string,
  manifest: Record<string, unknown> | undefined,
): Promise<void> {
  // Optional dependencies may be missing on purpose (another platform's): the bundler says so
  // if the code needs one.
  const names = Object.keys((manifest?.dependencies as Record<string, unknown> | undefined) ?? {});
  const missing = names.filter((name) => !isInstalled(root, name));
  if (missing.length === 0) return;
  const installAt = await installFolderOf(root);
  const list = missing.slice(0, 5).join(', ') + (missing.length > 5 ? '...' : '');
  throw new LambdashError(
    'BUNDLE_FAILED',
    escapeControlCharacters(
      `The dependencies of ${root} are not installed: ${list} ${missing.length === 1 ? 'is' : 'are'} in no node_modules of that folder or a folder above it.`,
    ),
    escapeControlCharacters(
      `Install them: cd ${installAt} && npm install${installAt === root ? '' : ` (the root of the workspace ${root} belongs to)`}`,
    ),
  );
}

/** Whether `name` is in node_modules of `dir` or of a folder above it, as Node resolves. */
function isInstalled(dir: string, name: string): boolean {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'node_modules', name))) return true;
    if (path.dirname(at) === at) return false;
  }
}

/** Where `npm install` installs the folder's dependencies: its workspace's root, else itself. */
async function installFolderOf(root: string): Promise<string> {
  for (let at = path.dirname(root); path.dirname(at) !== at; at = path.dirname(at)) {
    const manifest = await readPackageJson(at).catch(() => undefined);
    if (manifest && 'workspaces' in manifest) return at;
  }
  return root;
}
