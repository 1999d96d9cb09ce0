// What lambdash leaves on an engine when a job ends before its clean-up: a test's or an
// invocation's container still running, a build's temporary `lambdash-build-*` tag. It happens
// when the engine went away mid-job (the removal could not reach it) or the process was
// killed. Such things name their owner process (process-owner.ts), and a sweep removes them
// once that owner is gone. The same sweep removes containers not kept a minute after they
// stopped, and what this process itself failed to remove earlier.
//
// A sweep runs in the background on a process's first use of an engine (and again on a later
// use while this process has removals of its own to retry), and before each container start.
// It makes two list calls and at most MAX_CALLS more, so a process never waits on a long one.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { LABEL_PREFIX, LABELS } from '../common/labels.js';
import { ownerGone, ownerToken } from './process-owner.js';

/** The tag an image has while it is built and tested, before it gets its name. */
export const TEMPORARY_TAG_PREFIX = 'lambdash-build-';
/** On containers not kept: removed once stopped (the engine's AutoRemove would lose their logs). */
export const REMOVE_LABEL = `${LABEL_PREFIX}remove-when-stopped`;
/** On containers that go with the process that started them: its owner token. */
export const OWNER_LABEL = `${LABEL_PREFIX}owner`;
/** Set by the local cloud on its functions' containers (src/localcloud/lambda-invoker.ts). */
export const LOCAL_CLOUD_LABEL = `${LABEL_PREFIX}localcloud.function`;

/** How long a stopped container's logs stay readable before a sweep removes it. */
const STOPPED_GRACE_MS = 60_000;
/** Inspections and removals per sweep; what is left waits for the next one. */
const MAX_CALLS = 25;
/** A sweep that takes longer is given up (a hung engine must not hold a process's exit). */
const SWEEP_LIMIT_MS = 10_000;
/** How soon a sweep runs again for removals of this process's own that failed. */
const RETRY_MS = 5_000;

interface EngineState {
  /** Whether the first sweep of this process started. */
  started: boolean;
  running: Promise<void> | undefined;
  lastEnded: number;
  /** Removals this process tried and could not make: `container:<id>`, `image:<name:tag>`. */
  readonly pending: Set<string>;
}

/** Per client, and so per engine (getDefaultDocker keeps one client per DOCKER_HOST). */
const engines = new WeakMap<Docker, EngineState>();

function stateOf(docker: Docker): EngineState {
  let state = engines.get(docker);
  if (!state) {
    state = { started: false, running: undefined, lastEnded: 0, pending: new Set() };
    engines.set(docker, state);
  }
  return state;
}

/** A temporary tag for a build of this process: its owner token, then a random part. */
export function temporaryTag(): string {
  return `${TEMPORARY_TAG_PREFIX}${ownerToken()}-${randomBytes(4).toString('hex')}`;
}

/** The owner token a temporary tag (`name:lambdash-build-…`) holds; '' for none. */
function ownerOfTag(ref: string): string {
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  if (!tag.startsWith(TEMPORARY_TAG_PREFIX)) return '';
  return tag.slice(TEMPORARY_TAG_PREFIX.length).replace(/-[0-9a-f]+$/, '');
}

/** Records a removal that failed, so that a later sweep of this process makes it. */
export function noteLeftover(
  docker: Docker,
  what: { container: string } | { image: string },
): void {
  stateOf(docker).pending.add(
    'container' in what ? `container:${what.container}` : `image:${what.image}`,
  );
}

/** Starts a sweep unless one ran already (or ran recently, with removals of ours to retry). */
export function sweepInBackground(docker: Docker): void {
  const state = stateOf(docker);
  if (state.running) return;
  if (state.started && (state.pending.size === 0 || Date.now() - state.lastEnded < RETRY_MS))
    return;
  state.started = true;
  void sweepLeftovers(docker);
}

/**
 * Removes what is left over on the engine (see the top of this file); never fails (what it
 * cannot remove now, a later sweep tries again). `graceMs`: how long a container stays after
 * it stopped.
 */
export async function sweepLeftovers(
  docker: Docker,
  options: { graceMs?: number } = {},
): Promise<void> {
  const state = stateOf(docker);
  state.started = true;
  // One at a time: two would only remove the same things twice.
  while (state.running) await state.running;
  const run = sweep(docker, state, options.graceMs ?? STOPPED_GRACE_MS).catch(() => undefined);
  state.running = run;
  try {
    await run;
  } finally {
    state.running = undefined;
    state.lastEnded = Date.now();
  }
}

async function sweep(docker: Docker, state: EngineState, graceMs: number): Promise<void> {
  const signal = AbortSignal.timeout(SWEEP_LIMIT_MS);
  let calls = MAX_CALLS;
  /** Makes one call of the budget; true when it did its job (or there was nothing to do). */
  const attempt = async (call: () => Promise<unknown>): Promise<boolean> => {
    if (calls <= 0 || signal.aborted) return false;
    calls--;
    try {
      await call();
      return true;
    } catch (error) {
      return (error as { statusCode?: number }).statusCode === 404;
    }
  };
  const removeContainer = (id: string) =>
    attempt(() => docker.getContainer(id).remove({ force: true, abortSignal: signal }));
  // Not forced: an image a container still uses keeps its tag until that container is gone.
  const removeTag = (ref: string) =>
    attempt(() => docker.getImage(ref).remove({ abortSignal: signal }));
  const retry = async (kind: 'container' | 'image', remove: (what: string) => Promise<boolean>) => {
    for (const key of [...state.pending]) {
      if (key.startsWith(`${kind}:`) && (await remove(key.slice(kind.length + 1))))
        state.pending.delete(key);
    }
  };

  // Containers before tags: a test's container keeps its image's tag from going.
  await retry('container', removeContainer);
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABELS.generated}=true`] }),
    abortSignal: signal,
  });
  for (const container of containers) {
    const labels = container.Labels ?? {};
    if (labels[LOCAL_CLOUD_LABEL]) continue; // the local cloud's own
    const owner = labels[OWNER_LABEL];
    if (owner && ownerGone(owner)) {
      await removeContainer(container.Id);
    } else if (labels[REMOVE_LABEL] === 'true') {
      if (await stoppedFor(docker, container, graceMs, attempt, signal))
        await removeContainer(container.Id);
    }
  }

  await retry('image', removeTag);
  const images = await docker.listImages({
    filters: JSON.stringify({ label: [`${LABELS.generated}=true`] }),
    abortSignal: signal,
  });
  for (const ref of images.flatMap((image) => image.RepoTags ?? [])) {
    const owner = ownerOfTag(ref);
    if (owner && ownerGone(owner)) await removeTag(ref);
  }
}

/**
 * Whether a container not kept has been stopped (or created and never started) for `graceMs`:
 * until then whoever started it may still read its logs, or be about to start it.
 */
async function stoppedFor(
  docker: Docker,
  container: Docker.ContainerInfo,
  graceMs: number,
  attempt: (call: () => Promise<unknown>) => Promise<boolean>,
  signal: AbortSignal,
): Promise<boolean> {
  if (container.State === 'created') return Date.now() - container.Created * 1000 >= graceMs;
  if (container.State !== 'exited' && container.State !== 'dead') return false;
  let finished = Number.NaN;
  await attempt(async () => {
    const info = await docker.getContainer(container.Id).inspect({ abortSignal: signal });
    finished = Date.parse(info.State.FinishedAt);
  });
  return Date.now() - finished >= graceMs;
}
