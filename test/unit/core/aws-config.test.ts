// What the machine's AWS set-up says without calling AWS: where credentials come from, the
// region, and an SSO sign-in's state from the SDK's token cache. HOME and the AWS_* variables
// are this test's own.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAwsSetup } from '../../../src/core/aws/aws-config.js';

let home: string;
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  home = mkdtempSync(path.join(os.tmpdir(), 'lambdash-aws-config-'));
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.HOME = home;
  mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
});
afterEach(() => {
  // Key by key: replacing process.env itself would cut it off from the real environment.
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  rmSync(home, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  writeFileSync(path.join(home, '.aws', file), text);
}

function cacheToken(key: string, token: Record<string, string>): void {
  const name = createHash('sha1').update(key).digest('hex');
  write(path.join('sso', 'cache', `${name}.json`), JSON.stringify(token));
}

const SSO_CONFIG = `[profile dev]
sso_session = corp
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;

describe('readAwsSetup', () => {
  it('finds nothing on a bare machine', async () => {
    expect(await readAwsSetup()).toEqual({
      profile: undefined,
      region: undefined,
      credentials: undefined,
      missingProfile: false,
    });
  });

  it('reads keys and region from the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIA';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_DEFAULT_REGION = 'eu-central-1';
    expect(await readAwsSetup()).toMatchObject({
      credentials: 'access keys in the environment (AWS_ACCESS_KEY_ID)',
      region: 'eu-central-1',
    });
  });

  it('reads a profile from the credentials and config files', async () => {
    write(
      'credentials',
      '[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n\n[ci]\naws_access_key_id=AKIB\n',
    );
    write('config', '# comment\n[default]\nregion = us-west-2\n[profile ci]\nregion=ap-south-1\n');
    expect(await readAwsSetup()).toMatchObject({
      credentials: 'access keys (profile default)',
      region: 'us-west-2',
    });
    expect(await readAwsSetup({ profile: 'ci' })).toMatchObject({
      profile: 'ci',
      credentials: 'access keys (profile ci)',
      region: 'ap-south-1',
    });
  });

  it('says when a named profile is nowhere', async () => {
    expect(await readAwsSetup({ profile: 'ghost' })).toMatchObject({
      credentials: undefined,
      missingProfile: true,
    });
  });

  it('tells a valid, an expired, a renewable and a missing SSO sign-in apart', async () => {
    write('config', SSO_CONFIG);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = '2020-01-01T00:00:00Z';
    expect((await readAwsSetup({ profile: 'dev' })).sso).toEqual({
      startUrl: 'https://corp.awsapps.com/start',
      state: 'signed-out',
      expires: undefined,
    });
    cacheToken('corp', { accessToken: 'x', expiresAt: future });
    expect(await readAwsSetup({ profile: 'dev' })).toMatchObject({
      credentials: 'AWS SSO (profile dev, https://corp.awsapps.com/start)',
      region: 'eu-west-1',
      sso: { state: 'valid', expires: new Date(future) },
    });
    cacheToken('corp', { accessToken: 'x', expiresAt: past });
    expect((await readAwsSetup({ profile: 'dev' })).sso?.state).toBe('expired');
    cacheToken('corp', {
      accessToken: 'x',
      expiresAt: past,
      refreshToken: 'r',
      registrationExpiresAt: future,
    });
    expect((await readAwsSetup({ profile: 'dev' })).sso?.state).toBe('refreshable');
  });

  it('reads a legacy SSO profile, cached by its start URL', async () => {
    write(
      'config',
      '[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nregion = us-east-1\n',
    );
    cacheToken('https://old.awsapps.com/start', {
      accessToken: 'x',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect((await readAwsSetup({ profile: 'old' })).sso).toMatchObject({ state: 'expired' });
  });
});

describe('readAwsSetup reads the files as the SDK does', () => {
  it('drops comments and nested settings, and reads a file again when it changes', async () => {
    write(
      'config',
      [
        '[profile deploy]',
        'region = eu-north-1 ; the team region',
        '# role_arn = arn:aws:iam::111111111111:role/commented-out',
        's3 =',
        '  max_concurrent_requests = 2',
        'role_arn = arn:aws:iam::123456789012:role/deploy',
        'source_profile = default',
        '',
      ].join('\n'),
    );
    expect(await readAwsSetup({ profile: 'deploy' })).toMatchObject({
      region: 'eu-north-1',
      credentials: 'role arn:aws:iam::123456789012:role/deploy (profile deploy)',
    });
    write('config', '[profile deploy]\ncredential_process = /usr/bin/creds\n');
    expect((await readAwsSetup({ profile: 'deploy' })).credentials).toBe(
      'credential_process (profile deploy)',
    );
  });

  it('takes a config section without the profile prefix as no profile, as the SDK does', async () => {
    write('config', '[plain]\nregion = us-east-2\naws_access_key_id = AKIA\n');
    expect(await readAwsSetup({ profile: 'plain' })).toMatchObject({
      region: undefined,
      credentials: undefined,
      missingProfile: true,
    });
  });

  it('follows AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'lambdash-aws-files-'));
    try {
      writeFileSync(path.join(elsewhere, 'c'), '[profile x]\nregion = sa-east-1\n');
      writeFileSync(path.join(elsewhere, 'k'), '[x]\naws_access_key_id = AKIA\n');
      process.env.AWS_CONFIG_FILE = path.join(elsewhere, 'c');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(elsewhere, 'k');
      expect(await readAwsSetup({ profile: 'x' })).toMatchObject({
        region: 'sa-east-1',
        credentials: 'access keys (profile x)',
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
