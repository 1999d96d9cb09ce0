// STS AssumeRole against a real local cloud, through @aws-sdk/client-sts and through boto3: the
// role's credentials in STS's shape, signed calls made with them (IAM, Lambda, STS), and STS's
// own answers to a role it does not have and to parameters out of its bounds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { createServiceRole } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const run = promisify(execFile);
const region = 'us-east-1';
let cloud: LocalCloud;
let root: AwsCredentialIdentity;
let sts: STSClient;
let iam: IAMClient;
let roleArn: string;
let roleId: string;
let longRoleArn: string;

function clientConfig(credentials: AwsCredentialIdentity) {
  return { endpoint: cloud.endpoint, region, credentials };
}

/** The credentials of an AssumeRole answer, as an SDK client takes them. */
function sessionOf(answer: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): AwsCredentialIdentity {
  const { AccessKeyId, SecretAccessKey, SessionToken } = answer.Credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken)
    throw new Error('no credentials in the answer');
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };
}

/** The error an AssumeRole failed with (a test failure when it succeeded). */
async function refusal(input: Partial<AssumeRoleCommandInput>, client = sts) {
  try {
    await client.send(new AssumeRoleCommand(input as AssumeRoleCommandInput));
  } catch (error) {
    const failed = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failed.name, message: failed.message, status: failed.$metadata?.httpStatusCode };
  }
  throw new Error(`AssumeRole ${JSON.stringify(input)} succeeded`);
}

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dataDir: makeTempDir('lambdash-sts-assume-') });
  const env = cloud.env();
  root = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
  };
  sts = new STSClient(clientConfig(root));
  iam = new IAMClient(clientConfig(root));
  roleArn = await createServiceRole(iam, 'assumable');
  roleId = (await iam.send(new GetRoleCommand({ RoleName: 'assumable' }))).Role?.RoleId ?? '';
  const long = await iam.send(
    new CreateRoleCommand({
      RoleName: 'long-sessions',
      Path: '/team/',
      MaxSessionDuration: 43_200,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::000000000000:root' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  longRoleArn = long.Role?.Arn ?? '';
});

afterAll(async () => {
  sts?.destroy();
  iam?.destroy();
  await cloud?.stop();
  removeTempDirs();
});

describe('STS AssumeRole through the SDK v3', () => {
  it("returns the role's temporary credentials and session user in STS's shape", async () => {
    const before = Date.now();
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'tester@example.com' }),
    );
    const after = Date.now();
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.Credentials?.SecretAccessKey).toMatch(/^\S{40}$/);
    expect(answer.Credentials?.SessionToken).toBeTruthy();
    // An hour by default, counted from the request.
    const expires = answer.Credentials?.Expiration?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(expires).toBeLessThanOrEqual(after + 3_600_000);
    expect(answer.AssumedRoleUser).toEqual({
      Arn: 'arn:aws:sts::000000000000:assumed-role/assumable/tester@example.com',
      AssumedRoleId: `${roleId}:tester@example.com`,
    });
  });

  it('gives credentials that sign calls to IAM, Lambda and STS as the role session', async () => {
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'signed-calls' }),
    );
    const session = sessionOf(answer);
    const asRole = {
      iam: new IAMClient(clientConfig(session)),
      lambda: new LambdaClient(clientConfig(session)),
      sts: new STSClient(clientConfig(session)),
    };
    try {
      expect((await asRole.iam.send(new GetRoleCommand({ RoleName: 'assumable' }))).Role?.Arn).toBe(
        roleArn,
      );
      expect((await asRole.lambda.send(new ListFunctionsCommand({}))).Functions).toEqual([]);
      const identity = await asRole.sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe('arn:aws:sts::000000000000:assumed-role/assumable/signed-calls');
      expect(identity.Account).toBe('000000000000');
      // As STS: the session's user id is the one AssumeRole named it by (role id : session).
      expect(identity.UserId).toBe(answer.AssumedRoleUser?.AssumedRoleId);
      expect(identity.UserId).toMatch(/^AROA[A-Z0-9]+:signed-calls$/);
      // The cloud knows the key as the role's session, with the secret STS handed out.
      const found = cloud.services.authority.lookup(session.accessKeyId, session.sessionToken);
      expect(found).toMatchObject({
        ok: true,
        secretAccessKey: session.secretAccessKey,
        caller: { arn: 'arn:aws:sts::000000000000:assumed-role/assumable/signed-calls' },
      });
      // The same key with another secret signs nothing (its first character changed, whatever
      // it was: a secret that starts with "x" would otherwise be forged as itself).
      const other = session.secretAccessKey.startsWith('x') ? 'y' : 'x';
      const forged = new STSClient(
        clientConfig({
          ...session,
          secretAccessKey: `${other}${session.secretAccessKey.slice(1)}`,
        }),
      );
      await expect(forged.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
      forged.destroy();
    } finally {
      for (const client of Object.values(asRole)) client.destroy();
    }
  });

  it("honours DurationSeconds up to the role's MaxSessionDuration, and names the role without its path", async () => {
    const before = Date.now();
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: longRoleArn,
        RoleSessionName: 'all-day',
        DurationSeconds: 43_200,
      }),
    );
    expect(longRoleArn).toBe('arn:aws:iam::000000000000:role/team/long-sessions');
    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::000000000000:assumed-role/long-sessions/all-day',
    );
    expect(answer.Credentials?.Expiration?.getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 + 43_200_000,
    );
  });

  it('refuses a role it does not have with AccessDenied (403), as STS does', async () => {
    const missing = 'arn:aws:iam::000000000000:role/no-such-role';
    expect(await refusal({ RoleArn: missing, RoleSessionName: 'x1' })).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: expect.stringContaining(
        `is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
      ),
    });
    // Another account's role is not in the local IAM either.
    expect(
      (
        await refusal({
          RoleArn: 'arn:aws:iam::123456789012:role/assumable',
          RoleSessionName: 'x1',
        })
      ).name,
    ).toBe('AccessDenied');
  });

  it("answers parameters out of STS's bounds with ValidationError and STS's messages", async () => {
    const cases: [Partial<AssumeRoleCommandInput>, string][] = [
      [
        { RoleArn: 'not-an-arn-but-long-enough', RoleSessionName: 'ok' },
        'not-an-arn-but-long-enough is invalid',
      ],
      [
        { RoleArn: 'arn:aws:iam::1', RoleSessionName: 'ok' },
        "1 validation error detected: Value 'arn:aws:iam::1' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
      ],
      [
        { RoleArn: roleArn, RoleSessionName: 'x' },
        "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      ],
      [
        { RoleArn: roleArn, RoleSessionName: 'n'.repeat(65) },
        `1 validation error detected: Value '${'n'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      ],
      [
        { RoleArn: roleArn, RoleSessionName: 'has space' },
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [
        { RoleArn: roleArn, RoleSessionName: '/' },
        "2 validation errors detected: Value '/' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '/' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [
        { RoleArn: roleArn, RoleSessionName: 'ok', DurationSeconds: 899 },
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ],
      [
        { RoleArn: longRoleArn, RoleSessionName: 'ok', DurationSeconds: 43_201 },
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
      ],
      [
        // The role's MaxSessionDuration is IAM's default, an hour.
        { RoleArn: roleArn, RoleSessionName: 'ok', DurationSeconds: 3601 },
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      ],
    ];
    for (const [input, message] of cases) {
      expect({ input, ...(await refusal(input)) }).toEqual({
        input,
        name: 'ValidationError',
        status: 400,
        message,
      });
    }
  });

  it('caps a session assumed with role credentials (role chaining) at an hour', async () => {
    const first = sessionOf(
      await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'first-hop' })),
    );
    const chained = new STSClient(clientConfig(first));
    try {
      expect(
        await refusal(
          { RoleArn: longRoleArn, RoleSessionName: 'second-hop', DurationSeconds: 7200 },
          chained,
        ),
      ).toEqual({
        name: 'ValidationError',
        status: 400,
        message:
          'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      });
      const second = await chained.send(
        new AssumeRoleCommand({ RoleArn: longRoleArn, RoleSessionName: 'second-hop' }),
      );
      expect(second.AssumedRoleUser?.Arn).toBe(
        'arn:aws:sts::000000000000:assumed-role/long-sessions/second-hop',
      );
    } finally {
      chained.destroy();
    }
  });
});

describe('STS AssumeRole through boto3', () => {
  // Assumes the role, then uses the session for IAM GetRole, Lambda ListFunctions and STS
  // GetCallerIdentity; also reports how a bad session name is refused. Prints one JSON line.
  const script = `
import json, sys, boto3, botocore.exceptions
endpoint, role_arn = sys.argv[1], sys.argv[2]
sts = boto3.client("sts", endpoint_url=endpoint)
answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="from-boto3", DurationSeconds=900)
c = answer["Credentials"]
session = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"], region_name="us-east-1")
try:
    sts.assume_role(RoleArn=role_arn, RoleSessionName="no spaces")
    refused = None
except botocore.exceptions.ClientError as error:
    refused = error.response["Error"]["Code"]
print(json.dumps({
    "key": c["AccessKeyId"],
    "expiresAt": c["Expiration"].timestamp(),
    "assumedArn": answer["AssumedRoleUser"]["Arn"],
    "roleFromIam": session.client("iam", endpoint_url=endpoint).get_role(RoleName="assumable")["Role"]["Arn"],
    "functions": session.client("lambda", endpoint_url=endpoint).list_functions()["Functions"],
    "caller": session.client("sts", endpoint_url=endpoint).get_caller_identity()["Arn"],
    "refused": refused,
}))
`;

  it('assumes the role and calls IAM, Lambda and STS with the session', async () => {
    const env = cloud.env();
    const before = Date.now();
    const { stdout } = await run('python3', ['-c', script, cloud.endpoint, roleArn], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: makeTempDir('lambdash-boto3-home-'),
        AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
        AWS_DEFAULT_REGION: region,
      },
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toEqual({
      key: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      expiresAt: expect.any(Number),
      assumedArn: 'arn:aws:sts::000000000000:assumed-role/assumable/from-boto3',
      roleFromIam: roleArn,
      functions: [],
      caller: 'arn:aws:sts::000000000000:assumed-role/assumable/from-boto3',
      refused: 'ValidationError',
    });
    expect((result.expiresAt as number) * 1000).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 + 900_000,
    );
  });
});
