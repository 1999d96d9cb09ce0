// The one entry the command line and the terminal app import the core through: the public
// library (index.ts) and the parts of the core only they use. The layers test holds them to it.

export { localCloudPort } from './aws/local-cloud-port.js';
export { escapeControlCharacters } from './common/control-characters.js';
export {
  formatAge,
  formatBytes,
  formatBytesCompact,
  formatSeconds,
  shortId,
} from './common/format.js';
export { parseJsonTree } from './common/json-text.js';
export { validateSecretId } from './common/names.js';
export { nearest } from './common/nearest.js';
export { lambdashVersion, templatesDir } from './common/paths.js';
export { DEFAULT_OFFLINE_NAME } from './images/offline-base-image.js';
export * from './index.js';
export { roleNameOf } from './lambda/lambda-roles.js';
export type { LineageScope } from './lineage/lineage.js';
export { RESPONDER_NAME } from './project/project-schema.js';
export { parseGitSource } from './responder/git-source.js';
export { entryTestData } from './workflows/entry.js';
export { errorLine } from './workflows/test.js';
