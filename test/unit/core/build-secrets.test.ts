// Build secrets before the engine sees them: ids and values checked, and values read from where
// the project file or the command line says they come from (a project's files only from inside
// it, as its test data).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBuildSecrets, validateBuildSecrets } from '../../../src/core/images/build-secrets.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-secrets-'));
  temps.push(dir);
  return dir;
}
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('validateBuildSecrets', () => {
  it('takes strings and bytes by id, as bytes', () => {
    const checked = validateBuildSecrets({ npm_token: 'abc', 'ca.pem': new Uint8Array([1, 2]) });
    expect(text(checked.npm_token)).toBe('abc');
    expect([...(checked['ca.pem'] ?? [])]).toEqual([1, 2]);
  });

  it('refuses ids that are no file name, values that are none, and more than 500 KB', () => {
    for (const secrets of <Record<string, string>[]>[
      { 'a/b': 'x' },
      { '-a': 'x' },
      { ['a'.repeat(65)]: 'x' },
      { a: 1 as unknown as string },
      { a: 'x'.repeat(500 * 1024 + 1) },
    ]) {
      expect(() => validateBuildSecrets(secrets), JSON.stringify(Object.keys(secrets))).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
  });
});

describe('readBuildSecrets', () => {
  it('reads variables and files (relative to the folder, or ~/)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'token.txt'), 'from a file');
    const values = await readBuildSecrets(
      { a: { env: 'LAMBDASH_TEST_SECRET' }, b: { file: 'token.txt' } },
      { dir, env: { LAMBDASH_TEST_SECRET: 'from the environment' } },
    );
    expect([text(values.a), text(values.b)]).toEqual(['from the environment', 'from a file']);
    const home = await readBuildSecrets(
      { c: { file: `~/${path.relative(os.homedir(), path.join(dir, 'token.txt'))}` } },
      { dir: '/' },
    );
    expect(text(home.c)).toBe('from a file');
  });

  it('says which secret is missing, and how to give it', async () => {
    await expect(
      readBuildSecrets({ a: { env: 'LAMBDASH_NOT_SET' } }, { env: {} }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message:
        'The build secret "a" comes from the environment variable LAMBDASH_NOT_SET, which is not set.',
      hint: 'Set it before building (export LAMBDASH_NOT_SET=...), or leave the secret out.',
    });
    const dir = tempDir();
    await expect(readBuildSecrets({ b: { file: 'none' } }, { dir })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `The file of the build secret "b", ${path.join(dir, 'none')}, cannot be read (ENOENT).`,
    });
  });

  it("reads a project's secret files only from inside its folder, links resolved", async () => {
    const root = tempDir();
    const project = path.join(root, 'project');
    mkdirSync(project);
    writeFileSync(path.join(root, 'outside.txt'), 'not the project’s');
    writeFileSync(path.join(project, 'inside.txt'), 'the project’s');
    symlinkSync(path.join(root, 'outside.txt'), path.join(project, 'link.txt'));
    const options = { dir: project, insideDir: true };
    expect(text((await readBuildSecrets({ a: { file: 'inside.txt' } }, options)).a)).toBe(
      'the project’s',
    );
    for (const file of ['../outside.txt', path.join(root, 'outside.txt'), 'link.txt']) {
      await expect(readBuildSecrets({ a: { file } }, options), file).rejects.toMatchObject({
        code: 'INVALID_PROJECT',
        message: expect.stringContaining(
          `(the build secret "a") lies outside the project folder ${project}`,
        ),
      });
    }
    // From the command line, any file the user names.
    expect(
      text((await readBuildSecrets({ a: { file: '../outside.txt' } }, { dir: project })).a),
    ).toBe('not the project’s');
  });
});
