// What a job leaves on the engine when it ends before its clean-up, removed by the next lambdash
// operation: made for real, by killing the process that owns it (SIGKILL mid-test, mid-run) or
// by cutting this process off the engine and letting it come back. What a live process owns,
// and containers meant to outlive their process, stay.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import {
  type Container,
  deleteContainer,
  getAllContainers,
  runImageLocally,
} from '../../../src/core/images/containers.js';
import { getDocker } from '../../../src/core/images/docker.js';
import { sweepLeftovers } from '../../../src/core/images/leftovers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import {
  containerExists,
  failure,
  removeImagesNamed,
  tagsNamed,
  uniqueName,
} from '../../support/images.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const binPath = path.join(repoRoot, 'bin', 'lambdash.js');
const library = pathToFileURL(path.join(repoRoot, 'dist', 'core', 'index.js')).href;

/** Answers at once, or (with `wait`) only after ten minutes: a test that stays mid-invocation. */
const handlerDir = writeTree(makeTempDir(), {
  'waits.mjs': `export const handler = async (event) => {
  if (event.wait) await new Promise((resolve) => setTimeout(resolve, 600_000));
  return { ok: true };
};
`,
});
const handler = path.join(handlerDir, 'waits.mjs');
const home = makeTempDir('lambdash-leftovers-home-');
const names = { run: uniqueName('leftover-run'), cut: uniqueName('leftover-cut') };
const built: string[] = [];
let image: LocalImage;

beforeAll(async () => {
  await ensureBaseImage();
  image = await createLocalImage(await getResponder(handler, { name: names.run }));
}, 180_000);

afterAll(async () => {
  await removeImagesNamed(...Object.values(names), ...built);
  removeTempDirs();
});

/** Polls `check` until it holds, for up to a minute (a loaded machine is slow, never stuck). */
async function eventually(check: () => Promise<boolean>, what: () => string): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`still not so after a minute: ${what()}`);
    },
    { timeout: 60_000, interval: 100 },
  );
}

const running = async (id: string) => (await testDocker().getContainer(id).inspect()).State.Running;
// A killed build leaves its build context in the temporary folder: this file's own.
const env = {
  ...process.env,
  HOME: home,
  TMPDIR: makeTempDir('lambdash-leftovers-tmp-'),
  LAMBDASH_NO_PULL: '1',
  NO_COLOR: '1',
};

/** A child process; `lines` holds what it printed on stdout, line by line. */
function child(args: string[]): { process: ChildProcess; lines: string[]; output: () => string } {
  const started = spawn(process.execPath, args, {
    cwd: home,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let out = '';
  let err = '';
  started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    lines.splice(0, lines.length, ...out.split('\n').filter(Boolean));
  });
  started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  return { process: started, lines, output: () => `stdout:\n${out}\nstderr:\n${err}` };
}

async function killed(target: ChildProcess): Promise<void> {
  const ended = new Promise((resolve) => target.once('exit', resolve));
  target.kill('SIGKILL');
  await ended;
}

/** The next lambdash command, as a user would run it. */
async function nextCommand(): Promise<void> {
  const ls = child([binPath, 'ls', '--no-aws', '-q']);
  const code = await new Promise((resolve) => ls.process.once('exit', resolve));
  expect(code, ls.output()).toBe(0);
}

describe('a build killed in the middle of its test', () => {
  it('leaves its container and temporary tag while it runs; the next command removes both', async () => {
    const name = uniqueName('leftover-test');
    built.push(name);
    // The child builds with test data whose invocation never ends, and prints the container.
    const build = child([
      '--input-type=module',
      '-e',
      `const { createLocalImage, getResponder } = await import(${JSON.stringify(library)});
const responder = await getResponder(${JSON.stringify(handler)}, { name: ${JSON.stringify(name)} });
await createLocalImage(responder, {
  functionTestData: { payload: { wait: true }, expected: { ok: true }, timeout: 900 },
  onEvent: (e) => { if (e.type === 'container.ready') console.log(e.id); },
});`,
    ]);
    await eventually(
      async () => build.lines.length > 0,
      () => `the child's test container\n${build.output()}`,
    );
    const container = build.lines[0]!;
    const temporary = (await tagsNamed(name)).filter((tag) =>
      tag.startsWith(`${name}:lambdash-build-${build.process.pid}-`),
    );
    expect(temporary).toHaveLength(1);
    const labels = (await testDocker().getContainer(container).inspect()).Config.Labels;
    expect(labels['dev.lambdash.owner']).toMatch(new RegExp(`^${build.process.pid}-\\d+-`));

    // Its owner runs: a sweep leaves both alone.
    await sweepLeftovers(getDocker());
    expect(await running(container)).toBe(true);
    expect(await tagsNamed(name)).toEqual(temporary);

    // From here on any lambdash process may remove them (other test files run some too).
    await killed(build.process);
    await nextCommand();
    await eventually(
      async () => !(await containerExists(container)),
      () => 'the container removed',
    );
    await eventually(
      async () => (await tagsNamed(name)).length === 0,
      () => 'the tag removed',
    );
  });
});

describe('lambdash run killed in the foreground', () => {
  it('leaves a container the next operation removes; a detached one stays', async () => {
    const detached = child([binPath, 'run', image.ref, '--detach', '--json']);
    const code = await new Promise((resolve) => detached.process.once('exit', resolve));
    expect(code, detached.output()).toBe(0);
    const kept = (JSON.parse(detached.lines.join('\n')) as { container: Container }).container;

    const foreground = child([binPath, 'run', image.ref, '--json']);
    await eventually(async () => foreground.lines.at(-1) === '}', foreground.output);
    const owned = (JSON.parse(foreground.lines.join('\n')) as { container: Container }).container;
    expect(await running(owned.id)).toBe(true);
    await killed(foreground.process);
    let next: Container | undefined;
    try {
      // This process is long-lived: its next container start is what sweeps.
      next = await runImageLocally(image);
      await eventually(
        async () => !(await containerExists(owned.id)),
        () => 'the container removed',
      );
      // Meant to outlive the command that started it.
      expect(await running(kept.id)).toBe(true);
    } finally {
      await deleteContainer(kept.id);
      await deleteContainer(owned.id);
      if (next) await deleteContainer(next);
    }
  });
});

describe('this process cut off the engine in the middle of a test', () => {
  it('removes the container and temporary tag it could not, once the engine is back', async () => {
    const proxy = await startDockerProxy();
    vi.stubEnv('DOCKER_HOST', proxy.host);
    let container = '';
    try {
      const error = await failure(
        createLocalImage(await getResponder(handler, { name: names.cut }), {
          functionTestData: { payload: {}, expected: { ok: true } },
          onEvent: (event) => {
            if (event.type !== 'container.ready') return;
            container = event.id;
            void proxy.kill();
          },
        }),
      );
      expect(error.code).toBe('DOCKER_UNAVAILABLE');
      // Through the engine's own socket: what the build could not remove is there.
      vi.unstubAllEnvs();
      expect(await running(container)).toBe(true);
      const temporary = await tagsNamed(names.cut);
      expect(temporary).toHaveLength(1);
      expect(temporary[0]).toMatch(new RegExp(`^${names.cut}:lambdash-build-${process.pid}-`));

      await proxy.restart();
      vi.stubEnv('DOCKER_HOST', proxy.host);
      // Any use of the engine, once it answers again at the same address, sweeps (this
      // process's own removals are retried a few seconds apart).
      await eventually(
        async () => {
          await getAllContainers();
          return !(await containerExists(container)) && (await tagsNamed(names.cut)).length === 0;
        },
        () => 'the container and the tag removed',
      );
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
      if (container) await deleteContainer(container);
    }
  });
});
