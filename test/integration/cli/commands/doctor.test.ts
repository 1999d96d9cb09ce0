// `lambdash doctor` on this machine with a HOME of its own: every check, a Docker engine that
// is not there, an expired SSO sign-in, credentials without a region, and a local cloud that
// serves. No AWS call leaves the machine: no check here has credentials it would verify.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTarget, type TestTarget } from '../../../support/target.js';
import { jsonOf, lambdash, removeTemps, tempDir } from '../run-cli.js';

interface Check {
  id: string;
  ok: boolean;
  warning?: boolean;
  detail: string;
  fix?: string;
}

const IDS = [
  'node',
  'runtime',
  'docker',
  'registry',
  'base-image',
  'aws-credentials',
  'aws-region',
  'local-cloud',
];
let cloud: TestTarget;
beforeAll(async () => {
  cloud = await startTestTarget();
});
afterAll(async () => {
  await cloud.stop();
  removeTemps();
});

function checksOf(result: { stdout: string }): Record<string, Check> {
  const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
  expect(checks.map((c) => c.id)).toEqual(IDS);
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe('lambdash doctor', () => {
  it('passes on this machine, with no AWS credentials a warning and the local cloud found', async () => {
    const result = await lambdash(['doctor', '--json', '--endpoint', cloud.cloud.endpoint], {
      cwd: tempDir(),
    });
    expect(result.code).toBe(0);
    expect((jsonOf(result) as { passed: boolean }).passed).toBe(true);
    const checks = checksOf(result);
    expect(checks.node).toMatchObject({
      ok: true,
      detail: `${process.versions.node} at ${process.execPath}`,
    });
    expect(checks.docker?.ok).toBe(true);
    expect(checks.docker?.detail).toMatch(
      /^Docker \S+ \(API [\d.]+, linux\/\w+\) at \S+; containers (use host networking|publish their ports)/,
    );
    expect(checks.registry).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/\/docker-registry$/),
    });
    expect(checks['aws-credentials']).toEqual({
      id: 'aws-credentials',
      title: 'AWS credentials',
      ok: true,
      warning: true,
      detail: 'none configured: lambdash deploys to its local cloud',
      fix: 'To deploy to AWS: `aws configure` (access keys) or `aws configure sso`, then run lambdash again.',
    });
    expect(checks['local-cloud']).toEqual({
      id: 'local-cloud',
      title: 'Local cloud',
      ok: true,
      detail: `serving at ${cloud.cloud.endpoint} (account ${cloud.target.accountId})`,
    });
  });

  it('prints each check on a line, with the fix under what needs one', async () => {
    const result = await lambdash(['doctor', '--endpoint', 'http://127.0.0.1:9'], {
      cwd: tempDir(),
    });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`ok    Node.js: ${process.versions.node} at ${process.execPath}`);
    const cloudLine = lines.findIndex((line) => line.startsWith('warn  Local cloud: '));
    expect(lines.slice(cloudLine, cloudLine + 2)).toEqual([
      'warn  Local cloud: not running at http://127.0.0.1:9: commands start one when they need it, for as long as they run',
      '      fix: Run `lambdash cloud` in another terminal to keep one running.',
    ]);
  });

  it('fails (exit 1) without a Docker engine, saying how to fix it', async () => {
    const result = await lambdash(['doctor', '--json'], {
      cwd: tempDir(),
      env: { DOCKER_HOST: `unix://${path.join(tempDir(), 'no-docker.sock')}` },
    });
    expect(result.code).toBe(1);
    const checks = checksOf(result);
    expect(checks.docker?.ok).toBe(false);
    expect(checks.docker?.fix).toBeTruthy();
    expect(checks['base-image']?.ok).toBe(false);
    const text = await lambdash(['doctor'], {
      cwd: tempDir(),
      env: { DOCKER_HOST: `unix://${path.join(tempDir(), 'no-docker.sock')}` },
    });
    expect(text.stdout).toMatch(/^FAIL {2}Docker engine: .*\n {6}fix: .+$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Fix what failed above, then run `lambdash doctor` again.',
    );
  });

  it('an expired SSO sign-in fails with the login to run', async () => {
    const home = tempDir();
    mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
    writeFileSync(
      path.join(home, '.aws', 'config'),
      '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    );
    const key = createHash('sha1').update('corp').digest('hex');
    writeFileSync(
      path.join(home, '.aws', 'sso', 'cache', `${key}.json`),
      JSON.stringify({ accessToken: 'x', expiresAt: '2020-01-01T00:00:00Z' }),
    );
    const result = await lambdash(['doctor', '--json', '--profile', 'dev'], {
      cwd: tempDir(),
      env: { HOME: home },
    });
    expect(result.code).toBe(1);
    const checks = checksOf(result);
    expect(checks['aws-credentials']).toEqual({
      id: 'aws-credentials',
      title: 'AWS credentials',
      ok: false,
      detail:
        'AWS SSO (profile dev, https://corp.awsapps.com/start): the sign-in expired 2020-01-01T00:00:00.000Z',
      fix: 'Sign in: `aws sso login --profile dev`.',
    });
    expect(checks['aws-region']).toMatchObject({ ok: true, detail: 'eu-west-1' });
  });

  it('credentials without a region fail the region check', async () => {
    const result = await lambdash(['doctor', '--json'], {
      cwd: tempDir(),
      env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    expect(result.code).toBe(1);
    const checks = checksOf(result);
    expect(checks['aws-credentials']).toMatchObject({
      ok: true,
      detail: 'access keys in the environment (AWS_ACCESS_KEY_ID)',
    });
    expect(checks['aws-region']).toEqual({
      id: 'aws-region',
      title: 'AWS region',
      ok: false,
      detail: 'no region is set',
      fix: 'Set one: `export AWS_REGION=eu-west-1`, or `aws configure set region eu-west-1`.',
    });
  });
});
