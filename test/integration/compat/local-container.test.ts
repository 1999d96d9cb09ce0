// Issue 12 part 6: a local container tells the truth about the function it stands for. A
// Powertools logger in a real container of a lambdash image logs the responder's function
// name and memory size, not the emulator's placeholders (`function`, 3008 MB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteContainer,
  runImageLocally,
  sendLocalRequest,
} from '../../../src/core/images/containers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { appsDir, assertCompatInstalled } from '../../support/compat-runtimes.js';
import { httpEvent } from '../../support/http-events.js';
import { removeImagesNamed, uniqueName } from '../../support/images.js';

const name = uniqueName('powertools');
let image: LocalImage;

beforeAll(async () => {
  assertCompatInstalled();
  image = await createLocalImage(await getResponder(`${appsDir}/powertools.mjs`, { name }));
}, 180_000);

afterAll(async () => {
  await removeImagesNamed(name);
});

/** The line the app's Powertools logger wrote, parsed. */
function powertoolsLine(log: string | undefined): Record<string, unknown> {
  const line = (log ?? '').split('\n').find((l) => l.includes('powertools says hi'));
  if (!line) throw new Error(`no Powertools line in the log:\n${log}`);
  return JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
}

describe("a local container carries the responder's function identity", () => {
  it.each([
    ['the memory size the responder asks for', 512, '512'],
    ["Lambda's default memory size when it asks for none", undefined, '128'],
  ] as const)('Powertools logs the function name and %s', async (_what, memorySize, logged) => {
    const container = await runImageLocally(image, {
      ownedByProcess: true,
      ...(memorySize ? { memorySize } : {}),
    });
    try {
      const response = await sendLocalRequest(
        httpEvent('apigw-v2', { method: 'GET', path: '/hello' }),
        {
          port: container.port,
          log: true,
        },
      );
      expect(response.functionError, response.log).toBeUndefined();
      expect(powertoolsLine(response.log)).toMatchObject({
        function_name: name,
        function_memory_size: logged,
        function_arn: expect.stringMatching(new RegExp(`:function:${name}$`)),
      });
    } finally {
      await deleteContainer(container);
    }
  });
});
