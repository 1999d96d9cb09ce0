// Terminal app benchmark: time to first frame (spawn → the first frame on a pseudo-terminal)
// of the `lambdash` command and of the app alone, against a bare ink app and bare Node; the
// redraw after a keypress with 10, 100 and 1,000 lineage rows, against the same rows in a plain
// @alcalzone/ink-table; and memory. Run with `npx vite-node bench/tui.ts` (after a build);
// figures go to docs/benchmarks.md. Targets: first frame within 500 ms, a keypress on 1,000
// rows redrawn within 30 ms.
//
// The redraw is measured in this process, on the app bundled as it ships (ink and React's
// production build in the bundle, scripts/terminal-app-packages.mjs): from the key written to
// the app's input to the frame written to its output, keys 60 ms apart (ink draws at most 30
// frames a second; a key after a quiet moment is drawn at once).
import { execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { build } from 'esbuild';
import { terminalAppPackages } from '../scripts/terminal-app-packages.mjs';
import { median, writeBenchmarkSection } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_TUI_RUNS ?? 7);
const PRESSES = Number(process.env.BENCH_TUI_PRESSES ?? 40);
const COLUMNS = 120;
const ROWS = 40;

/**
 * ms from spawning `command` on a pseudo-terminal to output containing `marker`, and the
 * resident memory (MB) of the program 1.5 s later (the app has loaded the core and drawn the
 * table by then).
 */
function firstFrame(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  marker: string,
): Promise<{ ms: number; rssMb: number | undefined }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      'script',
      ['-qfec', `stty cols ${COLUMNS} rows ${ROWS}; exec ${command}`, '/dev/null'],
      { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] },
    );
    let output = '';
    let ms: number | undefined;
    let rssMb: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ms !== undefined || !output.includes(marker)) return;
      ms = performance.now() - start;
      setTimeout(() => {
        rssMb = residentMb(child.pid);
        // q quits the app; the others have ended by themselves.
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGTERM'), 2000).unref();
      }, 1500);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (ms === undefined) {
        reject(new Error(`${command} never drew "${marker}":\n${output.slice(-500)}`));
      } else resolve({ ms, rssMb });
    });
  });
}

/** VmRSS of the program `script` runs (its child), in MB; undefined once it has ended. */
function residentMb(scriptPid: number | undefined): number | undefined {
  try {
    const pid = execFileSync('pgrep', ['-P', String(scriptPid)], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A terminal for ink in this process: a TTY of a fixed size whose frames are timed. */
class TimedTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  lastWrite = 0;
  writes = 0;
  write = (_chunk: string) => {
    this.lastWrite = performance.now();
    this.writes++;
    return true;
  };
}

/** Keys for ink in this process, as a TTY's stdin delivers them. */
class KeyInput extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  setEncoding() {}
  setRawMode() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
  read = () => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  press(key: string) {
    this.pending = key;
    this.emit('readable');
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The heap in use after a full collection. */
function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Median ms from a keypress to the next frame, over PRESSES presses (j and k in turns), and the
 * heap the rendered view holds.
 */
async function keypressRedraw(render: (stdout: TimedTerminal, stdin: KeyInput) => () => void) {
  const stdout = new TimedTerminal();
  const stdin = new KeyInput();
  const before = heapUsed();
  const unmount = render(stdout, stdin);
  await pause(500);
  const samples: number[] = [];
  for (let i = 0; i < PRESSES; i++) {
    const writes = stdout.writes;
    const start = performance.now();
    stdin.press(i % 4 < 2 ? 'j' : 'k');
    while (stdout.writes === writes && performance.now() - start < 5000) await pause(0);
    samples.push(stdout.lastWrite - start);
    await pause(60);
  }
  const heap = heapUsed() - before;
  unmount();
  return { ms: median(samples), heap };
}

/** The app and its peer table, bundled as the app ships. */
async function bundledApp() {
  const outfile = path.join(root, 'dist', 'bench', 'tui-bench.mjs');
  await build({
    stdin: {
      contents: [
        "export * as React from 'react';",
        "export { render, useInput } from 'ink';",
        "export { Table } from '@alcalzone/ink-table';",
        "export { App } from './src/tui/app.tsx';",
        "export { KeyboardProvider } from './src/tui/keyboard.tsx';",
        "export { createStore } from './src/tui/services.ts';",
        "export { openSettings } from './src/tui/settings.ts';",
        "export { rowName } from './src/tui/lineage-columns.ts';",
        "export { watchLineage } from './src/core/lineage/watch.ts';",
        "export { manyRows } from './test/unit/tui/rows.ts';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    jsx: 'automatic',
    outfile,
    logLevel: 'warning',
    plugins: [terminalAppPackages],
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: 'import { createRequire as __lambdashRequire } from "node:module"; const require = __lambdashRequire(import.meta.url);',
    },
  });
  return (await import(outfile)) as BundledApp;
}

interface BundledApp {
  readonly React: typeof import('react');
  readonly render: typeof import('ink').render;
  readonly useInput: typeof import('ink').useInput;
  readonly Table: typeof import('@alcalzone/ink-table').Table;
  readonly App: typeof import('../src/tui/app.js').App;
  readonly KeyboardProvider: typeof import('../src/tui/keyboard.js').KeyboardProvider;
  readonly createStore: typeof import('../src/tui/services.js').createStore;
  readonly openSettings: typeof import('../src/tui/settings.js').openSettings;
  readonly rowName: typeof import('../src/tui/lineage-columns.js').rowName;
  readonly watchLineage: typeof import('../src/core/lineage/watch.js').watchLineage;
  readonly manyRows: typeof import('../test/unit/tui/rows.js').manyRows;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  const {
    React,
    render,
    useInput,
    Table,
    App,
    KeyboardProvider,
    createStore,
    openSettings,
    watchLineage,
    manyRows,
    rowName,
  } = await bundledApp();
  const { startLocalCloud } = await import('../src/localcloud/index.js');

  const temp = mkdtempSync(path.join(os.tmpdir(), 'lambdash-bench-tui-'));
  const cloud = await startLocalCloud({ port: 0, dataDir: path.join(temp, 'cloud') });
  try {
    // --- First frame.
    const project = path.join(temp, 'project');
    execFileSync('mkdir', ['-p', project, path.join(temp, 'config')]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: temp,
      LAMBDASH_CONFIG_DIR: path.join(temp, 'config'),
      TERM: 'xterm-256color',
    };
    delete env.CI;
    delete env.NODE_ENV;
    const launcher = path.join(temp, 'launch.mjs');
    writeFileSync(
      launcher,
      `const { runApp } = await import(${JSON.stringify(path.join(root, 'dist/tui/run-app.js'))});\nprocess.exitCode = await runApp({ endpoint: ${JSON.stringify(cloud.endpoint)} });\n`,
    );
    const peer = path.join(root, 'dist', 'bench-ink-peer.mjs');
    writeFileSync(
      peer,
      "import { createElement } from 'react';\nimport { render, Text } from 'ink';\nconst app = render(createElement(Text, null, 'lambdash'));\nsetTimeout(() => app.unmount(), 200);\n",
    );
    const peers = {
      lambdash: `${process.execPath} ${path.join(root, 'bin/lambdash.js')} --endpoint ${cloud.endpoint}`,
      app: `${process.execPath} ${launcher}`,
      ink: `${process.execPath} ${peer}`,
      node: `${process.execPath} -e "process.stdout.write('lambdash')"`,
    };
    const none = () => ({ lambdash: [], app: [], ink: [], node: [] });
    const frames: Record<keyof typeof peers, number[]> = none();
    const rss: Record<keyof typeof peers, number[]> = none();
    for (let run = 0; run < RUNS; run++) {
      for (const [name, command] of Object.entries(peers) as [keyof typeof peers, string][]) {
        const { ms, rssMb } = await firstFrame(command, project, env, 'lambdash');
        frames[name].push(ms);
        if (rssMb !== undefined) rss[name].push(rssMb);
      }
    }
    rmSync(peer, { force: true });
    rmSync(path.join(root, 'dist', 'bench'), { recursive: true, force: true });

    // --- Keypress redraw and memory, in this process.
    const settings = openSettings({ cwd: path.join(temp, 'config') });
    const session = createStore({
      target: {
        status: 'connected' as const,
        target: undefined,
        description: 'local cloud',
        error: undefined,
      },
      engine: { version: '28.1.1', error: undefined },
      projectFile: undefined,
      projectError: undefined,
    });
    const never = () => new Promise<string>(() => undefined);
    const actions = {
      build: never,
      test: never,
      push: never,
      deploy: never,
      remove: never,
      addResponder: never,
    };
    const redraw: {
      rows: number;
      app: number;
      table: number;
      appHeap: number;
      tableHeap: number;
    }[] = [];
    // The first render in a process also fills caches once (ink's, React's): a pass at 10 rows
    // goes first, unrecorded, so the heap figures are what each table holds.
    for (const count of [0, 10, 100, 1000]) {
      const rows = manyRows(count || 10);
      const watch = watchLineage({
        load: async () => rows,
        dockerEvents: false,
        intervalMs: 3_600_000,
      });
      await watch.refresh();
      const app = await keypressRedraw((stdout, stdin) => {
        const instance = render(
          // As run-app renders it: the keyboard provider is the one reader of stdin.
          React.createElement(
            KeyboardProvider,
            null,
            React.createElement(App, {
              services: { watch, actions, session, settings, reconnect: () => undefined },
              projectDir: project,
              onExit: () => undefined,
            }),
          ),
          {
            stdout: stdout as never,
            stdin: stdin as never,
            exitOnCtrlC: false,
            patchConsole: false,
          },
        );
        return () => instance.unmount();
      });
      watch.close();
      const data = rows.map((row) => ({
        responder: rowName(row),
        local: row.localImage?.id.slice(7, 19) ?? '',
        remote: row.remoteImage?.digest.slice(7, 19) ?? '',
        function: row.lambdaFunction?.name ?? '',
      }));
      function PlainTable() {
        const [selected, setSelected] = React.useState(0);
        useInput((input) => setSelected((at) => Math.max(0, at + (input === 'j' ? 1 : -1))));
        const rowsNow = data.map((row, index) => ({ ' ': index === selected ? '>' : '', ...row }));
        return React.createElement(Table as unknown as React.FC<{ data: typeof rowsNow }>, {
          data: rowsNow,
        });
      }
      const table = await keypressRedraw((stdout, stdin) => {
        const instance = render(React.createElement(PlainTable), {
          stdout: stdout as never,
          stdin: stdin as never,
          exitOnCtrlC: false,
          patchConsole: false,
        });
        return () => instance.unmount();
      });
      if (count === 0) continue;
      redraw.push({
        rows: count,
        app: app.ms,
        table: table.ms,
        appHeap: app.heap,
        tableHeap: table.heap,
      });
    }

    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const memory = (name: keyof typeof peers) =>
      rss[name].length ? median(rss[name]).toFixed(0) : '–';
    const f = (ms: number) => ms.toFixed(1);
    const first = Object.fromEntries(
      Object.entries(frames).map(([name, list]) => [name, median(list)]),
    ) as Record<keyof typeof peers, number>;
    const at1000 = redraw.find((entry) => entry.rows === 1000)!;
    const body = [
      `${RUNS} runs of each, alternating; a ${COLUMNS}x${ROWS} pseudo-terminal (\`script\`); ${PRESSES} keypresses per`,
      `table, 60 ms apart. Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| program | spawn → first frame, median (ms) | resident memory 1.5 s later (MB) |',
      '|---|---|---|',
      `| \`lambdash\` (the installed command, opening the app) | ${f(first.lambdash)} | ${memory('lambdash')} |`,
      `| the app alone (\`runApp\` from dist/tui/run-app.js) | ${f(first.app)} | ${memory('app')} |`,
      `| peer: a bare ink app drawing one line (ink from node_modules) | ${f(first.ink)} | – |`,
      `| floor: Node printing one line | ${f(first.node)} | – |`,
      '',
      '| lineage rows | keypress → frame, lambdash (ms) | same, plain ink-table (ms) | heap held, lambdash (MB) | same, ink-table (MB) |',
      '|---|---|---|---|---|',
      ...redraw.map(
        (entry) =>
          `| ${entry.rows} | ${f(entry.app)} | ${f(entry.table)} | ${mb(entry.appHeap)} | ${mb(entry.tableHeap)} |`,
      ),
      '',
      `- first frame of the app alone: **${f(first.app)} ms** (target 500 ms), against ${f(first.ink)} ms for a bare ink app loading ink from node_modules: the app is bundled (ink and React in one file) and draws its first frame before loading the core`,
      `- \`lambdash\` / app alone = **${(first.lambdash / first.app).toFixed(2)}**: \`lambdash\` alone reads its few options and loads the app's bundle, never the command line (src/cli/open-app.ts)`,
      `- keypress on 1,000 rows: **${f(at1000.app)} ms** (target 30 ms); the plain table takes ${f(at1000.table)} ms (**${(at1000.table / at1000.app).toFixed(1)}×**), since it lays out every row and its frame is taller than the terminal, which makes ink clear and redraw the whole screen`,
      '',
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeBenchmarkSection(
      'tui',
      'Terminal app: first frame, keypress redraw, memory (issue 6)',
      body,
    );
  } finally {
    await cloud.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
