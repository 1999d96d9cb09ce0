// The delete workflow, the same for the command line and the app: chosen parts of an entry's
// chain looked up first (nothing removed, so the caller can ask before), then removed
// downstream first: a function still uses its image in ECR, and containers go before their
// image. A part that went in between is quiet: it is gone, as asked.
import type { AwsOptions } from '../aws/aws-call.js';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../aws/aws-resources.js';
import { targetOf } from '../aws/aws-target.js';
import { type ErrorCode, isLambdashError, throwIfAborted } from '../common/errors.js';
import { deleteEcrRepo, getEcrRepo } from '../ecr/ecr-repos.js';
import { deleteRemoteImage, getAllRemoteImages } from '../ecr/remote-images.js';
import { type Container, deleteContainer, stopContainer } from '../images/containers.js';
import { deleteLocalImage } from '../images/local-image-delete.js';
import { getLocalImage } from '../images/local-image-queries.js';
import type { LocalImage } from '../images/types.js';
import { deleteLambdaFunction, getLambdaFunctionNamed } from '../lambda/lambda-functions.js';
import { type Project, removeResponder } from '../project/project.js';
import { localContainersOf } from './invoke.js';

/**
 * What can be removed of an entry: its function, its ECR repository with its images, one
 * remote image (its repository too once nothing is left in it), its local image with its
 * containers, its containers, its entry in lambdash.json (the code stays).
 */
export type EntryPartKind = 'function' | 'remote' | 'remoteImage' | 'image' | 'container' | 'entry';

/** A part that exists, ready to remove, with what it is called. */
export type EntryPart = { readonly label: string } & (
  | {
      readonly kind: 'function';
      readonly lambdaFunction: LambdaFunction;
      /** Its role goes too, when lambdash made it and no other function uses it. */
      readonly deleteRole: boolean;
    }
  | { readonly kind: 'remote'; readonly repo: EcrRepo }
  | { readonly kind: 'remoteImage'; readonly remoteImage: RemoteImage }
  | { readonly kind: 'image'; readonly localImage: LocalImage }
  | { readonly kind: 'container'; readonly container: Container }
  | { readonly kind: 'entry'; readonly project: Project; readonly name: string }
);

/** The parts found, downstream first, and the kinds asked for that have nothing there. */
export interface FoundParts {
  readonly found: readonly EntryPart[];
  readonly missing: readonly EntryPartKind[];
}

export interface DeleteWorkflowOptions extends AwsOptions {
  /** With the function: its role too, when lambdash made it and no other function uses it. */
  readonly deleteRole?: boolean;
  /** The project whose entry `entry` removes (none: there is no entry to remove). */
  readonly project?: Project | undefined;
  /** Told as each part is removed. */
  readonly onDeleted?: (part: EntryPart) => void;
}

export interface DeleteResult {
  readonly name: string;
  /** The parts removed (or found gone as they were removed), in the order they went. */
  readonly removed: readonly EntryPart[];
  /** The kinds asked for that had nothing there. */
  readonly missing: readonly EntryPartKind[];
}

/** The order parts are removed in: what uses a part goes before it. */
const ORDER: readonly EntryPartKind[] = [
  'function',
  'remoteImage',
  'remote',
  'container',
  'image',
  'entry',
];

/**
 * Looks up the parts of the chain named `name` (a project entry's, or any function's, image's
 * or repository's name) of the kinds asked for; removes nothing. `remoteImage` is not looked
 * up by name (partsOf takes one): ask for `remote`.
 */
export async function findEntryParts(
  name: string,
  kinds: readonly EntryPartKind[],
  options: DeleteWorkflowOptions = {},
): Promise<FoundParts> {
  const found: EntryPart[] = [];
  const missing: EntryPartKind[] = [];
  const aws =
    kinds.includes('function') || kinds.includes('remote')
      ? { ...options, target: await targetOf(options) }
      : options;
  for (const kind of inDeleteOrder(kinds)) {
    const parts = await lookUp(kind, name, aws);
    if (parts.length) found.push(...parts);
    else missing.push(kind);
  }
  return { found, missing };
}

/**
 * The parts of resources already in hand (a lineage row has this shape), downstream first;
 * the repository here is removed with every image in it.
 */
export function partsOf(
  resources: {
    readonly lambdaFunction?: LambdaFunction | undefined;
    readonly remoteImage?: RemoteImage | undefined;
    readonly repo?: EcrRepo | undefined;
    readonly localImage?: LocalImage | undefined;
  },
  options: Pick<DeleteWorkflowOptions, 'deleteRole'> = {},
): EntryPart[] {
  const { lambdaFunction, remoteImage, repo, localImage } = resources;
  return [
    ...(lambdaFunction ? [functionPart(lambdaFunction, !!options.deleteRole)] : []),
    ...(remoteImage
      ? [
          {
            kind: 'remoteImage' as const,
            label: `remote image ${remoteImage.repo}@${remoteImage.digest.slice(7, 19)}`,
            remoteImage,
          },
        ]
      : []),
    ...(repo ? [repoPart(repo)] : []),
    ...(localImage ? [imagePart(localImage)] : []),
  ];
}

/**
 * Removes the parts in the order given (findEntryParts and partsOf give them downstream
 * first); one already gone is quiet. Returns them as removed.
 */
export async function deleteEntryParts(
  parts: readonly EntryPart[],
  options: DeleteWorkflowOptions = {},
): Promise<readonly EntryPart[]> {
  const needsAws = parts.some((part) => ['function', 'remote', 'remoteImage'].includes(part.kind));
  const aws = needsAws ? { ...options, target: await targetOf(options) } : options;
  for (const part of parts) {
    throwIfAborted(options.signal, `Deleting ${part.label}`);
    await removePart(part, aws);
    try {
      options.onDeleted?.(part);
    } catch {
      // The workflow matters more than its observer.
    }
  }
  return parts;
}

/** The kinds in the order their parts are removed: what uses a part goes before it. */
export function inDeleteOrder<K extends EntryPartKind>(kinds: readonly K[]): K[] {
  return ORDER.filter((kind): kind is K => kinds.includes(kind as K));
}

/** Looks up and removes the parts of `name`'s chain of those kinds. */
export async function deleteEntry(
  name: string,
  kinds: readonly EntryPartKind[],
  options: DeleteWorkflowOptions = {},
): Promise<DeleteResult> {
  const { found, missing } = await findEntryParts(name, kinds, options);
  return { name, removed: await deleteEntryParts(found, options), missing };
}

async function lookUp(
  kind: EntryPartKind,
  name: string,
  options: DeleteWorkflowOptions,
): Promise<EntryPart[]> {
  switch (kind) {
    case 'function': {
      // The entry's own function, named after it (another running its image is not asked for).
      const fn = await getLambdaFunctionNamed(name, options);
      return fn ? [functionPart(fn, !!options.deleteRole)] : [];
    }
    case 'remote': {
      const repo = await absentAs(getEcrRepo(name, options), 'REPO_NOT_FOUND');
      return repo ? [repoPart(repo)] : [];
    }
    case 'remoteImage':
      return [];
    case 'image': {
      const image = await absentAs(getLocalImage(name), 'IMAGE_NOT_FOUND');
      return image ? [imagePart(image)] : [];
    }
    case 'container': {
      const image = await absentAs(getLocalImage(name), 'IMAGE_NOT_FOUND');
      if (!image) return [];
      return (await localContainersOf(image)).map((container) => ({
        kind,
        label: `container ${container.name} (${container.id.slice(0, 12)})`,
        container,
      }));
    }
    case 'entry': {
      const project = options.project;
      if (!project?.responders.some((responder) => responder.name === name)) return [];
      return [{ kind, label: `the entry ${name} in ${project.file}`, project, name }];
    }
  }
}

async function removePart(part: EntryPart, aws: DeleteWorkflowOptions): Promise<void> {
  switch (part.kind) {
    case 'function':
      return deleteLambdaFunction(part.lambdaFunction, {
        ...aws,
        ...(part.deleteRole ? { deleteRole: true } : {}),
      });
    case 'remote':
      return deleteEcrRepo(part.repo, { ...aws, force: true });
    case 'remoteImage': {
      await deleteRemoteImage(part.remoteImage, aws);
      // Its repository too, once nothing is left in it.
      const repo = await absentAs(getEcrRepo(part.remoteImage.repo, aws), 'REPO_NOT_FOUND');
      if (!repo) return;
      const left = await getAllRemoteImages({ ...aws, repos: [repo] });
      if (left.length === 0) await deleteEcrRepo(repo, aws);
      return;
    }
    case 'image':
      return deleteLocalImage(part.localImage, { force: true });
    case 'container':
      await stopContainer(part.container);
      return deleteContainer(part.container);
    case 'entry':
      return quiet(removeResponder(part.project, part.name), 'RESPONDER_NOT_FOUND');
  }
}

function functionPart(lambdaFunction: LambdaFunction, deleteRole: boolean): EntryPart {
  return {
    kind: 'function',
    label: `function ${lambdaFunction.name}${deleteRole ? ' (and its role, if unshared)' : ''}`,
    lambdaFunction,
    deleteRole,
  };
}

function repoPart(repo: EcrRepo): EntryPart {
  return { kind: 'remote', label: `ECR repository ${repo.name} with its images`, repo };
}

function imagePart(localImage: LocalImage): EntryPart {
  return {
    kind: 'image',
    label: `local image ${localImage.ref} (${localImage.id.slice(7, 19)})`,
    localImage,
  };
}

/** What the call finds, or undefined when the error says it is not there. */
async function absentAs<T>(call: Promise<T>, code: ErrorCode): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isLambdashError(error, code)) return undefined;
    throw error;
  }
}

/** Done, or gone already: the same to whoever asked for it gone. */
async function quiet(call: Promise<unknown>, code: ErrorCode): Promise<void> {
  await absentAs(call, code);
}
