// An image built with the defaults carries the source map and its runtime applies it: a
// TypeScript handler that throws reports the .ts file and line, in the answer and in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteContainer,
  runImageLocally,
  sendLocalRequest,
} from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { removeImagesNamed, uniqueName } from '../../support/images.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const name = uniqueName('source-maps');
const HANDLER = [
  'interface Order {',
  '  readonly quantity: number;',
  '}',
  '',
  'export const handler = async (order: Order): Promise<number> => {',
  "  if (order.quantity < 1) throw new RangeError('quantity ' + order.quantity + ' is too small');",
  '  return order.quantity;',
  '};',
  '',
].join('\n');

let container: Awaited<ReturnType<typeof runImageLocally>> | undefined;
beforeAll(async () => {
  const root = writeTree(makeTempDir(), { 'orders.ts': HANDLER });
  const image = await createLocalImage(await getResponder(`${root}/orders.ts`, { name }));
  container = await runImageLocally(image, { ownedByProcess: true });
}, 180_000);
afterAll(async () => {
  if (container) await deleteContainer(container);
  await removeImagesNamed(name);
  removeTempDirs();
});

describe('an image built with the defaults', () => {
  it("names the handler's .ts file and line in the error and in the log", async () => {
    const answer = await sendLocalRequest({ quantity: 0 }, { port: container!.port, log: true });
    expect(answer.functionError).toBe('Unhandled');
    const error = answer.body as { errorMessage: string; trace: string[] };
    expect(error.errorMessage).toBe('quantity 0 is too small');
    expect(error.trace[1]).toMatch(/^\s+at \S+ \(\/var\/task\/orders\.ts:6:\d+\)$/);
    expect(answer.log).toMatch(/\/var\/task\/orders\.ts:6:\d+/);
    expect(answer.log).not.toMatch(/\/var\/task\/index\.js:\d+/);
  });
});
