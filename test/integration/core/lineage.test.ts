// A responder's state in the lineage table, from a real image of this machine: current while
// its source hashes to what was built, changed once edited, missing once deleted; a git URL is
// remote. Then one row per responder, with the real Docker engine and a local cloud: built
// three times (the first deployed, the second pushed), it is one row holding the newest build
// and the function, flagged as running older code, the older chains kept on it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import { deleteLocalImage } from '../../../src/core/images/local-image-delete.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getLineage, type LineageRow } from '../../../src/core/lineage/lineage.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import {
  createLambdaComponents,
  deleteComponents,
  type LambdaComponents,
  withLambdaFunction,
  withRemoteImage,
} from '../../../src/core/workflows/lambda-components.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const name = `lineage-${randomBytes(3).toString('hex')}`;
let dir: string;
let file: string;
let image: LocalImage;

function rowOf(rows: readonly LineageRow[]): LineageRow | undefined {
  return rows.find((row) => row.localImage?.id === image.id);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-lineage-'));
  file = path.join(dir, 'app.js');
  writeFileSync(file, 'exports.handler = async () => ({ ok: 1 });\n');
  image = await createLocalImage(await getResponder(file, { name }));
}, 120_000);

afterAll(async () => {
  if (image) await deleteLocalImage(image, { force: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('getLineage on this machine', () => {
  it('follows the source: current, then changed, then missing', async () => {
    const current = rowOf(await getLineage({ aws: false }));
    expect(current?.key).toBe(`responder:${file}#handler`);
    expect(current?.responder).toMatchObject({
      name,
      source: file,
      handler: 'handler',
      state: 'current',
    });

    writeFileSync(file, 'exports.handler = async () => ({ ok: 2 });\n');
    expect(rowOf(await getLineage({ aws: false }))?.responder?.state).toBe('changed');

    rmSync(file);
    expect(rowOf(await getLineage({ aws: false }))?.responder?.state).toBe('missing');
  }, 60_000);

  it('shows a git responder of the project as remote, without fetching it', async () => {
    const source = 'https://github.com/example/orders.git#v1';
    const rows = await getLineage({ aws: false, responders: [{ source, name: 'orders' }] });
    expect(rows.find((row) => row.responder?.source === source)).toEqual({
      key: `responder:${source}#handler`,
      responder: { name: 'orders', source, handler: 'handler', hash: undefined, state: 'remote' },
      localImage: undefined,
      remoteImage: undefined,
      repo: undefined,
      lambdaFunction: undefined,
    });
  });
});

describe('getLineage with a local cloud: one row per responder', () => {
  const responderName = `lineage-many-${randomBytes(3).toString('hex')}`;
  let cloud: TestTarget;
  let source: string;
  const made: LambdaComponents[] = [];

  beforeAll(async () => {
    cloud = await startTestTarget();
    source = path.join(dir, 'many.js');
  }, 120_000);

  afterAll(async () => {
    await removeFunctionContainers(responderName);
    // Downstream first: the function, then the images it and the later builds left.
    for (const parts of made) {
      await deleteComponents(parts, { target: cloud.target }).catch(() => undefined);
    }
    await cloud?.stop();
  }, 120_000);

  const build = async (version: number) => {
    writeFileSync(source, `exports.handler = async () => ({ version: ${version} });\n`);
    return createLambdaComponents(source, { name: responderName });
  };

  it('shows three builds (the first deployed, the second pushed) as one row, outdated, with the older chains', async () => {
    const target = cloud.target;
    const first = await withLambdaFunction(await build(1), { target, name: responderName });
    made.push(first);
    const second = await withRemoteImage(await build(2), { target });
    made.push(second);
    const third = await build(3);
    made.push(third);
    const responders = [{ source, name: responderName }];

    const rows = await getLineage({ target, responders });
    // The project's scope: this responder's row alone, whatever else the engine holds.
    expect(rows.map((row) => row.key)).toEqual([`responder:${source}#handler`]);
    const [row] = rows as [LineageRow];
    expect({
      state: row.responder?.state,
      local: row.localImage?.id,
      remote: row.remoteImage?.digest,
      fn: row.lambdaFunction?.name,
      outdated: row.outdated,
    }).toEqual({
      state: 'current',
      local: third.localImage.id,
      // The newest build is not pushed: no older remote image stands in for it.
      remote: undefined,
      fn: responderName,
      outdated: true,
    });
    expect(
      row.older?.map((chain) => [
        chain.localImage?.id,
        chain.remoteImage?.digest,
        chain.lambdaFunction?.name,
        chain.responder?.state,
      ]),
    ).toEqual([
      [second.localImage.id, second.remoteImage?.digest, undefined, 'changed'],
      [first.localImage.id, first.remoteImage?.digest, responderName, 'changed'],
    ]);

    // Everything lambdash made: the same one row for this responder, under the same key.
    const all = await getLineage({ target, responders, scope: 'all' });
    expect(all.filter((candidate) => candidate.responder?.source === source)).toEqual([
      expect.objectContaining({ key: row.key, outdated: true }),
    ]);
    // And the other responder built on this engine (above), which the project does not name.
    expect(all.some((candidate) => candidate.localImage?.id === image.id)).toBe(true);
    expect(rows.some((candidate) => candidate.localImage?.id === image.id)).toBe(false);
  }, 360_000);
});
