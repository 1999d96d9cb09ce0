// `lambdash base`: the base image found (or built) and reported; a bad platform refused.
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../../../src/core/images/base-image.js';
import { jsonOf, lambdash, removeTemps, tempDir } from '../run-cli.js';

afterAll(removeTemps);

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash base', { timeout: 120_000 }, () => {
  it('reports the base image builds start from', async () => {
    const result = await lambdash(['base', '--json'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    // What the library chooses (pulling is off in these tests, as in the binary's run).
    const expected = await ensureBaseImage({ pull: false });
    expect(jsonOf(result)).toEqual({
      image: expected.image,
      id: expected.id,
      built: expect.any(Boolean),
      nodeVersion: expected.nodeVersion,
      removed: null,
    });
    const text = await lambdash(['base'], { cwd: tempDir() });
    expect(text.stdout).toBe(
      `${expected.image} (${expected.id.slice(7, 19)}, Node.js ${expected.nodeVersion}, already there)\n`,
    );
  }, 300_000);

  it('refuses a platform it does not know (exit 2)', async () => {
    const result = await lambdash(['base', '--platform', 'linux/s390x'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      "error: option '--platform <platform>' argument 'linux/s390x' is invalid. Allowed choices are linux/amd64, linux/arm64.",
    );
  });
});
