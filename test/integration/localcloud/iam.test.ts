// IAM roles through the real @aws-sdk/client-iam against a local cloud: what each call returns,
// the typed exceptions IAM raises for bad input, pagination, and roles surviving a restart.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  type CreateRoleCommandInput,
  CreateUserCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { cloudCredentials } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
});
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const OWN = 'arn:aws:iam::000000000000:policy/team/deploy-things';

let cloud: LocalCloud;
let dataDir: string;
let iam: IAMClient;

function client(endpoint: string): IAMClient {
  return new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: cloudCredentials(endpoint),
  });
}

beforeAll(async () => {
  dataDir = makeTempDir('lambdash-iam-');
  cloud = await startLocalCloud({ port: 0, dataDir });
  iam = client(cloud.endpoint);
});

afterAll(async () => {
  iam.destroy();
  await cloud.stop();
  removeTempDirs();
});

function createRole(input: Partial<CreateRoleCommandInput> & { RoleName: string }) {
  return iam.send(new CreateRoleCommand({ AssumeRolePolicyDocument: TRUST, ...input }));
}

/** The error a call rejects with (fails the test if it resolves). */
async function failure(call: Promise<unknown>): Promise<IAMServiceException> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IAMServiceException);
  return error as IAMServiceException;
}

describe('CreateRole and GetRole', () => {
  it('creates a role with the fields IAM returns, the trust policy URL-encoded', async () => {
    const { Role } = await createRole({
      RoleName: 'lambda-exec',
      Description: 'Runs the hello function',
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'cost:centre', Value: '' },
      ],
    });
    expect(Role).toEqual({
      Path: '/',
      RoleName: 'lambda-exec',
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: 'arn:aws:iam::000000000000:role/lambda-exec',
      CreateDate: expect.any(Date),
      AssumeRolePolicyDocument: encodeURIComponent(TRUST),
      Description: 'Runs the hello function',
      MaxSessionDuration: 3600,
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'cost:centre', Value: '' },
      ],
    });
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).toBe(TRUST);
    expect(Number.isNaN(Role?.CreateDate?.getTime())).toBe(false);
    expect(Role?.CreateDate?.getUTCMilliseconds()).toBe(0);

    const { Role: fetched } = await iam.send(new GetRoleCommand({ RoleName: 'lambda-exec' }));
    expect(fetched).toEqual(Role);
  });

  it('puts the path in the ARN and keeps the session duration asked for', async () => {
    const { Role } = await createRole({
      RoleName: 'with-path',
      Path: '/service-role/lambdash/',
      MaxSessionDuration: 7200,
    });
    expect(Role?.Arn).toBe('arn:aws:iam::000000000000:role/service-role/lambdash/with-path');
    expect(Role?.Path).toBe('/service-role/lambdash/');
    expect(Role?.MaxSessionDuration).toBe(7200);
    expect(Role?.Description).toBeUndefined();
    expect(Role?.Tags).toBeUndefined();
  });

  it('keeps a document with spaces, unicode-free punctuation and newlines exactly', async () => {
    const document = `{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringLike": {"x": "a+b&c=d%e/f?g#h'i"}}}]\n}`;
    const { Role } = await createRole({
      RoleName: 'odd-document',
      AssumeRolePolicyDocument: document,
    });
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).toBe(document);
  });

  it('treats names as IAM does: unique regardless of case, found in any case', async () => {
    await createRole({ RoleName: 'MixedCase' });
    const error = await failure(createRole({ RoleName: 'mixedcase' }));
    expect(error).toBeInstanceOf(EntityAlreadyExistsException);
    expect(error.message).toBe('Role with name mixedcase already exists.');
    expect(error.$metadata.httpStatusCode).toBe(409);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'MIXEDCASE' }));
    expect(Role?.RoleName).toBe('MixedCase');
  });

  it('answers NoSuchEntity (404) for a role that does not exist', async () => {
    const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe('The role with name nobody cannot be found.');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  const bad: [string, Partial<CreateRoleCommandInput> & { RoleName: string }, string, string][] = [
    ['an empty name', { RoleName: '' }, 'ValidationError', "at 'roleName'"],
    [
      'a name with a space',
      { RoleName: 'has space' },
      'ValidationError',
      "Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    ],
    ['a name with a slash', { RoleName: 'a/b' }, 'ValidationError', "at 'roleName'"],
    [
      'a 65-character name',
      { RoleName: 'r'.repeat(65) },
      'ValidationError',
      'Member must have length less than or equal to 64',
    ],
    [
      'a path without slashes',
      { RoleName: 'p1', Path: 'service-role' },
      'ValidationError',
      "at 'path'",
    ],
    [
      'a path not ending in a slash',
      { RoleName: 'p2', Path: '/service-role' },
      'ValidationError',
      "at 'path'",
    ],
    [
      'a session under an hour',
      { RoleName: 's1', MaxSessionDuration: 3599 },
      'ValidationError',
      'greater than or equal to 3600',
    ],
    [
      'a session over 12 hours',
      { RoleName: 's2', MaxSessionDuration: 43201 },
      'ValidationError',
      'less than or equal to 43200',
    ],
    [
      'a document that is not JSON',
      { RoleName: 'd1', AssumeRolePolicyDocument: '{"Statement": [' },
      'MalformedPolicyDocument',
      'This policy contains invalid Json',
    ],
    [
      'a document with no statement',
      { RoleName: 'd2', AssumeRolePolicyDocument: '{"Version":"2012-10-17"}' },
      'MalformedPolicyDocument',
      'Policy document should have a Statement.',
    ],
    [
      'a description too long',
      { RoleName: 'x1', Description: 'd'.repeat(1001) },
      'ValidationError',
      "at 'description'",
    ],
    [
      'tag keys equal but for case',
      {
        RoleName: 't1',
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'team', Value: 'b' },
        ],
      },
      'InvalidInput',
      'Duplicate tag keys found.',
    ],
    [
      'an empty tag key',
      { RoleName: 't2', Tags: [{ Key: '', Value: 'a' }] },
      'ValidationError',
      "at 'tags.1.member.key'",
    ],
  ];
  it.each(bad)('refuses %s', async (_, input, code, message) => {
    const error = await failure(createRole(input));
    expect(error.name).toBe(code === 'ValidationError' ? 'ValidationError' : `${code}Exception`);
    expect(error.message).toContain(message);
    expect(error.$metadata.httpStatusCode).toBe(400);
    if (code === 'MalformedPolicyDocument')
      expect(error).toBeInstanceOf(MalformedPolicyDocumentException);
    if (code === 'InvalidInput') expect(error).toBeInstanceOf(InvalidInputException);
    // Nothing was created.
    if (input.RoleName) {
      const missing = await failure(iam.send(new GetRoleCommand({ RoleName: input.RoleName })));
      expect(missing.name === 'NoSuchEntityException' || missing.name === 'ValidationError').toBe(
        true,
      );
    }
  });

  it('refuses a missing trust policy as IAM does', async () => {
    const error = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'no-trust' } as CreateRoleCommandInput)),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    );
  });

  it('names an operation it does not implement instead of hanging', async () => {
    const error = await failure(iam.send(new CreateUserCommand({ UserName: 'someone' })));
    expect(error.name).toBe('InvalidAction');
    expect(error.message).toContain('CreateUser');
    expect(error.$metadata.httpStatusCode).toBe(400);
    // And serves the next request as usual.
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'lambda-exec' }));
    expect(Role?.RoleName).toBe('lambda-exec');
  });
});

describe('ListRoles', () => {
  const names = ['pg-delta', 'pg-Alpha', 'pg-charlie', 'pg-bravo', 'pg-echo'];
  beforeAll(async () => {
    for (const name of names) {
      await createRole({ RoleName: name, Path: '/paged/', Tags: [{ Key: 'k', Value: 'v' }] });
    }
    await createRole({ RoleName: 'pg-other-path', Path: '/paged-not/' });
  });

  it('pages through one path prefix with Marker and MaxItems, sorted by name', async () => {
    const pages: { names: string[]; truncated: boolean | undefined }[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(
        new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: marker }),
      );
      pages.push({
        names: (page.Roles ?? []).map((role) => role.RoleName ?? ''),
        truncated: page.IsTruncated,
      });
      marker = page.Marker;
      expect(marker === undefined).toBe(page.IsTruncated === false);
    } while (marker);
    expect(pages).toEqual([
      { names: ['pg-Alpha', 'pg-bravo'], truncated: true },
      { names: ['pg-charlie', 'pg-delta'], truncated: true },
      { names: ['pg-echo'], truncated: false },
    ]);
  });

  it('leaves tags out of listed roles, as IAM does', async () => {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 1 }));
    expect(page.Roles?.[0]?.RoleName).toBe('pg-Alpha');
    expect(page.Roles?.[0]?.Tags).toBeUndefined();
    expect(page.Roles?.[0]?.Arn).toBe('arn:aws:iam::000000000000:role/paged/pg-Alpha');
    expect(decodeURIComponent(page.Roles?.[0]?.AssumeRolePolicyDocument ?? '')).toBe(TRUST);
  });

  it('works with the SDK paginator, and a prefix matches paths that merely start with it', async () => {
    const seen: string[] = [];
    for await (const page of paginateListRoles(
      { client: iam, pageSize: 4 },
      { PathPrefix: '/paged' },
    )) {
      seen.push(...(page.Roles ?? []).map((role) => role.RoleName ?? ''));
    }
    expect(seen).toEqual([
      'pg-Alpha',
      'pg-bravo',
      'pg-charlie',
      'pg-delta',
      'pg-echo',
      'pg-other-path',
    ]);
  });

  it('resumes at the right place when the next item was deleted between pages', async () => {
    const first = await iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 3 }));
    expect(first.Roles?.map((role) => role.RoleName)).toEqual([
      'pg-Alpha',
      'pg-bravo',
      'pg-charlie',
    ]);
    await iam.send(new DeleteRoleCommand({ RoleName: 'pg-delta' }));
    const second = await iam.send(
      new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 3, Marker: first.Marker }),
    );
    expect(second.Roles?.map((role) => role.RoleName)).toEqual(['pg-echo']);
    expect(second.IsTruncated).toBe(false);
  });

  it.each([
    ['MaxItems 0', { MaxItems: 0 }, 'ValidationError'],
    ['MaxItems 1001', { MaxItems: 1001 }, 'ValidationError'],
    ['a made-up Marker', { Marker: 'not-a-marker' }, 'InvalidInputException'],
    ['a PathPrefix without a leading slash', { PathPrefix: 'paged/' }, 'ValidationError'],
  ])('refuses %s', async (_, input, name) => {
    const error = await failure(iam.send(new ListRolesCommand(input)));
    expect(error.name).toBe(name);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe('managed policies', () => {
  beforeAll(async () => {
    await createRole({ RoleName: 'with-policies' });
  });

  async function attached(RoleName = 'with-policies', PathPrefix?: string) {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, PathPrefix }));
    expect(page.IsTruncated).toBe(false);
    return page.AttachedPolicies;
  }

  it('attaches AWS and account policies by ARN, once each, listed by ARN with their names', async () => {
    expect(await attached()).toEqual([]);
    for (const arn of [BASIC, OWN, READ_ONLY, BASIC]) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'with-policies', PolicyArn: arn }));
    }
    expect(await attached()).toEqual([
      { PolicyName: 'deploy-things', PolicyArn: OWN },
      { PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY },
      { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC },
    ]);
    expect(await attached('with-policies', '/service-role/')).toEqual([
      { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC },
    ]);
  });

  it('pages attached policies with MaxItems and Marker', async () => {
    const first = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'with-policies', MaxItems: 2 }),
    );
    expect(first.AttachedPolicies?.map((policy) => policy.PolicyName)).toEqual([
      'deploy-things',
      'ReadOnlyAccess',
    ]);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(
      new ListAttachedRolePoliciesCommand({
        RoleName: 'with-policies',
        MaxItems: 2,
        Marker: first.Marker,
      }),
    );
    expect(second.AttachedPolicies?.map((policy) => policy.PolicyName)).toEqual([
      'AWSLambdaBasicExecutionRole',
    ]);
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
  });

  it('refuses to delete a role with policies attached (DeleteConflict, 409)', async () => {
    const error = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'with-policies' })));
    expect(error).toBeInstanceOf(DeleteConflictException);
    expect(error.message).toBe('Cannot delete entity, must detach all policies first.');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'with-policies' }))).Role?.RoleName).toBe(
      'with-policies',
    );
  });

  it.each([
    [
      'an ARN of the wrong shape',
      'arn:aws:iam::aws:ReadOnlyAccess',
      InvalidInputException,
      'ARN arn:aws:iam::aws:ReadOnlyAccess is not valid.',
      400,
    ],
    [
      'a role ARN',
      'arn:aws:iam::000000000000:role/lambda-exec',
      InvalidInputException,
      'is not valid.',
      400,
    ],
    [
      'a name instead of an ARN',
      'ReadOnlyAccess-and-more',
      InvalidInputException,
      'is not valid.',
      400,
    ],
    [
      "another account's policy",
      'arn:aws:iam::123456789012:policy/theirs',
      NoSuchEntityException,
      'Policy arn:aws:iam::123456789012:policy/theirs does not exist or is not attachable.',
      404,
    ],
  ])('refuses to attach %s', async (_, PolicyArn, type, message, status) => {
    const error = await failure(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'with-policies', PolicyArn })),
    );
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(message);
    expect(error.$metadata.httpStatusCode).toBe(status);
  });

  it('answers NoSuchEntity for a missing role or a policy that is not attached', async () => {
    for (const call of [
      iam.send(new AttachRolePolicyCommand({ RoleName: 'nobody', PolicyArn: BASIC })),
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'nobody' })),
      iam.send(new DeleteRoleCommand({ RoleName: 'nobody' })),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(NoSuchEntityException);
      expect(error.message).toBe('The role with name nobody cannot be found.');
    }
    const error = await failure(
      iam.send(
        new DetachRolePolicyCommand({
          RoleName: 'with-policies',
          PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      ),
    );
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe('Policy arn:aws:iam::aws:policy/AdministratorAccess was not found.');
  });

  it("stops at IAM's quota of 10 policies per role (LimitExceeded, 409)", async () => {
    await createRole({ RoleName: 'many-policies' });
    for (let i = 1; i <= 10; i++) {
      await iam.send(
        new AttachRolePolicyCommand({
          RoleName: 'many-policies',
          PolicyArn: `arn:aws:iam::aws:policy/Policy${i}`,
        }),
      );
    }
    const error = await failure(
      iam.send(
        new AttachRolePolicyCommand({
          RoleName: 'many-policies',
          PolicyArn: 'arn:aws:iam::aws:policy/Policy11',
        }),
      ),
    );
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.message).toBe('Cannot exceed quota for PoliciesPerRole: 10');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(await attached('many-policies')).toHaveLength(10);
  });

  it('deletes the role once every policy is detached', async () => {
    for (const arn of [BASIC, OWN, READ_ONLY]) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'with-policies', PolicyArn: arn }));
    }
    expect(await attached()).toEqual([]);
    await iam.send(new DeleteRoleCommand({ RoleName: 'with-policies' }));
    const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'with-policies' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
  });
});

describe('a restart of the local cloud', () => {
  it('keeps roles, their ids and their attached policies', async () => {
    await createRole({ RoleName: 'durable', Path: '/keep/', Tags: [{ Key: 'a', Value: 'b' }] });
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'durable', PolicyArn: BASIC }));
    const before = (await iam.send(new GetRoleCommand({ RoleName: 'durable' }))).Role;

    await cloud.stop();
    iam.destroy();
    cloud = await startLocalCloud({ port: 0, dataDir });
    iam = client(cloud.endpoint);

    const after = (await iam.send(new GetRoleCommand({ RoleName: 'durable' }))).Role;
    expect(after).toEqual(before);
    expect(
      await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'durable' })),
    ).toMatchObject({
      AttachedPolicies: [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC }],
      IsTruncated: false,
    });
    const listed = await iam.send(new ListRolesCommand({ PathPrefix: '/keep/' }));
    expect(listed.Roles?.map((role) => role.RoleName)).toEqual(['durable']);
    // A deleted role stays deleted.
    const gone = await failure(iam.send(new GetRoleCommand({ RoleName: 'with-policies' })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
  });
});
