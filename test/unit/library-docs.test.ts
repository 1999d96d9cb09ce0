// docs/library.md names the library's functions in code spans (`getResponder(source…)`); each
// must be one the package exports, so a rename or a removal that forgets the page fails here.
// The exports are read from the entries' syntax trees (importing the core would load it all).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedValues } from '../support/exported-values.js';
import { repoRoot } from '../support/paths.js';

interface Called {
  readonly name: string;
  /** The page's line where the code span starts. */
  readonly line: string;
}

/** Every inline code span of the page that starts with a call: `name(`. */
function calledInCodeSpans(page: string): Called[] {
  // Fenced blocks are examples with names of their own (draw, render…); spans may wrap lines.
  const prose = page.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, ''));
  const lines = prose.split('\n');
  const called: Called[] = [];
  for (const match of prose.matchAll(/`([^`]+)`/g)) {
    const name = /^([A-Za-z_$][\w$]*)\(/.exec(match[1]!)?.[1];
    if (!name) continue;
    const lineNumber = prose.slice(0, match.index).split('\n').length - 1;
    called.push({ name, line: lines[lineNumber]! });
  }
  return called;
}

describe('docs/library.md', () => {
  it('names only functions the package exports', () => {
    const page = readFileSync(path.join(repoRoot, 'docs', 'library.md'), 'utf8');
    const core = exportedValues('src/core/index.ts');
    const localCloud = exportedValues('src/localcloud/index.ts');
    const called = calledInCodeSpans(page);
    // The page documents the whole library: a reader that found almost nothing is broken.
    expect(new Set(called.map((c) => c.name)).size).toBeGreaterThan(60);
    const unknown = called
      .filter(
        ({ name, line }) =>
          !core.has(name) &&
          // Where the page speaks of `lambdash/localcloud`, its names are that entry's.
          !(line.includes('lambdash/localcloud') && localCloud.has(name)),
      )
      .map(({ name, line }) => `${name} in: ${line.trim()}`);
    expect(unknown).toEqual([]);
  });

  it('documents the invoke and delete workflows and the Docker client', () => {
    const page = readFileSync(path.join(repoRoot, 'docs', 'library.md'), 'utf8');
    const documented = new Set(calledInCodeSpans(page).map((c) => c.name));
    for (const name of [
      'invokeEntry',
      'invokePlace',
      'localContainersOf',
      'deleteEntry',
      'findEntryParts',
      'deleteEntryParts',
      'partsOf',
      'inDeleteOrder',
      'setDefaultDocker',
      'getDefaultDocker',
    ]) {
      expect(documented, name).toContain(name);
    }
  });
});
