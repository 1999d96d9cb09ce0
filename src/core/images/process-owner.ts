// The core's name for process owner tokens (leftovers.ts, containers.ts). The code lives in
// src/localcloud/process-owner.ts: the local cloud labels its function containers with the same
// tokens, and it may not import the core, while the core may import it.
export { ownerGone, ownerToken } from '../../localcloud/process-owner.js';
