// The terminal app end to end: the built binary (`node bin/lambdash.js`) in tmux, at 80x24 and
// at 200x50, against a private local cloud and the real Docker engine. Each run adds the example
// responder (a copy of examples/hello-ts under a name of its own), builds, tests locally,
// pushes, deploys, types a payload in the invoke REPL and sends it, opens the timeline and
// deletes everything, checking the captured screen at each step and, at the end, that the
// function, the repository and the image are really gone.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../../src/core/common/labels.js';
import { getAllEcrRepos } from '../../../src/core/ecr/ecr-repos.js';
import { getAllLocalImages } from '../../../src/core/images/local-image-queries.js';
import { getAllLambdaFunctions } from '../../../src/core/lambda/lambda-functions.js';
import { buildTestImage, removeImages } from '../../support/docker.js';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { appEnvironment, localImageIdOf, toastLines } from './app-screen.js';
import { hasTmux, removeImagesOf, type Screen, Tmux } from './tmux.js';

const STEP_MS = 120_000;
let cloud: TestTarget;
const temporary: string[] = [];
const drivers: Tmux[] = [];
const names: string[] = [];

beforeAll(async () => {
  if (!hasTmux()) {
    throw new Error(
      'tmux is not installed: run `bash scripts/provision.sh` as root (it installs it).',
    );
  }
  cloud = await startTestTarget();
}, 120_000);

afterAll(async () => {
  for (const driver of drivers) driver.stop();
  // What a failed run left on this machine (AWS's side goes with the private local cloud).
  await removeImagesOf(names.flatMap((name) => [name, `${name}-live`]));
  await cloud?.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

interface AppRun {
  readonly tmux: Tmux;
  readonly name: string;
  readonly project: string;
  readonly home: string;
}

/** A project folder holding a copy of the example under a unique name, and a home of its own. */
function prepare(columns: number, rows: number, settings: Record<string, unknown> = {}): AppRun {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lambdash-tui-e2e-'));
  temporary.push(root);
  const name = `tui-${randomBytes(3).toString('hex')}`;
  names.push(name);
  const project = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(path.join(home, 'config'), { recursive: true });
  cpSync(path.join(repoRoot, 'examples', 'hello-ts'), path.join(project, name), {
    recursive: true,
  });
  writeFileSync(path.join(home, 'config', 'settings.json'), JSON.stringify(settings));
  const tmux = new Tmux({
    columns,
    rows,
    cwd: project,
    command: `${process.execPath} ${path.join(repoRoot, 'bin', 'lambdash.js')} --endpoint ${cloud.target.endpoint}`,
    env: appEnvironment(home),
  });
  drivers.push(tmux);
  return { tmux, name, project, home };
}

/** The line of the table that shows the responder. */
function rowOf(screen: Screen, name: string): string {
  const line = screen.lines.find(
    (candidate) => /^[●▲✗◆·] /.test(candidate) && candidate.includes(name),
  );
  if (!line) throw new Error(`No row for ${name} on the screen:\n${screen.text}`);
  return line;
}

/** A line as the app draws it in `columns` cells: whole, or cut with an ellipsis. */
function fitted(text: string, columns: number): string {
  const chars = [...text];
  return chars.length <= columns ? text : `${chars.slice(0, columns - 1).join('')}…`;
}

/** Every frame is one line shorter than the terminal, and no line is wider. */
function expectFits(screen: Screen, columns: number, rows: number): void {
  expect(screen.lines).toHaveLength(rows);
  expect(screen.lines[rows - 1]).toBe('');
  for (const line of screen.lines) expect([...line].length).toBeLessThanOrEqual(columns);
}

async function flow(
  run: AppRun,
  columns: number,
  rows: number,
  afterDeploy?: () => Promise<void>,
): Promise<void> {
  const { tmux, name } = run;
  tmux.start();
  // "connecting…" and "syncing…" first, then the target, Docker and when the table was read.
  let screen = await tmux.waitFor((s) => /ago\)?$/.test(s.lines[0]!));
  expect(screen.lines[0]).toMatch(
    new RegExp(
      `^lambdash │ local cloud ${cloud.target.endpoint!.replace('http://', '')} │ docker \\S+ │ (refreshed \\S+ \\()?\\d+s ago`,
    ),
  );
  expect(screen.lines[1]).toMatch(/^RESPONDER +LOCAL IMAGE +REMOTE IMAGE +FUNCTION/);
  expectFits(screen, columns, rows);

  // Add the example responder: its path, then the handler.
  await tmux.keys('n');
  await tmux.waitFor('Add a responder');
  await tmux.type(`${name}/hand`);
  await tmux.keys('Tab');
  await tmux.waitFor(`path> ${name}/handler.ts`);
  await tmux.keys('Enter');
  await tmux.waitFor('handler> handler');
  await tmux.keys('Enter');
  screen = await tmux.waitFor(`✔ Added ${name} to lambdash.json.`);
  expect(rowOf(await tmux.waitFor(`▲ ${name}`), name)).toMatch(new RegExp(`^▲ ${name} +— +— +—`));
  expect(JSON.parse(readFileSync(path.join(run.project, 'lambdash.json'), 'utf8'))).toEqual({
    responders: [{ name, source: `${name}/handler.ts` }],
  });

  // Only this responder's row: filter by its name.
  await tmux.keys('/');
  await tmux.waitFor('/ filter: type to narrow the rows');
  await tmux.type(name);
  await tmux.keys('Enter');
  screen = await tmux.waitFor(new RegExp(`1 of \\d+ rows · filter "${name}"`));

  // Build: progress while it runs, then the image in the row, its state current.
  await tmux.keys('b');
  await tmux.waitFor(`⟳ build ${name}`);
  screen = await tmux.waitFor(`✔ Built ${name}:latest`, { timeoutMs: STEP_MS });
  screen = await tmux.waitFor(
    (s) => /^● /.test(rowOf(s, name)) && /[0-9a-f]{12}/.test(rowOf(s, name)),
  );
  expectFits(screen, columns, rows);

  await tmux.keys('t');
  await tmux.waitFor(new RegExp(`✔ Test of ${name} \\([0-9a-f]{12}\\) passed`), {
    timeoutMs: STEP_MS,
  });

  await tmux.keys('p');
  await tmux.waitFor(`⟳ push ${name}`);
  await tmux.waitFor(new RegExp(`✔ Pushed ${name} \\([0-9a-f]{12}\\) to ${name}:latest@`), {
    timeoutMs: STEP_MS,
  });
  // Local and remote image on one row: joined by digest.
  await tmux.waitFor((s) => /[0-9a-f]{12}.*[0-9a-f]{12}/.test(rowOf(s, name)));

  // Deploy: the image built above (the source is unchanged), pushed already; the function is
  // made, then tested. The toast says which code went out (cut to the terminal's width).
  const image = localImageIdOf(rowOf(screen, name));
  expect(image).toMatch(/^[0-9a-f]{12}$/);
  await tmux.keys('c');
  screen = await tmux.waitFor(`✔ Deployed ${name}:`, { timeoutMs: STEP_MS });
  const toast = toastLines(screen, '✔').find((line) => line.startsWith(`✔ Deployed ${name}:`));
  expect(toast?.trimEnd()).toBe(
    fitted(
      `✔ Deployed ${name}: function created with image ${image}, already built from this source; health check passed (no test data).`,
      columns,
    ),
  );
  screen = await tmux.waitFor((s) => rowOf(s, name).includes(`${name} Active`));
  expectFits(screen, columns, rows);
  await afterDeploy?.();

  // Invoke: the REPL opens on the deployed function; a payload typed and sent.
  await tmux.keys('Enter');
  await tmux.waitFor(`Invoke ${name}`);
  await tmux.waitFor('● deployed function');
  await tmux.keys('BSpace', 'BSpace');
  await tmux.type('{"name": "Ada"');
  await tmux.waitFor(/✗/);
  await tmux.type('}');
  await tmux.waitFor('✓ valid JSON');
  await tmux.keys('C-s');
  screen = await tmux.waitFor('"message": "Hello, Ada!"', { timeoutMs: STEP_MS });
  expect(screen.text).toMatch(/Response · ✓ ok · [\d.]+ m?s/);
  expectFits(screen, columns, rows);
  await tmux.keys('Escape');
  screen = await tmux.waitFor(/RESPONDER +LOCAL IMAGE/);

  // The timeline of that invocation: the breakdown and the raw log.
  await tmux.keys('l');
  screen = await tmux.waitFor(`Timeline #`);
  expect(screen.text).toContain(`deployed ${name}`);
  expect(screen.text).toMatch(/handler [\d.]+ ms/);
  expect(screen.text).toMatch(/REPORT RequestId: [0-9a-f-]+/);
  expectFits(screen, columns, rows);
  await tmux.keys('Escape');
  await tmux.waitFor(/RESPONDER +LOCAL IMAGE/);

  // Delete: Cancel has the focus, so Enter at once deletes nothing.
  await tmux.keys('d');
  screen = await tmux.waitFor(`Delete ${name}`);
  expect(screen.text).toContain(`[x] function ${name}`);
  expect(screen.text).toContain(`[ ] repository ${name} (with all its images)`);
  await tmux.keys('Enter');
  screen = await tmux.waitFor(/RESPONDER +LOCAL IMAGE/);
  expect(rowOf(screen, name)).toContain(`${name} Active`);
  // Again, with the repository ticked too, then Delete, then the name typed.
  await tmux.keys('d');
  await tmux.waitFor(`Delete ${name}`);
  await tmux.keys('k', 'k', 'Space');
  await tmux.waitFor(`[x] repository ${name}`);
  await tmux.keys('Tab', 'Tab', 'Tab', 'Enter');
  await tmux.waitFor(`Type ${name} to confirm:`);
  await tmux.type(name);
  await tmux.keys('Enter');
  await tmux.waitFor(`✔ Deleted the function, remote image, repository, local image of ${name}.`, {
    timeoutMs: STEP_MS,
  });
  // The project still names the responder: its row is back to nothing built.
  screen = await tmux.waitFor((s) => /^▲ \S+ +— +— +—/.test(rowOf(s, name)));
  expectFits(screen, columns, rows);

  const aws = { target: cloud.target };
  expect((await getAllLambdaFunctions(aws)).map((fn) => fn.name)).not.toContain(name);
  expect((await getAllEcrRepos(aws)).map((repo) => repo.name)).not.toContain(name);
  expect((await getAllLocalImages()).filter((image) => image.name === name)).toEqual([]);
}

describe('the terminal app in tmux', () => {
  it(
    'at 80x24: add, build, test, push, deploy, invoke, timeline, delete; resize; quit restores the screen',
    async () => {
      const run = prepare(80, 24);
      await flow(run, 80, 24);

      // Too small, then back.
      run.tmux.resize(40, 10);
      let screen = await run.tmux.waitFor('Terminal too small.');
      expect(screen.text).toContain('this is 40x10.');
      run.tmux.resize(80, 24);
      await run.tmux.waitFor(/RESPONDER +LOCAL IMAGE/);

      await run.tmux.keys('q');
      screen = await run.tmux.waitFor('EXITED 0');
      // The shell's screen is back: nothing of the app is left on it.
      expect(screen.text).not.toContain('RESPONDER');
    },
    10 * STEP_MS,
  );

  it(
    'at 200x50: the same, Docker changes shown without a refresh, and Ctrl-C restores the screen',
    async () => {
      // AWS is read once an hour: only Docker's events can bring a new image in. Every row
      // lambdash made, not only the project's: the image made outside the app is one of them.
      const run = prepare(200, 50, { refreshSeconds: 3600, scope: 'all' });
      const live = `${run.name}-live`;
      await flow(run, 200, 50, async () => {
        // An image made outside the app, from the deployed one, its source said to be gone.
        await buildTestImage(
          `${live}:latest`,
          `FROM ${run.name}:latest\nLABEL ${LABELS.name}=${live} ${LABELS.source}=/gone/${live}.ts\n`,
        );
        try {
          const screen = await run.tmux.waitFor((s) => s.text.includes(`✗ ${live}`));
          expect(rowOf(screen, live)).toMatch(new RegExp(`^✗ ${live} +[0-9a-f]{12} latest`));
        } finally {
          await removeImages(`${live}:latest`);
        }
        await run.tmux.waitFor((s) => !s.text.includes(live));
      });

      await run.tmux.keys('C-c');
      const screen = await run.tmux.waitFor('EXITED 0');
      expect(screen.text).not.toContain('RESPONDER');
    },
    10 * STEP_MS,
  );

  it(
    "`npm start`, the README's quick start, opens the app from the clone and quits cleanly",
    async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'lambdash-tui-e2e-start-'));
      temporary.push(home);
      const tmux = new Tmux({
        columns: 100,
        rows: 30,
        cwd: repoRoot,
        command: 'npm start',
        // No local cloud is shared with it: the app starts one of its own on a free port.
        env: { ...appEnvironment(home), LAMBDASH_CLOUD_PORT: '0' },
      });
      drivers.push(tmux);
      tmux.start();
      // npm installs nothing (the clone is set up), builds, checks the engine, then the app.
      const screen = await tmux.waitFor((s) => /ago\)?$/.test(s.lines[0] ?? ''), {
        timeoutMs: STEP_MS,
      });
      expect(screen.lines[0]).toMatch(
        /^lambdash │ local cloud 127\.0\.0\.1:\d+ \(started by the app\) │ docker /,
      );
      expect(screen.text).toMatch(/RESPONDER +LOCAL IMAGE/);
      await tmux.keys('q');
      const after = await tmux.waitFor('EXITED 0');
      expect(after.text).not.toContain('RESPONDER');
    },
    STEP_MS,
  );

  it(
    'in read-only mode offers no action that changes things',
    async () => {
      const run = prepare(80, 24);
      const tmux = new Tmux({
        columns: 80,
        rows: 24,
        cwd: run.project,
        command: `${process.execPath} ${path.join(repoRoot, 'bin', 'lambdash.js')} --read-only --endpoint ${cloud.target.endpoint}`,
        env: appEnvironment(run.home),
      });
      drivers.push(tmux);
      tmux.start();
      const screen = await tmux.waitFor((s) => /ago\)?$/.test(s.lines[0]!));
      expect(screen.lines[0]).toMatch(/^lambdash │ read-only │ local cloud/);
      const footer = screen.lines[22]!;
      expect(footer).toContain('? help');
      for (const hidden of ['b build', 'p push', 'c deploy', 'd delete', 'n add']) {
        expect(footer).not.toContain(hidden);
      }
      await tmux.keys('n');
      await tmux.keys('?');
      await tmux.waitFor('Keys');
      expect(tmux.screen().text).not.toContain('Add a responder');
      await tmux.keys('Escape', 'q');
      await tmux.waitFor('EXITED 0');
    },
    STEP_MS,
  );
});
