// Lambda roles against a local cloud of this file's own, through the real IAM client: the
// default role made once and reused, an existing role given its missing policy, a role Lambda
// cannot assume refused with a hint, listing (paginated, lambdash's only), and deletion with
// the policies detached first.
import { randomBytes } from 'node:crypto';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustsLambda } from '../../../src/aws-rules/lambda-trust.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import {
  BASIC_EXECUTION_POLICY,
  createLambdaRole,
  DEFAULT_ROLE_NAME,
  deleteLambdaRole,
  getAllLambdaRoles,
  getLambdaRole,
} from '../../../src/core/lambda/lambda-roles.js';
import { failure, recorder } from '../../support/images.js';
import { createServiceRole } from '../../support/localcloud.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const suffix = randomBytes(4).toString('hex');
let test: TestTarget;

beforeAll(async () => {
  test = await startTestTarget();
});

afterAll(async () => {
  await test?.stop();
});

const calls = (events: readonly LambdashEvent[]) =>
  events.flatMap((event) => (event.type === 'aws.call' ? [event.operation] : []));

describe('createLambdaRole', () => {
  it('makes the default role: trusting Lambda, the basic execution policy attached, tagged as lambdash’s', async () => {
    const { events, onEvent } = recorder();
    const role = await createLambdaRole({ target: test.target, onEvent });
    expect(role).toEqual({
      name: DEFAULT_ROLE_NAME,
      arn: `arn:aws:iam::000000000000:role/${DEFAULT_ROLE_NAME}`,
      created: expect.any(Date),
      policies: [BASIC_EXECUTION_POLICY],
      tags: { 'dev.lambdash.generated': 'true' },
    });
    expect(calls(events)).toEqual(['GetRole', 'CreateRole', 'AttachRolePolicy']);
    const iam = test.target.clients.iam;
    const stored = await iam.send(new GetRoleCommand({ RoleName: DEFAULT_ROLE_NAME }));
    expect(trustsLambda(stored.Role?.AssumeRolePolicyDocument)).toBe(true);
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: DEFAULT_ROLE_NAME }),
    );
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([BASIC_EXECUTION_POLICY]);
  });

  it('reuses the role the second time, without making or attaching anything', async () => {
    const first = await getLambdaRole(DEFAULT_ROLE_NAME, { target: test.target });
    const { events, onEvent } = recorder();
    const again = await createLambdaRole({ target: test.target, onEvent });
    expect(again).toEqual(first);
    expect(calls(events)).toEqual(['GetRole', 'ListAttachedRolePolicies']);
  });

  it('attaches the basic execution policy to an existing role that trusts Lambda but lacks it', async () => {
    const name = `own-${suffix}`;
    await createServiceRole(test.target.clients.iam, name);
    const { events, onEvent } = recorder();
    const role = await createLambdaRole({ target: test.target, name, onEvent });
    expect(role.policies).toEqual([BASIC_EXECUTION_POLICY]);
    // Not lambdash's: not tagged as generated.
    expect(role.tags).toEqual({});
    expect(calls(events)).toEqual(['GetRole', 'ListAttachedRolePolicies', 'AttachRolePolicy']);
  });

  it('refuses an existing role Lambda cannot assume, says how to fix it, and changes nothing', async () => {
    const name = `ec2-${suffix}`;
    await createServiceRole(test.target.clients.iam, name, 'ec2.amazonaws.com');
    const { events, onEvent } = recorder();
    const error = await failure(createLambdaRole({ target: test.target, name, onEvent }));
    expect(error.code).toBe('INVALID_ROLE');
    expect(error.message).toBe(
      `Role ${name} does not let Lambda assume it: its trust policy does not allow lambda.amazonaws.com sts:AssumeRole.`,
    );
    expect(error.hint).toContain(`aws iam update-assume-role-policy --role-name ${name}`);
    expect(calls(events)).toEqual(['GetRole']);
    const attached = await test.target.clients.iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: name }),
    );
    expect(attached.AttachedPolicies).toEqual([]);
  });

  it('tags a new role with the user’s labels beside lambdash’s mark', async () => {
    const name = `labelled-${suffix}`;
    const role = await createLambdaRole({
      target: test.target,
      name,
      userLabels: { team: 'core' },
    });
    expect(role.tags).toEqual({ team: 'core', 'dev.lambdash.generated': 'true' });
    expect((await getLambdaRole(name, { target: test.target })).tags).toEqual(role.tags);
  });

  it('refuses a name IAM would refuse before any call', async () => {
    const { events, onEvent } = recorder();
    const error = await failure(
      createLambdaRole({ target: test.target, name: 'has space', onEvent }),
    );
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toBe('"has space" is not a valid IAM role name.');
    expect(events).toEqual([]);
    expect(
      (await failure(createLambdaRole({ target: test.target, name: 'r'.repeat(65) }))).code,
    ).toBe('INVALID_NAME');
  });
});

describe('getLambdaRole', () => {
  it('reads a role by name or ARN', async () => {
    const byName = await getLambdaRole(DEFAULT_ROLE_NAME, { target: test.target });
    expect(byName.policies).toEqual([BASIC_EXECUTION_POLICY]);
    expect(await getLambdaRole(byName.arn, { target: test.target })).toEqual(byName);
  });

  it('says ROLE_NOT_FOUND for a missing role and INVALID_ROLE for one Lambda cannot assume', async () => {
    const missing = await failure(getLambdaRole(`none-${suffix}`, { target: test.target }));
    expect(missing.code).toBe('ROLE_NOT_FOUND');
    expect(missing.message).toBe(`There is no IAM role none-${suffix}.`);
    expect((await failure(getLambdaRole(`ec2-${suffix}`, { target: test.target }))).code).toBe(
      'INVALID_ROLE',
    );
  });
});

describe('getAllLambdaRoles', () => {
  it('lists the roles Lambda can assume across pages, and with generatedOnly those lambdash made', async () => {
    // 105 more roles than IAM's page of 100, so the list spans two pages.
    const iam = test.target.clients.iam;
    const many = Array.from(
      { length: 105 },
      (_, i) => `many-${suffix}-${String(i).padStart(3, '0')}`,
    );
    for (const name of many) await createServiceRole(iam, name);
    const { events, onEvent } = recorder();
    const all = await getAllLambdaRoles({ target: test.target, onEvent });
    const names = all.map((role) => role.name);
    expect(names).toEqual(
      expect.arrayContaining([DEFAULT_ROLE_NAME, `own-${suffix}`, `labelled-${suffix}`, ...many]),
    );
    expect(names).not.toContain(`ec2-${suffix}`);
    expect(names).toHaveLength(many.length + 3);
    expect(calls(events).filter((op) => op === 'ListRoles')).toHaveLength(2);
    expect(all.find((role) => role.name === `own-${suffix}`)?.policies).toEqual([
      BASIC_EXECUTION_POLICY,
    ]);

    const generated = recorder();
    const ours = await getAllLambdaRoles({
      target: test.target,
      generatedOnly: true,
      onEvent: generated.onEvent,
    });
    expect(ours.map((role) => role.name).sort()).toEqual(
      [DEFAULT_ROLE_NAME, `labelled-${suffix}`].sort(),
    );
    // Two list pages, then a GetRole and a ListAttachedRolePolicies per lambdash role only.
    expect(calls(generated.events).sort()).toEqual(
      [
        'ListRoles',
        'ListRoles',
        'GetRole',
        'GetRole',
        'ListAttachedRolePolicies',
        'ListAttachedRolePolicies',
      ].sort(),
    );
  }, 60_000);

  it('does not count a role with lambdash’s description but without its tag', async () => {
    const name = `lookalike-${suffix}`;
    await test.target.clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
        Description: 'Runs Lambda functions deployed by lambdash (dev.lambdash.generated).',
      }),
    );
    const ours = await getAllLambdaRoles({ target: test.target, generatedOnly: true });
    expect(ours.map((role) => role.name)).not.toContain(name);
  });
});

describe('getAllLambdaRoles, cancelled', () => {
  it('is ABORTED, not a list of roles without their policies, when the signal fires during the last policy read', async () => {
    await createLambdaRole({ target: test.target, name: `listed-${suffix}` });
    const count = (await getAllLambdaRoles({ target: test.target, generatedOnly: true })).length;
    const controller = new AbortController();
    let reads = 0;
    const error = await failure(
      getAllLambdaRoles({
        target: test.target,
        generatedOnly: true,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'aws.call' && event.operation === 'ListAttachedRolePolicies') {
            reads++;
            if (reads === count) controller.abort();
          }
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
  });
});

describe('deleteLambdaRole', () => {
  it('detaches the policies first, then deletes the role', async () => {
    const name = `gone-${suffix}`;
    const role = await createLambdaRole({ target: test.target, name });
    const iam = test.target.clients.iam;
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: name,
        PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
      }),
    );
    const { events, onEvent } = recorder();
    await deleteLambdaRole(role, { target: test.target, onEvent });
    expect(calls(events)).toEqual([
      'ListAttachedRolePolicies',
      'DetachRolePolicy',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    const error = await iam.send(new GetRoleCommand({ RoleName: name })).catch((e: Error) => e);
    expect((error as Error).name).toBe('NoSuchEntityException');
  });

  it('says ROLE_NOT_FOUND for a role that is not there', async () => {
    const error = await failure(deleteLambdaRole(`none-${suffix}`, { target: test.target }));
    expect(error.code).toBe('ROLE_NOT_FOUND');
  });
});
