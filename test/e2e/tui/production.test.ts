// The app trusted with production (issue 13), end to end: the built binary in tmux against a
// private local cloud and the real Docker engine, one app run through the steps in order.
// A project of two responders (copies of examples/hello-ts): `main` added in the app, `aux`
// already in lambdash.json. `main` is built and deployed and its function answers; its
// greeting is edited and rebuilt twice, and it stays one row, marked `⚠ older code`, with its
// older chains under it on `V`; the cursor stays on it through a rebuild, two sorts and a
// filter cleared with Esc; `c` on the changed row builds and deploys the new code, which the
// function then answers; the REPL on `aux` (built, never deployed) says the function is not
// deployed yet and invokes a local container, which is gone once the app quits.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAllContainers } from '../../../src/core/images/containers.js';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import {
  appEnvironment,
  localImageIdOf,
  olderRowsOf,
  rowOf,
  rowOrNone,
  rowsOf,
  selectedRow,
  toastLines,
} from './app-screen.js';
import { hasTmux, removeImagesOf, type Screen, Tmux } from './tmux.js';

const STEP_MS = 120_000;
const COLUMNS = 200;
const ROWS = 50;
const base = `prod-${randomBytes(3).toString('hex')}`;
/** Sorts after `aux` by name: the cursor on it is not simply on the first row. */
const main = `${base}-main`;
const aux = `${base}-aux`;

let cloud: TestTarget;
let root: string;
let project: string;
let tmux: Tmux;

beforeAll(async () => {
  if (!hasTmux()) {
    throw new Error(
      'tmux is not installed: run `bash scripts/provision.sh` as root (it installs it).',
    );
  }
  cloud = await startTestTarget();
  root = mkdtempSync(path.join(os.tmpdir(), 'lambdash-prod-e2e-'));
  project = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(path.join(home, 'config'), { recursive: true });
  // AWS is read once an hour: the table changes on Docker's events, after an operation, or `r`.
  writeFileSync(
    path.join(home, 'config', 'settings.json'),
    JSON.stringify({ refreshSeconds: 3600 }),
  );
  for (const name of [main, aux]) {
    cpSync(path.join(repoRoot, 'examples', 'hello-ts'), path.join(project, name), {
      recursive: true,
    });
  }
  writeFileSync(
    path.join(project, 'lambdash.json'),
    JSON.stringify({ responders: [{ name: aux, source: `${aux}/handler.ts` }] }),
  );
  tmux = new Tmux({
    columns: COLUMNS,
    rows: ROWS,
    cwd: project,
    command: `${process.execPath} ${path.join(repoRoot, 'bin', 'lambdash.js')} --endpoint ${cloud.target.endpoint}`,
    // Colours on: the cursor is read from the highlighted row.
    env: appEnvironment(home),
  });
}, 120_000);

afterAll(async () => {
  tmux?.stop();
  await removeImagesOf([main, aux]);
  await cloud?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The greeting `main` answers in English: the example's, changed in place. */
function setGreeting(from: string, to: string): void {
  const file = path.join(project, main, 'handler.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain(`en: '${from}'`);
  writeFileSync(file, source.replace(`en: '${from}'`, `en: '${to}'`));
}

/** What the deployed function answers Ada, called through the AWS SDK. */
async function functionAnswer(name: string): Promise<string> {
  const answer = await cloud.target.clients.lambda.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"name":"Ada"}') }),
  );
  expect(answer.FunctionError).toBeUndefined();
  return (JSON.parse(Buffer.from(answer.Payload!).toString('utf8')) as { message: string }).message;
}

/** The cursor's row is the responder's own row. */
const cursorOn = (name: string) => (screen: Screen) =>
  selectedRow(screen)?.startsWith(`${name} `, 2) === true;

/** Waits for the cursor on the responder's row, and checks it is there. */
async function expectCursorOn(name: string): Promise<void> {
  const screen = await tmux.waitFor(cursorOn(name), { escapes: true });
  expect(selectedRow(screen)).toMatch(new RegExp(`^[●▲] ${name} `));
}

/** Moves the cursor to the responder's row, from the top. */
async function moveCursorTo(name: string): Promise<void> {
  await tmux.keys('g');
  for (let step = 0; step < 5; step++) {
    if (cursorOn(name)(tmux.screen(true))) return;
    await tmux.keys('j');
  }
  await expectCursorOn(name);
}

/** Builds the selected row (responder `name`) and waits for its new image in the row. */
async function build(name: string): Promise<string> {
  await tmux.keys('b');
  await tmux.waitFor(`✔ Built ${name}:latest`, { timeoutMs: STEP_MS });
  const screen = await tmux.waitFor(
    (s) => /^● /.test(rowOrNone(s, name)) && localImageIdOf(rowOrNone(s, name)) !== undefined,
  );
  return localImageIdOf(rowOf(screen, name))!;
}

/** The deploy toast's text, whole (the terminal is wide enough for it). */
async function deployToast(name: string): Promise<string> {
  const screen = await tmux.waitFor(`✔ Deployed ${name}:`, { timeoutMs: STEP_MS });
  const toast = toastLines(screen, '✔').find((line) => line.startsWith(`✔ Deployed ${name}:`));
  return toast!.trimEnd();
}

describe('the terminal app with production in mind', () => {
  it(
    'deploys what the screen shows, keeps one row per responder and the cursor on it, and stops its containers on quit',
    async () => {
      tmux.start();
      let screen = await tmux.waitFor(
        (s) => /ago\)?$/.test(s.lines[0]!) && rowOrNone(s, aux) !== '',
      );

      // (a) Add `main`, build it, deploy it: the function is created and answers.
      await tmux.keys('n');
      await tmux.waitFor('Add a responder');
      await tmux.type(`${main}/handler.ts`);
      await tmux.keys('Enter');
      await tmux.waitFor('handler> handler');
      await tmux.keys('Enter');
      await tmux.waitFor(`✔ Added ${main} to lambdash.json.`);
      screen = await tmux.waitFor((s) => rowOrNone(s, main).startsWith(`▲ ${main} `));
      expect(rowOf(screen, main)).toMatch(new RegExp(`^▲ ${main} +— +— +—`));
      await moveCursorTo(main);

      const first = await build(main);
      await tmux.keys('c');
      expect(await deployToast(main)).toBe(
        `✔ Deployed ${main}: function created with image ${first}, already built from this source; health check passed (no test data).`,
      );
      screen = await tmux.waitFor((s) => rowOrNone(s, main).includes(`${main} Active`));
      expect(rowOf(screen, main)).not.toContain('⚠');
      expect(await functionAnswer(main)).toBe('Hello, Ada!');

      // (b) The greeting edited: the row says the source changed (▲), the function unchanged.
      setGreeting('Hello', 'Howdy');
      await tmux.keys('r');
      screen = await tmux.waitFor((s) => rowOrNone(s, main).startsWith(`▲ ${main} `));
      expect(rowOf(screen, main)).toContain(first);

      // Rebuilt (the cursor stays on it: (c)), edited again, rebuilt: still one row, showing
      // the newest image, its function marked as running older code.
      const second = await build(main);
      await expectCursorOn(main);
      setGreeting('Howdy', 'Hiya');
      await tmux.keys('r');
      await tmux.waitFor((s) => rowOrNone(s, main).startsWith(`▲ ${main} `));
      const third = await build(main);
      expect(new Set([first, second, third]).size).toBe(3);
      screen = await tmux.waitFor((s) => rowOrNone(s, main).includes('⚠ older code'));
      expect(rowsOf(screen, main)).toHaveLength(1);
      expect(rowOf(screen, main)).toMatch(
        new RegExp(`^● ${main} +${third} .* ${main} Active ⚠ older code`),
      );
      expect(olderRowsOf(screen, main)).toEqual([]);
      // The second build went when the third took its name (nothing else named it); the first
      // stays, pushed and deployed: the row's one older chain.
      expect(screen.text).not.toContain(second);
      expect(screen.text).toMatch(/2 rows · 1 older \(V shows\)/);

      // V: the older chain under the row, a dim `└` row; V again hides it.
      await tmux.keys('V');
      screen = await tmux.waitFor((s) => olderRowsOf(s, main).length > 0);
      const older = olderRowsOf(screen, main);
      expect(older).toHaveLength(1);
      expect(older[0]).toMatch(new RegExp(`^ └ ▲ ${main} +${first} .* ${main} Active`));
      expect(rowsOf(screen, main)).toHaveLength(1);
      expect(screen.text).toMatch(/2 rows · 1 older shown/);
      await expectCursorOn(main);
      await tmux.keys('V');
      screen = await tmux.waitFor((s) => olderRowsOf(s, main).length === 0);
      expect(rowsOf(screen, main)).toHaveLength(1);

      // (c) The cursor stays on `main` (second by name) through sorts and a cleared filter.
      screen = await tmux.waitFor(/sort responder ↑/);
      expect(screen.lines.findIndex((line) => line.startsWith(`▲ ${aux} `))).toBeLessThan(
        screen.lines.findIndex((line) => line.startsWith(`● ${main} `)),
      );
      await expectCursorOn(main);
      // By local image, newest first: `main` (built) moves up to the first row.
      await tmux.keys('o');
      screen = await tmux.waitFor(/sort local ↑/);
      expect(screen.text).toMatch(/ 1\/2\s*$/m);
      await expectCursorOn(main);
      // Reversed: `main` last again.
      await tmux.keys('O');
      screen = await tmux.waitFor(/sort local ↓/);
      expect(screen.text).toMatch(/ 2\/2\s*$/m);
      await expectCursorOn(main);
      // Filtered to `main` alone (its first row), then Esc: back at the second row.
      await tmux.keys('/');
      await tmux.type(main);
      await tmux.keys('Enter');
      await tmux.waitFor(`1 of 2 rows · filter "${main}"`);
      await expectCursorOn(main);
      await tmux.keys('Escape');
      screen = await tmux.waitFor(/^2 rows · 1 older \(V shows\) · sort local ↓ +2\/2$/m);
      await expectCursorOn(main);

      // (d) Edited once more, `c` on the changed row builds and deploys the new code.
      setGreeting('Hiya', 'Greetings');
      await tmux.keys('r');
      await tmux.waitFor((s) => rowOrNone(s, main).startsWith(`▲ ${main} `));
      await tmux.keys('c');
      const toast = await deployToast(main);
      const deployed = new RegExp(
        `^✔ Deployed ${main}: function updated with image ([0-9a-f]{12}), built now from the changed source; health check passed \\(no test data\\)\\.$`,
      ).exec(toast);
      expect(deployed, toast).not.toBeNull();
      const fourth = deployed![1]!;
      expect([first, second, third]).not.toContain(fourth);
      // The row shows the new image and the function running it once the refresh is in. Docker's
      // event brings the image first and the poll of AWS the function's update after it, so the
      // row may show `⚠ older code` for a moment between the two.
      screen = await tmux.waitFor(
        (s) => localImageIdOf(rowOrNone(s, main)) === fourth && !rowOrNone(s, main).includes('⚠'),
      );
      expect(rowOf(screen, main)).toMatch(new RegExp(`^● ${main} +${fourth} .* ${main} Active`));
      expect(rowOf(screen, main)).not.toContain('⚠');
      expect(rowsOf(screen, main)).toHaveLength(1);
      expect(await functionAnswer(main)).toBe('Greetings, Ada!');

      // (e) `aux`, built but never deployed: the REPL says its function is not deployed yet and
      // offers the local container instead, chosen.
      await moveCursorTo(aux);
      const auxImage = await build(aux);
      await tmux.keys('Enter');
      screen = await tmux.waitFor(`Invoke ${aux} →`);
      const target = screen.lines.find((line) => line.startsWith(`Invoke ${aux} →`))!;
      expect(target).toContain(`● local container of ${aux}:latest`);
      expect(target).toContain('✗ deployed function: not deployed yet (c deploys)');

      // (f) Invoked in a local container the app starts; quitting stops it.
      await tmux.keys('BSpace', 'BSpace');
      await tmux.type('{"name": "Ada"}');
      await tmux.waitFor('✓ valid JSON');
      await tmux.keys('C-s');
      screen = await tmux.waitFor('"message": "Hello, Ada!"', { timeoutMs: STEP_MS });
      const running = (await getAllContainers()).filter(
        (container) => container.running && container.image.includes(auxImage),
      );
      expect(running).toHaveLength(1);
      await tmux.keys('Escape');
      await tmux.waitFor(/RESPONDER +LOCAL IMAGE/);
      await tmux.keys('q');
      await tmux.waitFor('EXITED 0');
      const left = (await getAllContainers({ all: true })).filter(
        (container) => container.id === running[0]!.id,
      );
      expect(left).toEqual([]);
    },
    10 * STEP_MS,
  );
});
