// lambdash's library: everything the terminal app and the command line do, for scripts too.
// Only what is exported here is public.

// The AWS half: where calls go, ECR, roles, functions, invoking, logs, lineage.
export type { AwsOptions } from './aws/aws-call.js';
export { awsErrorName } from './aws/aws-errors.js';
export type {
  Architecture,
  EcrRepo,
  FunctionState,
  LambdaFunction,
  LambdaRole,
  RemoteImage,
  UpdateStatus,
} from './aws/aws-resources.js';
export {
  type AwsClients,
  type AwsTarget,
  connectTarget,
  getDefaultTarget,
  setDefaultTarget,
  type TargetOptions,
} from './aws/aws-target.js';
export { type Bundle, bundleResponder } from './build/bundle.js';
export { type DockerfileOptions, getDockerfile } from './build/dockerfile.js';
export { type TypeDiagnostic, typecheckResponder } from './build/typecheck.js';
export { setDefaultDocker } from './common/default-docker.js';
export {
  describeEvent,
  type EventDescription,
  type EventLevel,
} from './common/describe-event.js';
export { type ErrorCode, isLambdashError, LambdashError } from './common/errors.js';
export type { LambdashEvent, OperationOptions } from './common/events.js';
export { getUserLabels, LABEL_PREFIX, LABELS } from './common/labels.js';
export {
  toImageName,
  validateFunctionName,
  validateImageName,
  validateRoleName,
  validateTag,
} from './common/names.js';
export { StateRepeats } from './common/state-repeats.js';
export {
  type CreateEcrRepoOptions,
  createEcrRepo,
  deleteEcrRepo,
  getAllEcrRepos,
  getEcrRepo,
} from './ecr/ecr-repos.js';
export { type PushOptions, pushToEcr } from './ecr/push.js';
export { deleteRemoteImage, getAllRemoteImages, getRemoteImage } from './ecr/remote-images.js';
export {
  type BaseImage,
  type BaseImageOptions,
  ensureBaseImage,
  type Platform,
} from './images/base-image.js';
export {
  type BuildSecretSource,
  type BuildSecretValue,
  readBuildSecrets,
} from './images/build-secrets.js';
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
} from './images/containers.js';
export { type DockerEngineInfo, getDefaultDocker, getDockerEngine } from './images/docker.js';
export type { DockerFilters } from './images/docker-filters.js';
export { createLocalImage } from './images/local-image-build.js';
export { deleteLocalImage } from './images/local-image-delete.js';
export type { LocalImageOptions } from './images/local-image-options.js';
export { getAllLocalImages, getLocalImage } from './images/local-image-queries.js';
export {
  type LocalTestOptions,
  runLocalImageTest,
  type TestData,
  type TestResult,
} from './images/local-test.js';
export type { LocalImage } from './images/types.js';
export {
  createEventFromTemplate,
  EVENT_TEMPLATES,
  type EventTemplate,
  type EventTemplateName,
  type EventTemplateOptions,
  type JsonEvent,
} from './lambda/event-templates.js';
export {
  getInvocationLog,
  type Invocation,
  InvocationError,
  type InvokeOptions,
  type InvokeTarget,
  invokeFunction,
  invokeFunctionWithLog,
  runLambdaFunctionTest,
} from './lambda/invoke.js';
export {
  createLambdaFunction,
  deleteLambdaFunction,
  functionNameOf,
  getAllLambdaFunctions,
  getLambdaFunction,
  type LambdaFunctionOptions,
} from './lambda/lambda-functions.js';
export {
  BASIC_EXECUTION_POLICY,
  createLambdaRole,
  DEFAULT_ROLE_NAME,
  deleteLambdaRole,
  getAllLambdaRoles,
  getLambdaRole,
  type LambdaRoleOptions,
} from './lambda/lambda-roles.js';
export {
  getLineage,
  type LineageOptions,
  type LineageRow,
  type ResponderIdentity,
  type ResponderSpec,
  type ResponderState,
} from './lineage/lineage.js';
export {
  type DockerEventSource,
  type DockerState,
  engineEvents,
  type LineageSnapshot,
  type LineageWatch,
  type WatchError,
  type WatchOptions,
  watchLineage,
} from './lineage/watch.js';
export {
  type InvocationLog,
  type InvocationReport,
  type Observation,
  parseInvocationLog,
} from './logs/invocation-log.js';
export { countLazyLoads, getLazyLoads } from './logs/lazy-loads.js';
export {
  getInvocationTimeBreakdown,
  type SegmentKind,
  type TimeBreakdown,
  type TimeSegment,
} from './logs/time-breakdown.js';
export {
  type FormatTimelineOptions,
  formatTimeline,
  getTimeline,
  type Timeline,
} from './logs/timeline.js';
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
} from './project/project.js';
export { getResponder, type Responder, type ResponderOptions } from './responder/responder.js';
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
  type DeleteResult,
  type DeleteWorkflowOptions,
  deleteEntry,
  deleteEntryParts,
  type EntryPart,
  type EntryPartKind,
  type FoundParts,
  findEntryParts,
  inDeleteOrder,
  partsOf,
} from './workflows/delete.js';
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
export {
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorOptions,
  doctorPassed,
  runDoctor,
} from './workflows/doctor.js';
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
  type InvokeEntryOptions,
  type InvokeOutcome,
  type InvokePlace,
  invokeEntry,
  invokePlace,
  localContainersOf,
} from './workflows/invoke.js';
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
} from './workflows/lambda-components.js';
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
