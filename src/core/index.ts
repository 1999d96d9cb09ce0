// lambdash's library: everything the terminal app and the command line do, for scripts too.
// Only what is exported here is public.

export {
  type BaseImage,
  type BaseImageOptions,
  ensureBaseImage,
  type Platform,
} from './base-image.js';
export { type Bundle, bundleResponder } from './bundle.js';
export {
  type Container,
  deleteContainer,
  getAllContainers,
  isContainerRunning,
  type LocalResponse,
  type RunOptions,
  runImageLocally,
  sendLocalRequest,
  stopContainer,
} from './containers.js';
export { type DockerEngineInfo, getDockerEngine } from './docker.js';
export { type DockerfileOptions, getDockerfile } from './dockerfile.js';
export { type ErrorCode, isLambdashError, LambdashError } from './errors.js';
export type { LambdashEvent, OperationOptions } from './events.js';
export { getUserLabels, LABEL_PREFIX, LABELS } from './labels.js';
export {
  createLocalImage,
  deleteLocalImage,
  getAllLocalImages,
  getLocalImage,
  type LocalImage,
  type LocalImageOptions,
} from './local-images.js';
export { runLocalImageTest, type TestData, type TestResult } from './local-test.js';
export { toImageName, validateImageName, validateTag } from './names.js';
export { getResponder, type Responder, type ResponderOptions } from './responder.js';
export { type TypeDiagnostic, typecheckResponder } from './typecheck.js';
