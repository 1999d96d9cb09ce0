// Bundling a source the way the build does (responder, then bundle) into a fresh temp folder,
// shared by the unit tests of the bundle and the integration tests that install packages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { bundleResponder } from '../../src/core/build/bundle.js';
import { LambdashError } from '../../src/core/common/errors.js';
import type { LambdashEvent } from '../../src/core/common/events.js';
import { getResponder, type ResponderOptions } from '../../src/core/responder/responder.js';
import { makeTempDir } from './temp-tree.js';

/** The LambdashError a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<LambdashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdashError);
  return error as LambdashError;
}

/** Bundles a source (file, folder or git URL) into a new temp folder. */
export async function bundle(
  source: string,
  options: ResponderOptions & Parameters<typeof bundleResponder>[2] = {},
) {
  const { sourcemap, minify, nodeMajor, ...responderOptions } = options;
  const events: LambdashEvent[] = [];
  // Events of both: a git source's packages are installed as the responder is read.
  const responder = await getResponder(source, {
    ...responderOptions,
    onEvent: (event) => events.push(event),
  });
  const out = path.join(makeTempDir('lambdash-bundle-'), 'out');
  const result = await bundleResponder(responder, out, {
    sourcemap,
    minify,
    nodeMajor,
    onEvent: (event) => events.push(event),
  });
  return {
    responder,
    result,
    events,
    out,
    code: readFileSync(path.join(out, result.file), 'utf8'),
  };
}
