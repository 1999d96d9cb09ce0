// The type check's parts that run no compiler: which entries it checks, and cancellation. The
// checks themselves (the real compiler in its worker) are in test/integration/core/typecheck.test.ts.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTypeScriptEntry, typecheckResponder } from '../../../src/core/build/typecheck.js';
import { isLambdashError } from '../../../src/core/common/errors.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

describe('typecheckResponder', () => {
  it('stops waiting at once when cancelled', async () => {
    const dir = writeTree(makeTempDir(), { 'handler.ts': 'export const handler = () => 1;\n' });
    const responder = await getResponder(path.join(dir, 'handler.ts'));
    const error = await typecheckResponder(responder, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(isLambdashError(error, 'ABORTED')).toBe(true);
  });
});

describe('isTypeScriptEntry', () => {
  it.each([
    ['handler.ts', true],
    ['handler.mts', true],
    ['handler.cts', true],
    ['handler.js', false],
    ['handler.mjs', false],
    ['handler.d.js', false],
  ])('%s: %s', (entry, expected) => {
    expect(isTypeScriptEntry({ entry: `/app/${entry}` })).toBe(expected);
  });
});
