// A responder as the workflows take it: an entry of the project file, or a path given on its
// own (a .ts/.js file, a package folder, a git URL). settingsOf is the one place an entry
// becomes what its build and its function are given, for the command line and the app alike.

import type { OperationOptions } from '../common/events.js';
import type { Platform } from '../images/base-image.js';
import type { LocalImageOptions } from '../images/local-image-options.js';
import type { TestData } from '../images/local-test.js';
import type { LambdaFunctionOptions } from '../lambda/lambda-functions.js';
import {
  getResponderOf,
  loadBuildSecrets,
  loadTestData,
  type Project,
  type ProjectResponder,
} from '../project/project.js';
import { getResponder, type Responder, type ResponderOptions } from '../responder/responder.js';
import { operationOf } from './stage.js';

export interface WorkflowEntry {
  /** The project's entry; for a path, one made of it (its name is known once it is read). */
  readonly spec: ProjectResponder;
  /** The project the entry belongs to; undefined for a path given on its own. */
  readonly project: Project | undefined;
  /** For a path: the options an image of it was built with (its dependencies, externals). */
  readonly responderOptions?: Readonly<ResponderOptions>;
}

/** What an entry asks of its image's build and of its function. */
export interface EntrySettings {
  readonly build: Pick<LocalImageOptions, 'userLabels' | 'platform' | 'typecheck'>;
  readonly function: Pick<
    LambdaFunctionOptions,
    'name' | 'userLabels' | 'environment' | 'memorySize' | 'timeout' | 'architecture'
  >;
}

/** The project's responder as a workflow entry. */
export function projectEntry(project: Project, spec: ProjectResponder): WorkflowEntry {
  return { spec, project };
}

/** A path (or git URL) given instead of a project's name. */
export function pathEntry(
  source: string,
  options: { handler?: string; responderOptions?: Readonly<ResponderOptions> } = {},
): WorkflowEntry {
  return {
    spec: { name: '', source, handler: options.handler ?? 'handler', labels: {}, environment: {} },
    project: undefined,
    ...(options.responderOptions ? { responderOptions: options.responderOptions } : {}),
  };
}

/** How to call an entry before it is read: its name, else its source as given. */
export function entryName(entry: WorkflowEntry): string {
  return entry.spec.name || entry.spec.source;
}

/** Reads (finds, checks and hashes) the entry's code. */
export function readEntry(
  entry: WorkflowEntry,
  options: OperationOptions = {},
): Promise<Responder> {
  const operation = operationOf(options);
  if (entry.project) return getResponderOf(entry.project, entry.spec, operation);
  return getResponder(entry.spec.source, {
    ...entry.responderOptions,
    handler: entry.spec.handler,
    ...operation,
  });
}

/** The entry's test data from the project (a path has none). */
export async function entryTestData(entry: WorkflowEntry): Promise<TestData | undefined> {
  return entry.project ? loadTestData(entry.project, entry.spec) : undefined;
}

/** The values of the entry's build secrets from the project (a path has none). */
export async function entryBuildSecrets(entry: WorkflowEntry): Promise<Record<string, Uint8Array>> {
  return entry.project ? loadBuildSecrets(entry.project, entry.spec) : {};
}

/**
 * The entry's settings for the build and the function. A path has none of its own: its
 * function keeps the environment and labels it has.
 */
export function settingsOf(entry: WorkflowEntry, responder: Responder): EntrySettings {
  const { spec, project } = entry;
  return {
    build: {
      userLabels: { ...spec.labels },
      platform: platformOf(spec.architecture),
      // `"typecheck": false` turns the check off; by default TypeScript is checked.
      ...(spec.typecheck === false ? { typecheck: false } : {}),
    },
    function: {
      name: responder.name,
      ...(project ? { userLabels: { ...spec.labels }, environment: { ...spec.environment } } : {}),
      ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
      ...(spec.architecture ? { architecture: spec.architecture } : {}),
    },
  };
}

/** The image platform for a Lambda architecture. */
export function platformOf(architecture: ProjectResponder['architecture']): Platform {
  return architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}
