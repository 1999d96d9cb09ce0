// Traces that name the TypeScript: a handler bundled as lambdash bundles it (with its trimmed
// source map, by default) and run by the built runtime reports its errors at the .ts file and
// line; a package's frame keeps the bundle's line; LAMBDASH_SOURCE_MAPS=0 leaves maps off.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleResponder } from '../../../src/core/build/bundle.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const HANDLER = [
  "import fail from 'failing-package';",
  '',
  'interface Order {',
  '  readonly quantity: number;',
  '  readonly inPackage?: boolean;',
  '}',
  '',
  'export const handler = async (order: Order): Promise<number> => {',
  '  if (order.inPackage) return fail();',
  "  if (order.quantity < 1) throw new RangeError('quantity ' + order.quantity + ' is too small');",
  '  return order.quantity;',
  '};',
  '',
].join('\n');

let out: string;
let harness: RuntimeHarness | undefined;

beforeAll(async () => {
  const root = writeTree(makeTempDir(), {
    'fn.ts': HANDLER,
    'package.json': { name: 'orders', version: '1.0.0', dependencies: { 'failing-package': '1' } },
    'node_modules/failing-package/package.json': {
      name: 'failing-package',
      version: '1.0.0',
      main: 'index.js',
    },
    'node_modules/failing-package/index.js':
      "module.exports = function fail() {\n  throw new Error('the package failed');\n};\n",
  });
  out = makeTempDir();
  // The defaults, as every image build uses them.
  await bundleResponder(await getResponder(path.join(root, 'fn.ts')), out);
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});
afterAll(removeTempDirs);

async function failure(event: unknown, env: Record<string, string> = {}) {
  harness = await startRuntime({ handler: 'index.handler', taskRoot: out, env });
  const answer = await harness.invokeJson(event);
  expect(answer.kind).toBe('error');
  return answer.body as { errorType: string; errorMessage: string; trace: string[] };
}

describe('source maps', () => {
  it("put the handler's own frames at the .ts file and line", async () => {
    const error = await failure({ quantity: 0 });
    expect(error.errorMessage).toBe('quantity 0 is too small');
    expect(error.trace[0]).toBe('RangeError: quantity 0 is too small');
    expect(error.trace[1]).toMatch(
      new RegExp(`^\\s+at \\S+ \\(${literal(path.join(out, 'fn.ts'))}:10:\\d+\\)$`),
    );
  });

  it("leave a package's frame at the bundle's line, never at the handler's", async () => {
    const error = await failure({ quantity: 1, inPackage: true });
    expect(error.errorMessage).toBe('the package failed');
    expect(error.trace[1]).toMatch(
      new RegExp(`^\\s+at \\S+ \\(${literal(path.join(out, 'index.js'))}:\\d+:\\d+\\)$`),
    );
    expect(error.trace[2]).toMatch(
      new RegExp(`^\\s+at \\S+ \\(${literal(path.join(out, 'fn.ts'))}:9:\\d+\\)$`),
    );
  });

  it('stay off with LAMBDASH_SOURCE_MAPS=0: frames name the bundle', async () => {
    const error = await failure({ quantity: 0 }, { LAMBDASH_SOURCE_MAPS: '0' });
    expect(error.trace[1]).toMatch(
      new RegExp(`^\\s+at \\S+ \\(${literal(path.join(out, 'index.js'))}:\\d+:\\d+\\)$`),
    );
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
