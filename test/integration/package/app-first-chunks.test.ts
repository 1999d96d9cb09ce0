// The terminal app draws its first frame before the core's packages load: the files run-app.js
// imports statically must not import the AWS SDK or dockerode. The command line and the app
// import the core through its entries, which esbuild's code splitting would otherwise put
// whole into the first chunk (scripts/core-entry-imports.mjs is what prevents it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';

const STATIC_IMPORT = /(?:^|[;\n])\s*(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']/g;

/** Every file the entry loads before its code runs, and the packages those files import. */
function staticGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (specifier!.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier!));
      else packages.add(specifier!);
    }
  }
  return { files, packages };
}

it("the app's first chunks load no AWS SDK and no dockerode", () => {
  const { files, packages } = staticGraph(path.join(repoRoot, 'dist/tui/run-app.js'));
  expect(files.length).toBeGreaterThan(1);
  expect(packages).toContain('node:fs');
  const heavy = [...packages].filter((name) => /^(@aws-sdk\/|@smithy\/|dockerode)/.test(name));
  expect(heavy).toEqual([]);
});

it("the command line's own entry loads no core package before it knows what to run", () => {
  const { packages } = staticGraph(path.join(repoRoot, 'dist/cli/main.js'));
  const heavy = [...packages].filter((name) =>
    /^(@aws-sdk\/|@smithy\/|dockerode|esbuild)/.test(name),
  );
  expect(heavy).toEqual([]);
});
