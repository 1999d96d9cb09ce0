// Stack traces that name the function's own sources. lambdash bundles a function with a source
// map (index.js.map, its own code only), and Node applies a map once told to; AWS's runtime
// leaves that to NODE_OPTIONS=--enable-source-maps, ours turns it on before the handler loads.
// A bundle without a map costs nothing; one with a trimmed map costs little (docs/runtime.md).
// Node applies maps to modules its loaders load: a bundle loaded with a V8 code cache (the
// build's warm-up) goes through vm.Script, and its traces name the bundle.

/** `LAMBDASH_SOURCE_MAPS=0` (or `false`, `off`, `no`) leaves source maps off. */
export const SOURCE_MAPS_SWITCH = 'LAMBDASH_SOURCE_MAPS';

/** Turns Node's source map support on unless the switch says no; returns whether it did. */
export function enableSourceMaps(env: NodeJS.ProcessEnv): boolean {
  if (/^(0|false|off|no)$/i.test(env[SOURCE_MAPS_SWITCH] ?? '')) return false;
  process.setSourceMapsEnabled(true);
  return true;
}
