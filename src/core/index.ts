// lambdash's library: everything the terminal app and the command line do, for scripts too.
// Only what is exported here is public.

// The AWS half: where calls go, ECR, roles, functions, invoking, logs, lineage.
export type { AwsOptions } from './aws-call.js';
export { awsErrorName } from './aws-errors.js';
export type {
  Architecture,
  EcrRepo,
  FunctionState,
  LambdaFunction,
  LambdaRole,
  RemoteImage,
  UpdateStatus,
} from './aws-resources.js';
export {
  type AwsClients,
  type AwsTarget,
  connectTarget,
  getDefaultTarget,
  setDefaultTarget,
  type TargetOptions,
} from './aws-target.js';
export {
  type BaseImage,
  type BaseImageOptions,
  ensureBaseImage,
  type Platform,
} from './base-image.js';
export {
  type BuildSecretSource,
  type BuildSecretValue,
  readBuildSecrets,
} from './build-secrets.js';
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
export {
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorOptions,
  doctorPassed,
  runDoctor,
} from './doctor.js';
export {
  type CreateEcrRepoOptions,
  createEcrRepo,
  deleteEcrRepo,
  getAllEcrRepos,
  getEcrRepo,
} from './ecr-repos.js';
export { type ErrorCode, isLambdashError, LambdashError } from './errors.js';
export {
  createEventFromTemplate,
  EVENT_TEMPLATES,
  type EventTemplate,
  type EventTemplateName,
  type EventTemplateOptions,
  type JsonEvent,
} from './event-templates.js';
export type { LambdashEvent, OperationOptions } from './events.js';
export {
  type InvocationLog,
  type InvocationReport,
  type Observation,
  parseInvocationLog,
} from './invocation-log.js';
export {
  getInvocationLog,
  type Invocation,
  InvocationError,
  type InvokeOptions,
  type InvokeTarget,
  invokeFunction,
  invokeFunctionWithLog,
  runLambdaFunctionTest,
} from './invoke.js';
export { getUserLabels, LABEL_PREFIX, LABELS } from './labels.js';
export {
  type ComponentParts,
  type ComponentTestResult,
  checkDeployment,
  createLambdaComponents,
  deleteComponents,
  type LambdaComponents,
  runTest,
  withLambdaFunction,
  withRemoteImage,
} from './lambda-components.js';
export {
  createLambdaFunction,
  deleteLambdaFunction,
  functionNameOf,
  getAllLambdaFunctions,
  getLambdaFunction,
  type LambdaFunctionOptions,
} from './lambda-functions.js';
export {
  BASIC_EXECUTION_POLICY,
  createLambdaRole,
  DEFAULT_ROLE_NAME,
  deleteLambdaRole,
  getAllLambdaRoles,
  getLambdaRole,
  type LambdaRoleOptions,
} from './lambda-roles.js';
export { countLazyLoads, getLazyLoads } from './lazy-loads.js';
export {
  getLineage,
  type LineageOptions,
  type LineageRow,
  type ResponderIdentity,
  type ResponderSpec,
  type ResponderState,
} from './lineage.js';
export {
  createLocalImage,
  deleteLocalImage,
  getAllLocalImages,
  getLocalImage,
  type LocalImage,
  type LocalImageOptions,
} from './local-images.js';
export { runLocalImageTest, type TestData, type TestResult } from './local-test.js';
export {
  toImageName,
  validateFunctionName,
  validateImageName,
  validateRoleName,
  validateTag,
} from './names.js';
export {
  addResponder,
  findProjectFile,
  getProjectResponder,
  getResponderOf,
  initProject,
  loadBuildSecrets,
  loadProject,
  loadTestData,
  PROJECT_FILE_NAME,
  type Project,
  ProjectFileError,
  type ProjectProblem,
  type ProjectResponder,
  type ProjectResponderSpec,
  parseProject,
  readProject,
  removeResponder,
  resolveSource,
} from './project.js';
export { type PushOptions, pushToEcr } from './push.js';
export { deleteRemoteImage, getAllRemoteImages, getRemoteImage } from './remote-images.js';
export { getResponder, type Responder, type ResponderOptions } from './responder.js';
export {
  getInvocationTimeBreakdown,
  type SegmentKind,
  type TimeBreakdown,
  type TimeSegment,
} from './time-breakdown.js';
export {
  type FormatTimelineOptions,
  formatTimeline,
  getTimeline,
  type Timeline,
} from './timeline.js';
export { type TypeDiagnostic, typecheckResponder } from './typecheck.js';
export {
  type DockerEventSource,
  type DockerState,
  engineEvents,
  type LineageSnapshot,
  type LineageWatch,
  type WatchError,
  type WatchOptions,
  watchLineage,
} from './watch.js';
// Workflows: what the command line and the app do with responders, written once.
export {
  type BuildResult,
  type BuildWorkflowOptions,
  buildEach,
  buildEntry,
  type PreparedBuild,
  prepareBuild,
  runBuild,
} from './workflows/build.js';
export {
  type DeployResult,
  type DeployWorkflowOptions,
  deployEach,
  deployEntry,
  deployFailure,
  type PreparedDeploy,
  prepareDeploy,
  readRole,
  runDeploy,
} from './workflows/deploy.js';
export { allOk, type EachOptions, type EachOutcome, runEach } from './workflows/each.js';
export {
  type EntrySettings,
  entryName,
  pathEntry,
  projectEntry,
  readEntry,
  settingsOf,
  type WorkflowEntry,
} from './workflows/entry.js';
export {
  type PushResult,
  type PushWorkflowOptions,
  pushEach,
  pushLocalImage,
} from './workflows/push.js';
export type { WorkflowOptions, WorkflowStage } from './workflows/stage.js';
export {
  type TestItem,
  type TestOutcome,
  type TestWorkflowOptions,
  testEach,
  testFailure,
  testFunction,
  testLocalImage,
} from './workflows/test.js';
