// "externals" in lambdash.json, end to end through the build workflow the command line and the
// app run: the package is kept out of the bundle and installed in the image from the registry
// (the version installed beside the code), the function loads it from there, and the lineage,
// given the project's entry, says the image is of the current source.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalImageTest } from '../../../src/core/images/local-test.js';
import { getLineage } from '../../../src/core/lineage/lineage.js';
import { type Project, readProject, resolveSource } from '../../../src/core/project/project.js';
import { buildEntry } from '../../../src/core/workflows/build.js';
import { projectEntry } from '../../../src/core/workflows/entry.js';
import { recorder, removeImagesNamed, runNodeInImage, uniqueName } from '../../support/images.js';
import { makeTempDir, removeTempDirs, writeTree } from '../../support/temp-tree.js';

const padded = uniqueName('padded');
/** In the copy beside the code only: the registry's left-pad has no such text. */
const MARK = 'LOCAL-COPY-OF-LEFT-PAD';

let project: Project;

beforeAll(() => {
  const dir = writeTree(makeTempDir(), {
    'pad.mjs':
      "import leftPad from 'left-pad';\nexport const handler = async (event) => ({ padded: leftPad(event.text, 6, '*') });\n",
    // Installed beside the code (its version is the one the image gets), marked so that a
    // bundle holding it shows.
    'node_modules/left-pad/package.json': { name: 'left-pad', version: '1.3.0', main: 'index.js' },
    'node_modules/left-pad/index.js': `// ${MARK}\nmodule.exports = (text, length, ch) => String(text).padStart(length, ch);\n`,
    'lambdash.json': {
      responders: [{ name: padded, source: 'pad.mjs', externals: ['left-pad'] }],
    },
  });
  return readProject(path.join(dir, 'lambdash.json')).then((read) => {
    project = read;
  });
});

afterAll(async () => {
  await removeImagesNamed(padded);
  removeTempDirs();
}, 120_000);

describe('"externals" of a lambdash.json entry', { timeout: 240_000 }, () => {
  it('keeps the package out of the bundle and installs it in the image', async () => {
    const { events, onEvent } = recorder();
    const { image } = await buildEntry(projectEntry(project, project.responders[0]!), {
      onEvent,
    });
    expect(events.some((event) => event.type === 'npm.install')).toBe(true);
    const inImage = JSON.parse(
      await runNodeInImage(
        image.ref,
        `const fs = require('fs');
         console.log(JSON.stringify({
           modules: fs.readdirSync('/var/task/node_modules'),
           version: require('/var/task/node_modules/left-pad/package.json').version,
           bundled: fs.readFileSync('/var/task/index.js', 'utf8').includes(${JSON.stringify(MARK)}),
           registryCopy: !fs.readFileSync(require.resolve('/var/task/node_modules/left-pad'), 'utf8').includes(${JSON.stringify(MARK)}),
         }))`,
      ),
    ) as unknown;
    expect(inImage).toEqual({
      modules: ['left-pad'],
      version: '1.3.0',
      bundled: false,
      registryCopy: true,
    });
    // The handler loads it from the image's node_modules.
    const answer = await runLocalImageTest(image, { payload: { text: 'ab' }, expected: null });
    expect(answer.response.functionError).toBeUndefined();
    expect(answer.response.body).toEqual({ padded: '****ab' });

    // The project's entry (as the app and `lambdash ls` give it) reads as current: the state
    // is hashed with the externals the image was built with.
    const spec = project.responders[0]!;
    const rows = await getLineage({
      aws: false,
      responders: [
        { source: resolveSource(project, spec), handler: spec.handler, name: spec.name },
      ],
    });
    const row = rows.find((candidate) => candidate.responder?.name === padded);
    expect(row?.localImage?.id).toBe(image.id);
    expect(row?.responder?.state).toBe('current');
  });
});
