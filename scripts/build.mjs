// Builds what ships. The runtime is one CommonJS file with no dependencies (copied into every
// image): Node starts a CommonJS entry sooner than an ES module one, and one file means one
// read. Code only the emulator or streaming handlers need is bundled but evaluated lazily.
// The helpers handler code imports (`lambdash/runtime`) are an ES module of their own, and so
// is the library (`lambdash`), with its npm dependencies left to the package's node_modules.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
};

await rm(`${root}dist/runtime`, { recursive: true, force: true });
await rm(`${root}dist/core`, { recursive: true, force: true });
await rm(`${root}dist/localcloud`, { recursive: true, force: true });
await Promise.all([
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
]);
