// The app's actions, each a call into src/core on a lineage row: build, test locally, push,
// deploy (create or update; pushing first when the image is only local), delete chosen parts,
// and add a responder to the project file. Settings for a responder (test data, labels,
// memory, timeout, environment, architecture) come from the project file when it names it.
import path from 'node:path';
import type { AwsTarget } from '../core/aws-target.js';
import { repoOfImageName } from '../core/ecr-reference.js';
import { deleteEcrRepo } from '../core/ecr-repos.js';
import { LambdashError } from '../core/errors.js';
import type { OperationOptions } from '../core/events.js';
import { lineageTagsOf } from '../core/labels.js';
import { checkDeployment, deleteComponents } from '../core/lambda-components.js';
import { createLambdaFunction, type LambdaFunctionOptions } from '../core/lambda-functions.js';
import type { LineageRow } from '../core/lineage.js';
import { createLocalImage } from '../core/local-images.js';
import { runLocalImageTest } from '../core/local-test.js';
import {
  addResponder,
  getResponderOf,
  initProject,
  loadBuildSecrets,
  loadTestData,
  type Project,
  type ProjectResponder,
  resolveSource,
} from '../core/project.js';
import { pushToEcr } from '../core/push.js';
import { getResponder } from '../core/responder.js';
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
      const responder = row.responder;
      if (!responder) {
        throw new LambdashError(
          'RESPONDER_NOT_FOUND',
          `${rowName(row)} has no known source to build from.`,
          'Add its source to the project (n).',
        );
      }
      const project = await context.project();
      const entry = projectResponderOf(project, row);
      const source =
        project && entry
          ? await getResponderOf(project, entry, options)
          : await getResponder(responder.source, {
              ...responder.options,
              handler: responder.handler,
              ...operation(options),
            });
      const testData = project && entry ? await loadTestData(project, entry) : undefined;
      const secrets = project && entry ? await loadBuildSecrets(project, entry) : {};
      const image = await createLocalImage(source, {
        ...operation(options),
        ...(Object.keys(secrets).length ? { secrets } : {}),
        ...(entry ? { userLabels: { ...entry.labels } } : {}),
        ...(entry?.architecture === 'arm64' ? { platform: 'linux/arm64' as const } : {}),
        ...(testData ? { functionTestData: testData } : {}),
      });
      return `Built ${image.ref} (${shortHash(image.id)}, ${formatBytes(image.size)})${testData ? ', tested' : ''}.`;
    },

    async test(row, options) {
      const image = localImageOf(row, 'test');
      const project = await context.project();
      const entry = projectResponderOf(project, row);
      const testData = project && entry ? await loadTestData(project, entry) : undefined;
      const outcome = await runLocalImageTest(image, testData, operation(options));
      if (!outcome.passed) {
        throw new LambdashError(
          'TEST_FAILED',
          `The test of ${image.name} (${shortHash(image.id)}) failed${outcome.diff ? `: ${outcome.diff}` : ` (status ${outcome.response.statusCode})`}.`,
          testData
            ? 'Fix the handler or the expected answer in the project file, then build again.'
            : 'The handler did not load; open the errors (e) or invoke it (i) to see its output.',
        );
      }
      return `Test of ${image.name} (${shortHash(image.id)}) passed in ${outcome.seconds.toFixed(1)} s${testData ? '' : ' (the handler answered; no test data)'}.`;
    },

    async push(row, options) {
      const image = localImageOf(row, 'push');
      const target = requireTarget('push');
      const remote = await pushToEcr(image, { ...operation(options), target });
      return `Pushed ${image.name} (${shortHash(image.id)}) to ${remote.repo}:${remote.tags[0] ?? ''}@${shortHash(remote.digest)}.`;
    },

    async deploy(row, options) {
      const target = requireTarget('deploy');
      const project = await context.project();
      const entry = projectResponderOf(project, row);
      const name = entry?.name ?? row.lambdaFunction?.name ?? row.responder?.name;
      const settings: LambdaFunctionOptions = {
        ...operation(options),
        target,
        ...(name ? { name } : {}),
        lineageTags: {
          ...lineageTagsOf(row.repo?.tags ?? {}),
          ...lineageTagsOf(row.localImage?.labels ?? {}),
        },
        ...(entry
          ? { userLabels: { ...entry.labels }, environment: { ...entry.environment } }
          : {}),
        ...(entry?.memorySize ? { memorySize: entry.memorySize } : {}),
        ...(entry?.timeout ? { timeout: entry.timeout } : {}),
        ...(entry?.architecture ? { architecture: entry.architecture } : {}),
      };
      let remote = row.remoteImage;
      if (!remote) {
        const image = localImageOf(row, 'deploy');
        // Settings Lambda would refuse are refused before the push: ECR stays as it was.
        await checkDeployment(repoOfImageName(image.name), {
          ...settings,
          tag: image.tag || 'latest',
        });
        remote = await pushToEcr(image, { ...operation(options), target });
      }
      const fn = await createLambdaFunction(remote, settings);
      return `Deployed ${fn.name} (${fn.state}${row.lambdaFunction ? ', updated in place' : ''}).`;
    },

    async remove(row, parts, options) {
      const wants = (part: DeletePart) => parts.includes(part);
      const aws = wants('function') || wants('remoteImage') || wants('repo');
      const target = aws ? requireTarget('delete') : undefined;
      const awsOptions = { ...operation(options), ...(target ? { target } : {}) };
      await deleteComponents(
        {
          ...(wants('function') ? { lambdaFunction: row.lambdaFunction } : {}),
          ...(wants('remoteImage') ? { remoteImage: row.remoteImage } : {}),
        },
        awsOptions,
      );
      // The repository with whatever is left in it (deleteComponents takes an emptied one).
      if (wants('repo') && row.repo) await deleteEcrRepo(row.repo, { ...awsOptions, force: true });
      if (wants('localImage') && row.localImage) {
        await deleteComponents({ localImage: row.localImage }, operation(options));
      }
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

/** Only the signal and the listener: what the core's options take from an action's. */
function operation(options: OperationOptions): OperationOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
}
