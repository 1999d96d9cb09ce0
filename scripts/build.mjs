// Builds what ships. The runtime is one CommonJS file with no dependencies (copied into every
// image): Node starts a CommonJS entry sooner than an ES module one, and one file means one
// read. Code only the emulator or streaming handlers need is bundled but evaluated lazily.
// The helpers handler code imports (`lambdash/runtime`) are an ES module of their own, and so
// is the library (`lambdash`), with its npm dependencies left to the package's node_modules.
//
// Each output file is replaced atomically (written beside it, then renamed over it) and only
// when it changed: tests or an emulator running from dist/ never see a file missing or half
// written while someone rebuilds.
//
// `--types` also writes the package's type declarations (tsconfig.build.json, into dist/types):
// `npm pack` and `npm publish` ask for them (prepack); running from the tree does not need them,
// and a type check of the whole library would add seconds to every build.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { coreEntryImports } from './core-entry-imports.mjs';
import { terminalAppPackages } from './terminal-app-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/** Every file this build wrote (or found unchanged), to tell stale chunks from current ones. */
const written = new Set();

async function build(options) {
  const result = await esbuild(options);
  for (const file of result.outputFiles) {
    written.add(file.path);
    const current = await readFile(file.path).catch(() => undefined);
    if (current?.equals(file.contents)) continue;
    await mkdir(path.dirname(file.path), { recursive: true });
    const temporary = `${file.path}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
}

/**
 * The declarations of the public entries (and what they import), from scratch: a file removed
 * from the sources must not linger in the package. A type error fails the build.
 */
async function buildTypes() {
  await rm(path.join(root, 'dist/types'), { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error('build: the type declarations did not build (the errors are above)');
  }
}

await Promise.all([
  process.argv.includes('--types') ? buildTypes() : undefined,
  build({
    ...common,
    entryPoints: ['runtime/bootstrap.ts'],
    outfile: 'dist/runtime/bootstrap.cjs',
    format: 'cjs',
    // The sources are ES modules; in CommonJS their import.meta.url is this file's URL.
    define: { 'import.meta.url': '__lambdashFileUrl' },
    banner: { js: 'const __lambdashFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    entryPoints: ['runtime/index.ts'],
    outfile: 'dist/runtime/index.mjs',
    format: 'esm',
  }),
  build({
    ...common,
    entryPoints: ['src/core/index.ts'],
    outfile: 'dist/core/index.js',
    format: 'esm',
    packages: 'external',
  }),
  // `npm run cloud` (main.js), and the local cloud as a library (`lambdash/localcloud`).
  build({
    ...common,
    entryPoints: ['src/localcloud/main.ts', 'src/localcloud/index.ts'],
    outdir: 'dist/localcloud',
    format: 'esm',
    packages: 'external',
  }),
  // The terminal app, which the command line imports only when it opens it. Its first frame
  // must come quickly: ink, React and the other packages the views use are bundled (one file
  // loads many times faster than the hundreds ink is made of), while the core's packages (the
  // AWS SDK, dockerode...) stay external and load in chunks of their own after the first frame.
  build({
    ...common,
    entryPoints: ['src/tui/run-app.tsx'],
    outdir: 'dist/tui',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    format: 'esm',
    jsx: 'automatic',
    plugins: [terminalAppPackages, coreEntryImports],
    // React's production build: its development build checks every render and loads slower.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Bundled CommonJS packages (React) require Node's built-ins.
    banner: {
      js: 'import { createRequire as __lambdashRequire } from "node:module"; const require = __lambdashRequire(import.meta.url);',
    },
  }),
  // The `lambdash` command (bin/lambdash.js): the command line, and the terminal app it opens.
  // Split: opening the app loads main.js alone, the subcommands load the command line's chunk.
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outdir: 'dist/cli',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    format: 'esm',
    packages: 'external',
    jsx: 'automatic',
    plugins: [coreEntryImports],
  }),
]);

// Chunks are named by their content, so every change leaves the old ones behind. A process
// started before a rebuild may still load one later (the app loads the local cloud's only when
// it connects), so a chunk goes only ten minutes after the build that stopped using it: each
// build marks the chunks it no longer wants (their mtime) and removes those marked long enough.
const STALE_AFTER_MS = 10 * 60 * 1000;
for (const folder of ['dist/tui/chunks', 'dist/cli/chunks']) {
  const dir = path.join(root, folder);
  const listFile = path.join(dir, '.current.json');
  const previous = new Set(JSON.parse(await readFile(listFile, 'utf8').catch(() => '[]')));
  const current = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const file = path.join(dir, name);
    if (name === '.current.json') continue;
    if (written.has(file)) {
      current.push(name);
    } else if (previous.has(name)) {
      // Wanted until this build: the ten minutes start now.
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
    } else {
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_AFTER_MS) await rm(file, { force: true });
    }
  }
  if (current.length > 0) await writeFile(listFile, `${JSON.stringify(current.sort())}\n`);
}
