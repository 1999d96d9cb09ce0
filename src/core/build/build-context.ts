// The build context of an image: a folder holding what the Dockerfile copies (Dockerfile,
// runtime/, node_modules/, function/, warmup/) and nothing else lambdash sends. A temporary
// folder by default; a folder of the user's with buildAt, of which only lambdash's own entries
// are ever replaced.
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LambdashError } from '../common/errors.js';
import { runtimeDistDir } from '../common/paths.js';
import type { Responder } from '../responder/responder.js';

/** What lambdash writes into a build context, and all it sends to the engine. */
export const CONTEXT_ENTRIES = [
  'Dockerfile',
  'runtime',
  'node_modules',
  'function',
  'warmup',
] as const;

/** Marks a buildAt folder as lambdash's, so a later build may replace what it wrote there. */
const CONTEXT_MARKER = '.lambdash-build-context';

/** The runtime every image carries must have been built (`npm run build`) before any build. */
export function checkRuntimeBuilt(): void {
  if (!existsSync(path.join(runtimeDistDir, 'bootstrap.cjs'))) {
    throw new LambdashError(
      'BUILD_FAILED',
      `lambdash's runtime is not built: ${runtimeDistDir} has no bootstrap.cjs.`,
      'Run `npm run build` in the lambdash folder, then build again.',
    );
  }
}

/**
 * A buildAt folder must never cost the user a file: it may not hold the responder (its code,
 * or the node_modules beside it, would be replaced), and it must be new, empty, or marked by an
 * earlier build, since a build replaces its runtime/, node_modules/, function/ and Dockerfile.
 */
export async function checkBuildAt(buildAt: string, responder: Responder): Promise<string> {
  const wanted = path.resolve(buildAt);
  const info = await stat(wanted).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new LambdashError(
      'INVALID_OPTION',
      `buildAt ${wanted} is a file, not a folder.`,
      'Give a folder for the build context (an empty one, or one lambdash built in before).',
    );
  }
  const dir = info ? await realpath(wanted) : wanted;
  const code = await Promise.all(
    [responder.root, responder.entry].map((p) => realpath(p).catch(() => path.resolve(p))),
  );
  if (code.some((file) => isWithin(dir, file))) {
    throw new LambdashError(
      'INVALID_OPTION',
      `buildAt ${wanted} holds the responder's own code (${responder.root}).`,
      'Give a folder outside the code, such as a new "build" folder beside it: a build replaces what it writes there.',
    );
  }
  if (info) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(CONTEXT_MARKER)) {
      throw new LambdashError(
        'INVALID_OPTION',
        `buildAt ${wanted} is not empty, and no earlier lambdash build used it.`,
        'Give a new or empty folder for the build context: a build replaces its runtime/, node_modules/, function/ and Dockerfile.',
      );
    }
  }
  return dir;
}

/** Removes what an earlier build wrote into a buildAt folder, and nothing else. */
export async function clearBuildAt(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    CONTEXT_ENTRIES.map((entry) => rm(path.join(dir, entry), { recursive: true, force: true })),
  );
  await writeFile(
    path.join(dir, CONTEXT_MARKER),
    'A lambdash build context: each build replaces Dockerfile, runtime/, node_modules/, function/ and warmup/ here.\n',
  );
}

/** True when file is dir itself or lies below it. */
function isWithin(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
