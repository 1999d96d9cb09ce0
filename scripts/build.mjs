// Builds what ships: the runtime as small ES-module files with no dependencies (copied into
// every image), split so that runtime mode never loads the emulator's code.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

await rm(`${root}dist/runtime`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { bootstrap: 'runtime/bootstrap.ts', index: 'runtime/index.ts' },
  outdir: 'dist/runtime',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
