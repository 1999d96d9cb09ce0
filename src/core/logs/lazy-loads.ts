// Modules an invocation loaded for the first time: each one made that invocation slower than
// it needed to be, since init (paid once, before the clock of the first invocation) could have
// loaded it. The runtime marks them `module.load <id>`; a good warm-up at image build time
// makes the runtime preload them, and the count drops to zero. Our analog of counting Julia's
// precompile statements.
import type { InvocationLog } from './invocation-log.js';

export const MODULE_LOAD_MARK = 'module.load ';

/** The ids (a built-in's name, or a path relative to the task root) of modules first loaded during the invocation. */
export function getLazyLoads(log: InvocationLog): string[] {
  return log.observations
    .filter(
      (mark) =>
        mark.kind === 'runtime' &&
        mark.requestId === log.requestId &&
        mark.name.startsWith(MODULE_LOAD_MARK),
    )
    .map((mark) => mark.name.slice(MODULE_LOAD_MARK.length));
}

export function countLazyLoads(log: InvocationLog): number {
  return getLazyLoads(log).length;
}
