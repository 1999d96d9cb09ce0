// Keys that arrive together never reach a view that is no longer in front: the built binary in
// tmux against a private local cloud, a project with one responder (which `b` would build and
// `n`, `h` would open dialogs over). Right after `:` or `/` (a few milliseconds later, as over a
// slow link, or in the same read), a paste (tmux's paste buffer) and a burst of keys (one
// send-keys call) must all land in the prompt: no dialog opens, no operation starts, and the
// prompt shows what was typed. Ctrl-C still quits at the end.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { hasTmux, removeImagesOf, type Screen, Tmux } from './tmux.js';

const COLUMNS = 80;
const ROWS = 24;
/** What a key that leaked to the table would put on the screen. */
const LEAKED = /⟳ |Add a responder|Command log|Details: |cannot run|not available|✖ |✔ |Delete /;

let cloud: TestTarget;
let root: string;
let tmux: Tmux;
const name = `keys-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  if (!hasTmux()) {
    throw new Error(
      'tmux is not installed: run `bash scripts/provision.sh` as root (it installs it).',
    );
  }
  cloud = await startTestTarget();
  root = mkdtempSync(path.join(os.tmpdir(), 'lambdash-keys-e2e-'));
  const project = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(path.join(home, 'config'), { recursive: true });
  writeFileSync(path.join(home, 'config', 'settings.json'), '{}');
  cpSync(path.join(repoRoot, 'examples', 'hello-ts'), path.join(project, name), {
    recursive: true,
  });
  writeFileSync(
    path.join(project, 'lambdash.json'),
    JSON.stringify({ responders: [{ name, source: `${name}/handler.ts` }] }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LAMBDASH_CONFIG_DIR: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
  };
  for (const variable of ['DOCKER_HOST', 'DOCKER_API_VERSION', 'XDG_CACHE_HOME']) {
    const value = process.env[variable];
    if (value) env[variable] = value;
  }
  tmux = new Tmux({
    columns: COLUMNS,
    rows: ROWS,
    cwd: project,
    command: `${process.execPath} ${path.join(repoRoot, 'bin', 'lambdash.js')} --endpoint ${cloud.target.endpoint}`,
    env,
  });
}, 120_000);

afterAll(async () => {
  tmux?.stop();
  await removeImagesOf([name]);
  await cloud?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The line below the table: the prompt being typed, or counts and sort. */
const statusLine = (screen: Screen) =>
  screen.lines.find((line) => /^[:/]|^\d+ (of \d+ )?rows? · /.test(line)) ?? '';

/** Waits for the prompt to show `text`, failing at once if a key reached the table instead. */
async function expectPrompt(text: string): Promise<void> {
  const screen = await tmux.waitFor((s) => statusLine(s).trimEnd() === text, { failOn: LEAKED });
  expect(screen.text).not.toMatch(LEAKED);
}

/** The status line shows the counts: no prompt is open. */
async function tableHasKeys(): Promise<void> {
  await tmux.waitFor((s) => /^\d+ (of \d+ )?rows? · /.test(statusLine(s)), { failOn: LEAKED });
}

/** Esc leaves the prompt (and clears what it typed). */
async function leavePrompt(): Promise<void> {
  await tmux.keys('Escape');
  await tableHasKeys();
}

describe('keys sent together in the terminal app', () => {
  it('go to the prompt that : or / opened, pasted or sent in one burst', async () => {
    tmux.start();
    // Connected, and the project's responder in the table.
    await tmux.waitFor((s) => /ago\)?$/.test(s.lines[0]!) && s.text.includes(name));
    await tableHasKeys();

    // `b` would build the row, `c` deploy it: both belong to the command line.
    tmux.burst(':');
    tmux.paste('bcx');
    await expectPrompt(':bcx');
    await leavePrompt();

    // `h` would open the command log.
    tmux.burst(':');
    tmux.burst('h', 'x', 'y', 'z');
    await expectPrompt(':hxyz');
    await leavePrompt();

    // `n` would open the add dialog: here it filters.
    tmux.burst('/');
    tmux.paste('new');
    await expectPrompt('/new');
    await leavePrompt();
    tmux.burst('/');
    tmux.burst('n', 'e', 'w');
    await expectPrompt('/new');
    await leavePrompt();
    // And all in one: the key that opens the prompt and the keys after it in one read.
    tmux.paste(':bcx');
    await expectPrompt(':bcx');
    await leavePrompt();
    tmux.burst('/', 'n', 'e', 'w');
    await expectPrompt('/new');
    expect(tmux.screen().text).toContain('No row matches "new"');
    await leavePrompt();

    tmux.burst('C-c');
    await tmux.waitFor('EXITED 0');
  }, 120_000);
});
