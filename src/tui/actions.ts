// The app's actions on a lineage row: build, test locally, push, deploy, each the core's
// workflow the command line runs too (deploy builds when the source changed, tests, pushes,
// creates or updates the function and tests it), delete chosen parts (downstream first), and
// add a responder to the project file. A row's settings (test data, labels, memory, timeout,
// environment, architecture) come from the project file when it names the responder.
import path from 'node:path';
import {
  type AwsTarget,
  addResponder,
  buildEntry,
  type DeployResult,
  deleteEntryParts,
  deployEntry,
  deployFailure,
  entryTestData,
  getResponder,
  initProject,
  LambdashError,
  type LineageRow,
  type OperationOptions,
  type Project,
  type ProjectResponder,
  partsOf,
  pathEntry,
  projectEntry,
  pushLocalImage,
  resolveSource,
  type TestOutcome,
  testFailure,
  testLocalImage,
  type WorkflowEntry,
} from '../core/internal.js';
import { formatBytes, shortHash } from './format.js';
import { rowName } from './lineage-columns.js';
import type { Actions, DeletePart } from './services.js';

export interface ActionContext {
  /** Where AWS calls go now (undefined: not connected). */
  target(): AwsTarget | undefined;
  /** The project as the file says now (read again: it may have changed). */
  project(): Promise<Project | undefined>;
  /** Where a new project file goes, and relative paths start. */
  readonly projectDir: string;
  /** Told after the project file changed. */
  projectChanged(project: Project): void;
}

/** The project's entry for a row's responder: the one with its source and handler. */
export function projectResponderOf(
  project: Project | undefined,
  row: LineageRow,
): ProjectResponder | undefined {
  const responder = row.responder;
  if (!project || !responder) return undefined;
  return project.responders.find(
    (entry) =>
      resolveSource(project, entry) === responder.source && entry.handler === responder.handler,
  );
}

/** The row's responder as a workflow entry: the project's, or its source as the image says. */
async function entryOfRow(
  context: ActionContext,
  row: LineageRow,
  doing: string,
): Promise<WorkflowEntry> {
  const responder = row.responder;
  if (!responder) {
    throw new LambdashError(
      'RESPONDER_NOT_FOUND',
      `Cannot ${doing} ${rowName(row)}: it has no known source.`,
      'Add its source to the project (n).',
    );
  }
  const project = await context.project();
  const entry = projectResponderOf(project, row);
  return project && entry
    ? projectEntry(project, entry)
    : pathEntry(responder.source, {
        handler: responder.handler,
        ...(responder.options ? { responderOptions: responder.options } : {}),
      });
}

export function createActions(context: ActionContext): Actions {
  const requireTarget = (doing: string): AwsTarget => {
    const target = context.target();
    if (!target) {
      throw new LambdashError(
        'AWS_CREDENTIALS',
        `Cannot ${doing}: no AWS target is connected.`,
        'Open the errors (e) to see why the connection failed; :set region, profile or endpoint, or log in, then it connects again.',
      );
    }
    return target;
  };
  const localImageOf = (row: LineageRow, doing: string) => {
    if (!row.localImage) {
      throw new LambdashError(
        'IMAGE_NOT_FOUND',
        `Cannot ${doing}: ${rowName(row)} has no local image.`,
        'Build it first (b).',
      );
    }
    return row.localImage;
  };

  return {
    async build(row, options) {
      const entry = await entryOfRow(context, row, 'build');
      const { image, tested } = await buildEntry(entry, operation(options));
      return `Built ${image.ref} (${shortHash(image.id)}, ${formatBytes(image.size)})${tested ? ', tested' : ''}.`;
    },

    async test(row, options) {
      const image = localImageOf(row, 'test');
      const project = await context.project();
      const entry = projectResponderOf(project, row);
      const testData =
        project && entry ? await entryTestData(projectEntry(project, entry)) : undefined;
      const outcome = await testLocalImage(
        image.name || rowName(row),
        image,
        testData,
        operation(options),
      );
      const failure = testFailure(outcome);
      if (failure) throw failure;
      return `Test of ${image.name} (${shortHash(image.id)}) passed in ${outcome.seconds.toFixed(1)} s${testData ? '' : ' (health check: {} answered; no test data)'}.`;
    },

    async push(row, options) {
      const image = localImageOf(row, 'push');
      const target = requireTarget('push');
      const { remoteImage: remote } = await pushLocalImage(image.name, image, {
        ...operation(options),
        target,
      });
      return `Pushed ${image.name} (${shortHash(image.id)}) to ${remote.repo}:${remote.tags[0] ?? ''}@${shortHash(remote.digest)}.`;
    },

    async deploy(row, options) {
      const target = requireTarget('deploy');
      const entry = await entryOfRow(context, row, 'deploy');
      const result = await deployEntry(entry, { ...operation(options), target });
      const failure = deployFailure(result);
      if (failure) {
        throw new LambdashError(
          'TEST_FAILED',
          `${describeDeploy(row, result)}. ${failure.message}`,
          failure.hint,
        );
      }
      return `${describeDeploy(row, result)}; ${describeTest(result.test)}.`;
    },

    async remove(row, parts, options) {
      const wants = (part: DeletePart) => parts.includes(part);
      const aws = wants('function') || wants('remoteImage') || wants('repo');
      const target = aws ? requireTarget('delete') : undefined;
      await deleteEntryParts(
        partsOf({
          ...(wants('function') ? { lambdaFunction: row.lambdaFunction } : {}),
          ...(wants('remoteImage') ? { remoteImage: row.remoteImage } : {}),
          ...(wants('repo') ? { repo: row.repo } : {}),
          ...(wants('localImage') ? { localImage: row.localImage } : {}),
        }),
        { ...operation(options), ...(target ? { target } : {}) },
      );
      const names: Record<DeletePart, string> = {
        function: 'function',
        remoteImage: 'remote image',
        repo: 'repository',
        localImage: 'local image',
      };
      return `Deleted the ${parts.map((part) => names[part]).join(', ')} of ${rowName(row)}.`;
    },

    async addResponder(source, handler, options) {
      const absolute = path.resolve(context.projectDir, source);
      const isPath = !/^[a-z+]+:\/\//.test(source) && !source.startsWith('git@');
      const responder = await getResponder(isPath ? absolute : source, {
        handler,
        ...operation(options),
      });
      const project = (await context.project()) ?? (await initProject(context.projectDir));
      const written = isPath ? path.relative(project.dir, absolute) || '.' : source;
      const updated = await addResponder(project, {
        name: responder.name,
        source: written,
        ...(handler !== 'handler' ? { handler } : {}),
      });
      context.projectChanged(updated);
      return `Added ${responder.name} to ${path.basename(updated.file)}.`;
    },
  };
}

/**
 * "Deployed orders: function updated with image 3f2a1c9e0b4d, built now from the changed
 * source": what changed first, so a narrow terminal still shows it.
 */
function describeDeploy(row: LineageRow, result: DeployResult): string {
  const { localImage } = result;
  const before = row.responder?.hash;
  const code = !localImage.builtNow
    ? 'already built from this source'
    : before && before !== localImage.sourceHash
      ? 'built now from the changed source'
      : 'built now from the current source';
  return `Deployed ${result.name}: function ${result.functionChange} with image ${shortHash(localImage.id)}, ${code}`;
}

function describeTest(test: TestOutcome | null): string {
  if (!test) return 'not tested';
  return test.kind === 'health' ? 'health check passed (no test data)' : 'test passed';
}

/** Only the signal and the listener: what the core's options take from an action's. */
function operation(options: OperationOptions): OperationOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
}
