// `lambdash ls`: the lineage table of a project against a local cloud: a deployed responder,
// a built one, one not built yet, and the state changing when the code does.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GREETER, jsonOf, lambdash, projectFixture, uniqueName } from '../run-cli.js';

const deployed = uniqueName('lsdep');
const built = uniqueName('lsbuilt');
const fresh = uniqueName('lsnew');
const fx = projectFixture([{ name: deployed }, { name: built }, { name: fresh }], {
  deploy: [deployed],
  build: [built],
});

interface Row {
  responder: { name: string; state: string } | null;
  localImage: { ref: string } | null;
  remoteImage: { repo: string } | null;
  lambdaFunction: { name: string; state: string } | null;
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
});
