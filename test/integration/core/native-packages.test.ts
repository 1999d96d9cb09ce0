// A real native package end to end: sharp (installed in test/compat by scripts/provision.sh)
// loads its platform's build from @img/sharp-<platform> with a require() esbuild cannot follow,
// so a bundle of it holds no build and its handler cannot load. The build must keep it out of
// the bundle and install it for the image's platform; the function must then resize an image.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteContainer,
  runImageLocally,
  sendLocalRequest,
} from '../../../src/core/images/containers.js';
import { getDockerEngine } from '../../../src/core/images/docker.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { recorder, removeImagesNamed, runNodeInImage, uniqueName } from '../../support/images.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const compatModules = path.join(repoRoot, 'test', 'compat', 'node_modules');
const sharpVersion = (): string =>
  (
    JSON.parse(readFileSync(path.join(compatModules, 'sharp', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

const HANDLER = `import sharp from 'sharp';

export const handler = async (event) => {
  const png = await sharp({
    create: { width: event.width, height: event.height, channels: 3, background: event.color },
  })
    .png()
    .toBuffer();
  const { format } = await sharp(png).metadata();
  const { data, info } = await sharp(png)
    .resize(event.width / 2, event.height / 2)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { format, width: info.width, height: info.height, pixel: [...data.subarray(0, 3)] };
};
`;

const name = uniqueName('sharp');
let image: LocalImage;
let events: ReturnType<typeof recorder>['events'];

beforeAll(async () => {
  if (!existsSync(path.join(compatModules, 'sharp', 'package.json'))) {
    throw new Error('sharp is not installed in test/compat: run scripts/provision.sh');
  }
  // A lone file beside a node_modules that is test/compat's: esbuild resolves it to its real path.
  const dir = writeTree(makeTempDir(), { 'resize.mjs': HANDLER });
  symlinkSync(compatModules, path.join(dir, 'node_modules'), 'dir');
  const heard = recorder();
  events = heard.events;
  image = await createLocalImage(await getResponder(path.join(dir, 'resize.mjs'), { name }), {
    onEvent: heard.onEvent,
  });
}, 300_000);

afterAll(async () => {
  await removeImagesNamed(name);
  removeTempDirs();
});

describe('sharp, a package that loads a build per platform', () => {
  it('is kept out of the bundle, and the build says why', () => {
    expect(events).toContainEqual({
      type: 'build.log',
      text: `sharp@${sharpVersion()} is native, it loads a build per platform from optional packages (@img/sharp-linux-arm and 15 more): kept out of the bundle, installed for the image's platform`,
    });
    expect(events).toContainEqual({
      type: 'npm.install',
      dir: expect.any(String),
      command: expect.stringMatching(/ --os=linux --cpu=(x64|arm64) --libc=glibc$/),
    });
  });

  it("is installed in the image with the build for the image's platform", async () => {
    const cpu = (await getDockerEngine()).arch === 'arm64' ? 'arm64' : 'x64';
    const listing = await runNodeInImage(
      image.ref,
      `const fs = require('fs');
       console.log(JSON.stringify({
         sharp: require('/var/task/node_modules/sharp/package.json').version,
         builds: fs.readdirSync('/var/task/node_modules/@img').filter((n) => n.startsWith('sharp-linux')),
         bundled: fs.readFileSync('/var/task/index.js', 'utf8').includes('sharp-linux'),
       }))`,
    );
    expect(JSON.parse(listing)).toEqual({
      sharp: sharpVersion(),
      builds: [`sharp-linux-${cpu}`],
      bundled: false,
    });
  });

  it('resizes an image in the running container', async () => {
    const container = await runImageLocally(image);
    try {
      const response = await sendLocalRequest(
        { width: 8, height: 4, color: { r: 200, g: 10, b: 30 } },
        { port: container.port },
      );
      expect(response.functionError).toBeUndefined();
      expect(response.body).toEqual({ format: 'png', width: 4, height: 2, pixel: [200, 10, 30] });
    } finally {
      await deleteContainer(container);
    }
  });
});
