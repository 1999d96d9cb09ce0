// Makes docs/screen.png, the README's picture of the app, from a real run: three copies of the
// examples in a project, one deployed, one built then edited (its source changed since), one
// being built while the screen is captured. Runs only when asked (it rewrites a file in docs/):
// LAMBDASH_SCREENSHOT=1 npx vitest run test/e2e/tui/screenshot.test.ts (needs rsvg-convert,
// from Debian's librsvg2-bin).
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';
import { screenToSvg } from './screen-svg.js';
import { removeImagesOf, Tmux } from './tmux.js';

const COLUMNS = 104;
const ROWS = 15;
const NAMES = { deployed: 'shop-greeter', changed: 'shop-orders', building: 'shop-thumbnails' };
const STEP_MS = 180_000;

let cloud: TestTarget | undefined;
let tmux: Tmux | undefined;
let root: string | undefined;

afterAll(async () => {
  tmux?.stop();
  await cloud?.stop();
  await removeImagesOf(Object.values(NAMES));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the README picture', () => {
  it.skipIf(!process.env.LAMBDASH_SCREENSHOT)(
    'captures the app at work and writes docs/screen.png',
    async () => {
      cloud = await startTestTarget();
      root = mkdtempSync(path.join(os.tmpdir(), 'lambdash-screenshot-'));
      const project = path.join(root, 'project');
      const home = path.join(root, 'home');
      mkdirSync(path.join(home, 'config'), { recursive: true });
      cpSync(path.join(repoRoot, 'examples/hello-ts'), path.join(project, NAMES.deployed), {
        recursive: true,
      });
      cpSync(path.join(repoRoot, 'examples/http-api'), path.join(project, NAMES.changed), {
        recursive: true,
      });
      cpSync(path.join(repoRoot, 'examples/hello-js'), path.join(project, NAMES.building), {
        recursive: true,
      });
      writeFileSync(
        path.join(project, 'lambdash.json'),
        `${JSON.stringify(
          {
            responders: [
              { name: NAMES.deployed, source: `${NAMES.deployed}/handler.ts` },
              { name: NAMES.changed, source: `${NAMES.changed}/handler.ts` },
              { name: NAMES.building, source: `${NAMES.building}/handler.mjs` },
            ],
          },
          null,
          2,
        )}\n`,
      );
      tmux = new Tmux({
        columns: COLUMNS,
        rows: ROWS,
        cwd: project,
        command: `${process.execPath} ${path.join(repoRoot, 'bin/lambdash.js')} --endpoint ${cloud.target.endpoint}`,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          LAMBDASH_CONFIG_DIR: path.join(home, 'config'),
          TERM: 'xterm-256color',
          LANG: 'C.UTF-8',
          ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
        },
      });
      tmux.start();
      await tmux.waitFor(`▲ ${NAMES.deployed}`);
      // Only the project's rows (the engine holds other images): shop-greeter, shop-orders,
      // shop-thumbnails, by name.
      await tmux.keys('/');
      await tmux.waitFor('/ filter:');
      await tmux.type('shop-');
      await tmux.keys('Enter');
      await tmux.waitFor('3 of');
      await tmux.keys('b');
      await tmux.waitFor(`✔ Built ${NAMES.deployed}`, { timeoutMs: STEP_MS });
      await tmux.keys('c');
      await tmux.waitFor(`✔ Deployed ${NAMES.deployed}`, { timeoutMs: STEP_MS });
      await tmux.keys('j', 'b');
      await tmux.waitFor(`✔ Built ${NAMES.changed}`, { timeoutMs: STEP_MS });
      appendFileSync(
        path.join(project, NAMES.changed, 'handler.ts'),
        '\n// edited since its build\n',
      );
      await tmux.keys('r');
      await tmux.waitFor(`▲ ${NAMES.changed}`);
      await tmux.waitFor((s) => !s.text.includes('Refreshing'));
      await tmux.keys('j', 'b');
      const screen = await tmux.waitFor(
        (s) => /⟳ build shop-thumbnails .*step [2-5]\/6/.test(s.text),
        {
          escapes: true,
          timeoutMs: STEP_MS,
        },
      );
      expect(screen.text).toContain(`● ${NAMES.deployed}`);

      const svg = path.join(root, 'screen.svg');
      writeFileSync(svg, screenToSvg(screen.text, COLUMNS, ROWS, 'lambdash'));
      execFileSync('rsvg-convert', [
        '--format',
        'png',
        '--zoom',
        '1.5',
        '--output',
        path.join(repoRoot, 'docs/screen.png'),
        svg,
      ]);
      await tmux.waitFor(`✔ Built ${NAMES.building}`, { timeoutMs: STEP_MS });
    },
    10 * STEP_MS,
  );
});
