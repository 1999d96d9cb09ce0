// A responder's state in the lineage table, from a real image of this machine: current while
// its source hashes to what was built, changed once edited, missing once deleted; a git URL is
// remote. This machine only (aws: false): the AWS joins are tested with the local cloud in
// lambda-components.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLineage, type LineageRow } from '../../../src/core/lineage.js';
import {
  createLocalImage,
  deleteLocalImage,
  type LocalImage,
} from '../../../src/core/local-images.js';
import { getResponder } from '../../../src/core/responder.js';

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
    expect(current?.key).toBe(`local:${image.id}`);
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
