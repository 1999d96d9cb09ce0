// `lambdash ls`: the lineage table of a project against a local cloud: a deployed responder,
// a built one, one not built yet, and the state changing when the code does; the project's
// rows only unless --all; one row per responder after a rebuild, its function flagged as
// running older code and, with --older, the old chain under it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteLocalImage } from '../../../../src/core/images/local-image-delete.js';
import { getLocalImage } from '../../../../src/core/images/local-image-queries.js';
import {
  GREETER,
  jsonOf,
  lambdash,
  projectFixture,
  removeImages,
  tempDir,
  uniqueName,
} from '../run-cli.js';

const deployed = uniqueName('lsdep');
const built = uniqueName('lsbuilt');
const fresh = uniqueName('lsnew');
const fx = projectFixture([{ name: deployed }, { name: built }, { name: fresh }], {
  deploy: [deployed],
  build: [built],
});

interface Row {
  key: string;
  responder: { name: string; state: string; source: string } | null;
  localImage: { ref: string } | null;
  remoteImage: { repo: string } | null;
  lambdaFunction: { name: string; state: string } | null;
  outdated: boolean;
  older: Row[];
}

async function rows(args: string[] = []): Promise<Map<string, Row>> {
  const result = await lambdash(['ls', '--json', ...fx.endpoint, ...args], { cwd: fx.project });
  expect(result.code).toBe(0);
  const list = (jsonOf(result) as Row[]).filter((row) =>
    [deployed, built, fresh].includes(row.responder?.name ?? ''),
  );
  return new Map(list.map((row) => [row.responder!.name, row]));
}

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash ls', { timeout: 120_000 }, () => {
  it('joins each responder with its image, remote image and function', async () => {
    const table = await rows();
    expect([...table.keys()].sort()).toEqual([built, deployed, fresh].sort());
    expect(table.get(deployed)).toMatchObject({
      responder: { state: 'current' },
      localImage: { ref: `${deployed}:latest` },
      remoteImage: { repo: deployed },
      lambdaFunction: { name: deployed, state: 'Active' },
    });
    expect(table.get(built)).toMatchObject({
      responder: { state: 'current' },
      localImage: { ref: `${built}:latest` },
      remoteImage: null,
      lambdaFunction: null,
    });
    expect(table.get(fresh)).toMatchObject({
      responder: { state: 'changed' },
      localImage: null,
      lambdaFunction: null,
    });
  });

  it('prints the table as text', async () => {
    const result = await lambdash(['ls', ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^RESPONDER +STATE +LOCAL IMAGE +REMOTE IMAGE +FUNCTION$/);
    const line = lines.find((l) => l.startsWith(`${deployed} `))!;
    expect(line).toMatch(
      new RegExp(
        `^${deployed} +current +${deployed}:latest [0-9a-f]{12} \\d+[smhd] \\d+ MB +${deployed}@[0-9a-f]{12} \\(latest\\) +${deployed} Active$`,
      ),
    );
  });

  it('says changed once the code differs from what was built; --no-aws reads this machine only', async () => {
    writeFileSync(path.join(fx.project, built, 'handler.ts'), GREETER.replace('Hello', 'Hey'));
    const table = await rows(['--no-aws']);
    expect(table.get(built)?.responder?.state).toBe('changed');
    expect(table.get(deployed)).toMatchObject({
      localImage: { ref: `${deployed}:latest` },
      lambdaFunction: null,
    });
  });

  it("shows the project's rows only; --all shows what else lambdash made", async () => {
    const outside = tempDir('lambdash-ls-outside-');
    const other = uniqueName('lsout');
    writeFileSync(path.join(outside, `${other}.ts`), GREETER);
    try {
      const build = await lambdash(['build', `${other}.ts`, '--no-test', '-q'], { cwd: outside });
      expect(build.code, build.stderr).toBe(0);
      const names = async (args: string[]) => {
        const result = await lambdash(['ls', '--json', '--no-aws', ...args], { cwd: fx.project });
        expect(result.code, result.stderr).toBe(0);
        return (jsonOf(result) as Row[]).map((row) => row.responder?.name);
      };
      expect((await names([])).sort()).toEqual([built, deployed, fresh].sort());
      expect(await names(['--all'])).toEqual(
        expect.arrayContaining([built, deployed, fresh, other]),
      );
    } finally {
      await removeImages([other]);
    }
  });

  it('keeps one row per responder after a rebuild: the function flagged, --older shows the old chain', async () => {
    writeFileSync(path.join(fx.project, deployed, 'handler.ts'), GREETER.replace('Hello', 'Hi'));
    const build = await lambdash(['build', deployed, '--no-test', '-q', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(build.code, build.stderr).toBe(0);
    const result = await lambdash(['ls', '--json', ...fx.endpoint], { cwd: fx.project });
    const list = (jsonOf(result) as Row[]).filter((row) => row.responder?.name === deployed);
    const oldImage = list[0]?.older[0]?.localImage as { id: string } | null | undefined;
    try {
      expect(list).toHaveLength(1);
      const row = list[0]!;
      expect(row.key).toBe(`responder:${row.responder?.source}#handler`);
      expect(row).toMatchObject({
        responder: { state: 'current' },
        localImage: { ref: `${deployed}:latest` },
        remoteImage: null,
        lambdaFunction: { name: deployed, state: 'Active' },
        outdated: true,
      });
      expect(row.older).toHaveLength(1);
      expect(row.older[0]).toMatchObject({
        responder: { state: 'changed' },
        remoteImage: { repo: deployed },
        lambdaFunction: { name: deployed },
        outdated: false,
        older: [],
      });

      const text = await lambdash(['ls', '--older', ...fx.endpoint], { cwd: fx.project });
      const lines = text.stdout.split('\n');
      const at = lines.findIndex((line) => line.startsWith(`${deployed} `));
      expect(lines[at]).toMatch(
        new RegExp(
          `^${deployed} +current +${deployed}:latest .* - +${deployed} Active \\(older code\\)$`,
        ),
      );
      expect(lines[at + 1]).toMatch(
        new RegExp(
          `^  └ ${deployed} +changed +\\S+ [0-9a-f]{12} .* ${deployed}@[0-9a-f]{12} \\(latest\\) +${deployed} Active$`,
        ),
      );
      expect(lines.filter((line) => line.includes(`└ ${deployed}`))).toHaveLength(1);
    } finally {
      // The first build, whatever names it kept (its registry tag, its pushed digest).
      if (oldImage) {
        await getLocalImage(oldImage.id)
          .then((image) => deleteLocalImage(image, { force: true }))
          .catch(() => undefined);
      }
    }
  });
});
