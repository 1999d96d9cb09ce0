// The build workflow: an entry read and checked (its code, test data and secrets) before
// anything is made, then its image built, type-checked, and tested with its test data (a
// failed test leaves the previous image under the name).

import { validateTag } from '../common/names.js';
import type { BuildSecretValue } from '../images/build-secrets.js';
import { createLocalImage } from '../images/local-image-build.js';
import type { TestData } from '../images/local-test.js';
import type { LocalImage } from '../images/types.js';
import type { Responder } from '../responder/responder.js';
import { type EachOptions, type EachOutcome, runEach } from './each.js';
import {
  type EntrySettings,
  entryBuildSecrets,
  entryName,
  entryTestData,
  readEntry,
  settingsOf,
  type WorkflowEntry,
} from './entry.js';
import { operationOf, reportStage, type WorkflowOptions } from './stage.js';

export interface BuildWorkflowOptions extends WorkflowOptions {
  /** The image's tag (default `latest`). */
  readonly tag?: string;
  readonly noCache?: boolean;
  readonly warmup?: boolean;
  /** false: no test with the test data (by default an entry with test data is tested). */
  readonly test?: boolean;
  /** Build secrets on top of the project's; these win for the same id. */
  readonly secrets?: Readonly<Record<string, BuildSecretValue>>;
  /** false: no type check (as the entry's `"typecheck": false`). */
  readonly typecheck?: boolean;
}

/** An entry read and checked, ready to build. */
export interface PreparedBuild {
  readonly name: string;
  readonly entry: WorkflowEntry;
  readonly responder: Responder;
  readonly settings: EntrySettings;
  readonly testData: TestData | undefined;
  readonly secrets: Readonly<Record<string, BuildSecretValue>>;
}

export interface BuildResult {
  readonly name: string;
  readonly image: LocalImage;
  /** Whether the image was tested with test data during the build. */
  readonly tested: boolean;
}

/** Reads (finds, checks and hashes) the entry, its test data and secrets; builds nothing. */
export async function prepareBuild(
  entry: WorkflowEntry,
  options: BuildWorkflowOptions = {},
): Promise<PreparedBuild> {
  if (options.tag !== undefined) validateTag(options.tag);
  const responder = await readEntry(entry, options);
  const testData = options.test === false ? undefined : await entryTestData(entry);
  const secrets = { ...(await entryBuildSecrets(entry)), ...options.secrets };
  return {
    name: responder.name,
    entry,
    responder,
    settings: settingsOf(entry, responder),
    testData,
    secrets,
  };
}

/** Builds a prepared entry's image (tested, when it has test data and `test` is not false). */
export async function runBuild(
  prepared: PreparedBuild,
  options: BuildWorkflowOptions = {},
): Promise<BuildResult> {
  const { responder, settings, testData, secrets } = prepared;
  reportStage(options, { step: 'build', name: responder.name, source: responder.source });
  const image = await createLocalImage(responder, {
    ...operationOf(options),
    ...settings.build,
    ...(options.typecheck === false ? { typecheck: false } : {}),
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.noCache ? { noCache: true } : {}),
    ...(options.warmup ? { warmup: true } : {}),
    ...(testData ? { functionTestData: testData } : {}),
    ...(Object.keys(secrets).length ? { secrets } : {}),
  });
  return { name: responder.name, image, tested: !!testData };
}

/** Builds one entry. */
export async function buildEntry(
  entry: WorkflowEntry,
  options: BuildWorkflowOptions = {},
): Promise<BuildResult> {
  return runBuild(await prepareBuild(entry, options), options);
}

/** Builds every entry (all read and checked first); one failing does not stop the others. */
export function buildEach(
  entries: readonly WorkflowEntry[],
  options: BuildWorkflowOptions & EachOptions<BuildResult> = {},
): Promise<EachOutcome<BuildResult>[]> {
  return runEach(
    entries,
    {
      nameOf: entryName,
      prepare: (entry) => prepareBuild(entry, options),
      run: (prepared) => runBuild(prepared, options),
    },
    options,
  );
}
