// What createLocalImage decides before it asks the engine anything: no Docker here.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import { createLocalImage, nodeMajorOf } from '../../../src/core/images/local-image-build.js';
import { toLocalImage } from '../../../src/core/images/local-image-info.js';
import type { Responder } from '../../../src/core/responder/responder.js';
import { makeTempDir } from '../../support/temp-tree.js';

// The runtime every image carries, as if `npm run build` had never run.
const missingRuntime = vi.hoisted(() => ({ dir: '' }));
vi.mock('../../../src/core/common/paths.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/core/common/paths.js')>();
  return {
    ...original,
    get runtimeDistDir() {
      return missingRuntime.dir || original.runtimeDistDir;
    },
  };
});

describe('nodeMajorOf', () => {
  it.each([
    ['20.20.2', 20],
    ['v22.1.0', 22],
    ['24', 24],
    // A base image of a foreign platform cannot be asked: the runtime's minimum, not NaN.
    ['unknown', 20],
    ['', 20],
  ])('reads %j as %i', (version, major) => {
    expect(nodeMajorOf(version)).toBe(major);
  });
});

describe('createLocalImage without a built runtime', () => {
  it('says to run npm run build, before any step', async () => {
    missingRuntime.dir = path.join(makeTempDir(), 'dist', 'runtime');
    const events: unknown[] = [];
    const responder = { name: 'orders', handler: 'handler' } as Responder;
    try {
      const error = await createLocalImage(responder, { onEvent: (e) => events.push(e) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLambdashError(error, 'BUILD_FAILED')).toBe(true);
      expect((error as Error).message).toBe(
        `lambdash's runtime is not built: ${missingRuntime.dir} has no bootstrap.cjs.`,
      );
      expect((error as { hint?: string }).hint).toBe(
        'Run `npm run build` in the lambdash folder, then build again.',
      );
      expect(events).toEqual([]);
    } finally {
      missingRuntime.dir = '';
    }
  });
});

describe('toLocalImage', () => {
  const info = (tags: string[], labels: Record<string, string>) =>
    ({
      Id: 'sha256:abc',
      RepoTags: tags,
      Created: 1,
      Size: 1,
      Labels: labels,
      RepoDigests: [],
    }) as never;

  it.each([
    [
      ['127.0.0.1:5000/orders:latest', 'orders:latest'],
      { 'dev.lambdash.name': 'orders' },
      'orders:latest',
    ],
    [['123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v1', 'api:v1'], {}, 'api:v1'],
    [['localhost:5000/a:1', 'registry.example.com/b:2'], {}, 'localhost:5000/a:1'],
    [['orders:v2', 'other:v1'], { 'dev.lambdash.name': 'other' }, 'other:v1'],
  ])('names %j by its own tag (%j) as %s', (tags, labels, ref) => {
    expect(toLocalImage(info(tags, labels)).ref).toBe(ref);
  });
});
