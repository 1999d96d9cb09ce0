// No orphan function containers, through the real engine: a local cloud's containers do not
// outlive it. A cloud SIGKILLed (the built dist/localcloud/main.js in a child process) while a
// handler hangs leaves its container running; the next start on the same data folder removes
// it, and never a container of another data folder or of a cloud that still runs. A container
// the engine went away from between its creation and its start stays "Created" (AutoRemove
// never acts on it): it is removed once the engine is back, or by the next start on the folder.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  InvokeCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalImage, getResponder } from '../../../src/core/index.js';
import {
  DATA_DIR_LABEL,
  dataDirId,
  FUNCTION_LABEL,
  OWNER_LABEL,
} from '../../../src/localcloud/function-containers.js';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { ownerToken } from '../../../src/localcloud/process-owner.js';
import { testDocker } from '../../support/docker.js';
import { type DockerProxy, startDockerProxy } from '../../support/docker-proxy.js';
import {
  cloudClients,
  createServiceRole,
  functionContainers,
  pushToLocalEcr,
  removeFunctionContainers,
} from '../../support/localcloud.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const mainPath = path.join(repoRoot, 'dist/localcloud/main.js');
const suffix = randomBytes(4).toString('hex');
const repositoryName = `lc-orphans-${suffix}`;
const children: ChildProcessWithoutNullStreams[] = [];
const clouds: LocalCloud[] = [];
/** Every function name used, so whatever a failed test left can be removed. */
const names: string[] = [];
let imageId: string;

beforeAll(async () => {
  const image = await createLocalImage(
    await getResponder(path.join(repoRoot, 'test/fixtures/localcloud/configurable.ts'), {
      name: repositoryName,
    }),
    { tag: 'v1' },
  );
  imageId = image.id;
}, 240_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cloud of clouds) await cloud.stop().catch(() => undefined);
  await removeFunctionContainers(...names);
  if (imageId)
    await testDocker()
      .getImage(imageId)
      .remove({ force: true })
      .catch(() => undefined);
  removeTempDirs();
}, 120_000);

interface ChildCloud {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or signal name) once the process and its pipes are done. */
  exited: Promise<number | string>;
  /** Its endpoint, once it serves. */
  endpoint: Promise<string>;
}

/** `npm run cloud` as users run it, on `dataDir`. */
function startChildCloud(dataDir: string): ChildCloud {
  const { LAMBDASH_CLOUD_PORT: _, ...inherited } = process.env;
  const child = spawn(process.execPath, [mainPath, '--port', '0', '--data-dir', dataDir], {
    env: inherited,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const endpoint = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // The secret is printed last of all: by then the cloud serves and its note is written.
      const url = /^export AWS_ENDPOINT_URL=(.*)$/m.exec(stdout)?.[1];
      if (url && /^export AWS_SECRET_ACCESS_KEY=/m.test(stdout)) resolve(url);
    });
    exited.then((code) => reject(new Error(`the local cloud exited with ${code}: ${stderr}`)));
  });
  return { child, exited, endpoint };
}

/** Polls `read` until `done` says yes, for up to a minute; returns the last value. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  await vi
    .waitFor(
      async () => {
        value = await read();
        if (!done(value)) throw new Error('not yet');
      },
      { timeout: 60_000, interval: 100 },
    )
    .catch(() => undefined);
  return value;
}

/** The engine's state of a container (`running`, `created`...), or `gone`. */
async function stateOf(id: string): Promise<string> {
  try {
    return (await testDocker().getContainer(id).inspect()).State.Status;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
    throw error;
  }
}

/** The owner token of another process of this machine that runs: vitest's main process. */
function tokenOfParent(): string {
  const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const [, , place, boot] = ownerToken().split('-');
  return [process.ppid, start, place, boot].join('-');
}

/** Pushes the image to the cloud's registry and creates an Active function of it. */
async function deploy(endpoint: string, label: string): Promise<string> {
  const c = cloudClients(endpoint);
  const { uri } = await pushToLocalEcr(c.ecr, repositoryName, imageId, 'v1');
  const role = await createServiceRole(c.iam, `orphans-${label}-${suffix}`);
  const name = `orphans-${label}-${suffix}`;
  names.push(name);
  await c.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      PackageType: 'Image',
      Code: { ImageUri: uri },
      Role: role,
      // Lambda's longest: the handler below outlasts every test.
      Timeout: 900,
    }),
  );
  await waitUntilFunctionActiveV2({ client: c.lambda, maxWaitTime: 120 }, { FunctionName: name });
  return name;
}

/**
 * Deploys a function and invokes it asynchronously with a handler that does not return for
 * 15 minutes; resolves with its container's id once the handler runs (its line is logged).
 */
async function hangingContainer(endpoint: string, label: string): Promise<string> {
  const name = await deploy(endpoint, label);
  const c = cloudClients(endpoint);
  await c.lambda.send(
    new InvokeCommand({
      FunctionName: name,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ value: label, sleepMs: 900_000 })),
    }),
  );
  const logged = await pollUntil(
    async () => {
      const page = await c.logs
        .send(
          new FilterLogEventsCommand({
            logGroupName: `/aws/lambda/${name}`,
            filterPattern: `"sleeping ${label}"`,
          }),
        )
        .catch(() => ({ events: [] }));
      return (page.events ?? []).length;
    },
    (count) => count > 0,
  );
  expect(logged, `the handler of ${name} runs`).toBeGreaterThan(0);
  const ids = await functionContainers(name);
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

describe('the containers of a local cloud that was SIGKILLed', () => {
  it('are removed by the next start on its data folder, and no other cloud’s are', async () => {
    const [dirA, dirB, dirC] = ['a', 'b', 'c'].map((x) =>
      makeTempDir(`lambdash-orphans-${x}-`),
    ) as [string, string, string];
    const a = startChildCloud(dirA);
    const c = startChildCloud(dirC);
    const b = await startLocalCloud({ port: 0, dataDir: dirB });
    clouds.push(b);
    const [orphanA, orphanC, running] = await Promise.all([
      a.endpoint.then((endpoint) => hangingContainer(endpoint, 'a')),
      c.endpoint.then((endpoint) => hangingContainer(endpoint, 'c')),
      hangingContainer(b.endpoint, 'b'),
    ]);

    a.child.kill('SIGKILL');
    c.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    expect(await c.exited).toBe('SIGKILL');
    // The leak: nothing ends a container whose handler has not returned.
    expect(await stateOf(orphanA)).toBe('running');
    expect(await stateOf(orphanC)).toBe('running');
    // On the folder, but its owner process runs: never taken for a leftover, whatever made it.
    const lookalikeName = `orphans-lookalike-${suffix}`;
    names.push(lookalikeName);
    const lookalike = await testDocker().createContainer({
      Image: imageId,
      Labels: {
        [FUNCTION_LABEL]: lookalikeName,
        [DATA_DIR_LABEL]: dataDirId(dirA),
        [OWNER_LABEL]: tokenOfParent(),
      },
    });

    const againA = await startLocalCloud({ port: 0, dataDir: dirA });
    clouds.push(againA);
    expect(
      await pollUntil(
        () => stateOf(orphanA),
        (state) => state === 'gone',
      ),
    ).toBe('gone');
    // Not its data folder: a dead cloud's container waits for a start on its own folder, and
    // a running cloud's container runs on.
    expect(await stateOf(orphanC)).toBe('running');
    expect(await stateOf(running)).toBe('running');
    expect(await stateOf(lookalike.id)).toBe('created');
    await lookalike.remove({ force: true });

    const againC = await startLocalCloud({ port: 0, dataDir: dirC });
    clouds.push(againC);
    expect(
      await pollUntil(
        () => stateOf(orphanC),
        (state) => state === 'gone',
      ),
    ).toBe('gone');
    expect(await stateOf(running)).toBe('running');

    // A clean stop removes the running cloud's own.
    await b.stop();
    expect(await stateOf(running)).toBe('gone');
  }, 300_000);
});

describe('a container the engine went away from before it started', () => {
  /** A cloud whose Docker client goes through `proxy`, which dockerode reads at its creation. */
  async function cloudThrough(proxy: DockerProxy, dataDir: string): Promise<LocalCloud> {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = proxy.host;
    try {
      // Idle containers go within seconds, so the test can make the next invocation a cold one.
      const cloud = await startLocalCloud({ port: 0, dataDir, lambda: { idleMs: 1000 } });
      clouds.push(cloud);
      return cloud;
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  }

  it('is removed once the engine is back, or by the next start on the folder', async () => {
    let cut = false;
    // The engine goes away just after it created the container, as the pool attaches to it.
    const proxy: DockerProxy = await startDockerProxy({
      onRequest: (line) => {
        if (cut && /\/containers\/[0-9a-f]+\/attach\?/.test(line)) {
          cut = false;
          void proxy.kill();
        }
      },
    });
    try {
      await engineGoesAway(proxy, () => {
        cut = true;
      });
    } finally {
      await proxy.kill();
    }
  }, 240_000);

  async function engineGoesAway(proxy: DockerProxy, cutNextStart: () => void): Promise<void> {
    const dataDir = makeTempDir('lambdash-orphans-created-');
    const cloud = await cloudThrough(proxy, dataDir);
    const name = await deploy(cloud.endpoint, 'created');
    const { lambda } = cloudClients(cloud.endpoint, { maxAttempts: 1 });
    const invoke = (value: string) =>
      lambda.send(
        new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ value })) }),
      );

    cutNextStart();
    await expect(invoke('cut')).rejects.toThrow(/could not start a container/);
    const [created, ...more] = await functionContainers(name);
    expect(more).toEqual([]);
    // The leak: created, never started, so AutoRemove will never remove it.
    expect(await stateOf(created ?? '')).toBe('created');

    // The engine is back: the removal that failed is made again.
    await proxy.restart();
    expect(
      await pollUntil(
        () => functionContainers(name),
        (ids) => ids.length === 0,
      ),
    ).toEqual([]);
    const answer = await invoke('back');
    expect(JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8')).echo).toBe('back');

    // Again once the warm container is reaped, and the cloud stops while the engine is away (it
    // cannot remove the container, and must not wait for an engine that is not there).
    expect(
      await pollUntil(
        () => functionContainers(name),
        (ids) => ids.length === 0,
      ),
    ).toEqual([]);
    cutNextStart();
    await expect(invoke('cut again')).rejects.toThrow(/could not start a container/);
    const [leftover = '', ...others] = await functionContainers(name);
    expect(others).toEqual([]);
    expect(await stateOf(leftover)).toBe('created');
    await cloud.stop();
    expect(await stateOf(leftover)).toBe('created');

    // The next start on the folder, in this same process, removes it.
    await proxy.restart();
    const next = await startLocalCloud({ port: 0, dataDir });
    clouds.push(next);
    expect(
      await pollUntil(
        () => stateOf(leftover),
        (state) => state === 'gone',
      ),
    ).toBe('gone');
    await next.stop();
    expect(await functionContainers(name)).toEqual([]);
  }
});
