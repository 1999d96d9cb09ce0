// IAM roles for Lambda functions: the one lambdash makes (trusting lambda.amazonaws.com, with
// the basic execution policy so the function can write its logs), found again and reused, and
// removed with its policies detached first. A role that Lambda cannot assume is refused here,
// with what to do, rather than by CreateFunction later.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { LAMBDA_TRUST_POLICY, trustsLambda } from '../../aws-rules/lambda-trust.js';
import { type AwsOptions, callAws, callAwsIfFound, collectPages } from '../aws/aws-call.js';
import { awsErrorName } from '../aws/aws-errors.js';
import type { LambdaRole } from '../aws/aws-resources.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { targetOf } from '../aws/aws-target.js';
import { LambdashError } from '../common/errors.js';
import { LABELS, validateUserLabels } from '../common/labels.js';
import { mapLimited } from '../common/map-limited.js';
import { validateRoleName } from '../common/names.js';

export const DEFAULT_ROLE_NAME = 'lambdash-function';
export const BASIC_EXECUTION_POLICY =
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/**
 * The description of the roles lambdash makes. ListRoles returns descriptions but not tags, so
 * it lets `generatedOnly` pick lambdash's roles without one GetRole per role of the account;
 * the tag (read with GetRole) then confirms each.
 */
const ROLE_DESCRIPTION = 'Runs Lambda functions deployed by lambdash (dev.lambdash.generated).';
/** Reads of role details in flight at once (IAM throttles bursts). */
const READ_CONCURRENCY = 8;
const NO_SUCH_ROLE = ['NoSuchEntityException'];
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

export interface LambdaRoleOptions extends AwsOptions {
  /** The role's name (default `lambdash-function`, shared by the functions lambdash deploys). */
  readonly name?: string;
  /** Tags for a role this call makes (an existing role keeps its own). */
  readonly userLabels?: Record<string, string>;
}

/**
 * A role Lambda can assume, with AWSLambdaBasicExecutionRole attached: the existing role of
 * that name when it trusts Lambda (the policy attached if it was missing), else a new one
 * tagged `dev.lambdash.generated=true`.
 */
export async function createLambdaRole(options: LambdaRoleOptions = {}): Promise<LambdaRole> {
  return (await ensureLambdaRole(options)).role;
}

/** As createLambdaRole, and whether this call made the role (so a failure after it can undo it). */
export async function ensureLambdaRole(
  options: LambdaRoleOptions = {},
): Promise<{ role: LambdaRole; created: boolean }> {
  const name = validateRoleName(options.name ?? DEFAULT_ROLE_NAME);
  const userLabels = validateUserLabels(options.userLabels);
  const target = await targetOf(options);
  const existing = await readRole(target, options, name);
  if (existing) return { role: await reuseRole(target, options, existing), created: false };

  const tags = { ...userLabels, [LABELS.generated]: 'true' };
  let made: Role | undefined;
  try {
    made = (
      await callAws(target, options, 'IAM', 'CreateRole', (abortSignal) =>
        target.clients.iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
            Description: ROLE_DESCRIPTION,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
          { abortSignal },
        ),
      )
    ).Role;
  } catch (error) {
    // Made by someone else at the same moment: use theirs.
    if (awsErrorName(error) !== 'EntityAlreadyExistsException') throw error;
    const raced = await readRole(target, options, name);
    if (!raced) throw error;
    return { role: await reuseRole(target, options, raced), created: false };
  }
  if (!made?.Arn) throw new LambdashError('AWS_FAILED', `IAM made role ${name} without an ARN.`);
  try {
    await attachBasicPolicy(target, options, name);
  } catch (error) {
    // A role without its policy would deploy functions that cannot log: take it back.
    await deleteLambdaRole(name, { target }).catch(() => undefined);
    throw error;
  }
  return { role: roleOf(made, [BASIC_EXECUTION_POLICY]), created: true };
}

/** The role (ROLE_NOT_FOUND when missing, INVALID_ROLE when Lambda cannot assume it). */
export async function getLambdaRole(name: string, options: AwsOptions = {}): Promise<LambdaRole> {
  const roleName = roleNameOf(name);
  const target = await targetOf(options);
  const role = await readRole(target, options, roleName);
  if (!role) throw roleNotFound(roleName);
  checkTrust(role);
  return roleOf(role, await attachedPolicies(target, options, roleName));
}

/**
 * The roles Lambda can assume (their trust policy names lambda.amazonaws.com); with
 * `generatedOnly`, those lambdash made. One paginated ListRoles, then per role kept a GetRole
 * (tags, which ListRoles leaves out) and a ListAttachedRolePolicies, a few at a time.
 */
export async function getAllLambdaRoles(
  options: AwsOptions & { readonly generatedOnly?: boolean } = {},
): Promise<LambdaRole[]> {
  const target = await targetOf(options);
  const listed = await collectPages(
    (Marker) =>
      callAws(target, options, 'IAM', 'ListRoles', (abortSignal) =>
        target.clients.iam.send(new ListRolesCommand({ ...(Marker ? { Marker } : {}) }), {
          abortSignal,
        }),
      ),
    (page) => ({ items: page.Roles, next: page.IsTruncated ? page.Marker : undefined }),
  );
  const candidates = listed.filter(
    (role) =>
      trustsLambda(role.AssumeRolePolicyDocument) &&
      (!options.generatedOnly || role.Description === ROLE_DESCRIPTION),
  );
  const roles = await mapLimited(candidates, READ_CONCURRENCY, async (listedRole) => {
    const name = listedRole.RoleName ?? '';
    // Deleted since the list was read: left out. Any other failure (denied, cancelled) is the
    // listing's, not a role shown without its policies.
    const role = await readRole(target, options, name);
    const policies = role && (await attachedPoliciesIfFound(target, options, name));
    return role && policies ? roleOf(role, policies) : undefined;
  });
  return roles.filter(
    (role): role is LambdaRole =>
      role !== undefined && (!options.generatedOnly || role.tags[LABELS.generated] === 'true'),
  );
}

/** Detaches the role's managed policies, then deletes it (ROLE_NOT_FOUND when missing). */
export async function deleteLambdaRole(
  role: LambdaRole | string,
  options: AwsOptions = {},
): Promise<void> {
  const name = roleNameOf(typeof role === 'string' ? role : role.name);
  const target = await targetOf(options);
  const policies = await attachedPoliciesIfFound(target, options, name);
  if (!policies) throw roleNotFound(name);
  for (const PolicyArn of policies) {
    await callAwsIfFound(target, options, 'IAM', 'DetachRolePolicy', NO_SUCH_ROLE, (abortSignal) =>
      target.clients.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }), {
        abortSignal,
      }),
    );
  }
  try {
    await callAws(target, options, 'IAM', 'DeleteRole', (abortSignal) =>
      target.clients.iam.send(new DeleteRoleCommand({ RoleName: name }), { abortSignal }),
    );
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'NoSuchEntityException') return; // Gone meanwhile: what was asked for.
    if (code === 'DeleteConflictException') {
      throw new LambdashError(
        'AWS_FAILED',
        `Role ${name} still has inline policies or instance profiles, so IAM keeps it.`,
        `Remove them first (aws iam list-role-policies --role-name ${name}; aws iam list-instance-profiles-for-role --role-name ${name}), then delete the role again.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Deletes the role (a name or an ARN) as deleteLambdaRole does, but only one lambdash made (its
 * tag says so): a role made elsewhere may serve more than Lambda. Whether it was deleted; one
 * already gone is fine.
 */
export async function deleteGeneratedRole(
  role: string,
  options: AwsOptions & { readonly target: AwsTarget },
): Promise<boolean> {
  const name = roleNameOf(role);
  const found = await readRole(options.target, options, name);
  if (!found || roleOf(found, []).tags[LABELS.generated] !== 'true') return false;
  try {
    await deleteLambdaRole(name, options);
    return true;
  } catch (error) {
    if (error instanceof LambdashError && error.code === 'ROLE_NOT_FOUND') return false;
    throw error;
  }
}

/** A role name from a name or a role ARN. */
export function roleNameOf(nameOrArn: string): string {
  const fromArn = ROLE_ARN.exec(nameOrArn)?.[1];
  return validateRoleName(fromArn ?? nameOrArn);
}

async function reuseRole(target: AwsTarget, options: AwsOptions, role: Role): Promise<LambdaRole> {
  checkTrust(role);
  const name = role.RoleName ?? '';
  const policies = await attachedPolicies(target, options, name);
  if (policies.includes(BASIC_EXECUTION_POLICY)) return roleOf(role, policies);
  await attachBasicPolicy(target, options, name);
  return roleOf(role, [...policies, BASIC_EXECUTION_POLICY]);
}

function checkTrust(role: Role): void {
  if (trustsLambda(role.AssumeRolePolicyDocument)) return;
  throw new LambdashError(
    'INVALID_ROLE',
    `Role ${role.RoleName} does not let Lambda assume it: its trust policy does not allow lambda.amazonaws.com sts:AssumeRole.`,
    `Give the function another role (lambdash makes "${DEFAULT_ROLE_NAME}" when none is named), or add lambda.amazonaws.com to the role's trust policy: aws iam update-assume-role-policy --role-name ${role.RoleName} --policy-document '${LAMBDA_TRUST_POLICY}'`,
  );
}

function readRole(target: AwsTarget, options: AwsOptions, name: string) {
  return callAwsIfFound(target, options, 'IAM', 'GetRole', NO_SUCH_ROLE, async (abortSignal) => {
    const out = await target.clients.iam.send(new GetRoleCommand({ RoleName: name }), {
      abortSignal,
    });
    return out.Role;
  });
}

function attachedPolicies(target: AwsTarget, options: AwsOptions, name: string) {
  return collectPages(
    (Marker) =>
      callAws(target, options, 'IAM', 'ListAttachedRolePolicies', (abortSignal) =>
        target.clients.iam.send(
          new ListAttachedRolePoliciesCommand({ RoleName: name, ...(Marker ? { Marker } : {}) }),
          { abortSignal },
        ),
      ),
    (page) => ({
      items: page.AttachedPolicies?.flatMap((policy) =>
        policy.PolicyArn ? [policy.PolicyArn] : [],
      ),
      next: page.IsTruncated ? page.Marker : undefined,
    }),
  );
}

/** The role's managed policies, or undefined when there is no such role. */
async function attachedPoliciesIfFound(
  target: AwsTarget,
  options: AwsOptions,
  name: string,
): Promise<string[] | undefined> {
  try {
    return await attachedPolicies(target, options, name);
  } catch (error) {
    if (awsErrorName(error) === 'NoSuchEntityException') return undefined;
    throw error;
  }
}

function attachBasicPolicy(target: AwsTarget, options: AwsOptions, name: string) {
  return callAws(target, options, 'IAM', 'AttachRolePolicy', (abortSignal) =>
    target.clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: name, PolicyArn: BASIC_EXECUTION_POLICY }),
      { abortSignal },
    ),
  );
}

function roleOf(role: Role, policies: readonly string[]): LambdaRole {
  return {
    name: role.RoleName ?? '',
    arn: role.Arn ?? '',
    created: role.CreateDate ?? new Date(0),
    policies: [...policies],
    tags: Object.fromEntries((role.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  };
}

function roleNotFound(name: string): LambdashError {
  return new LambdashError(
    'ROLE_NOT_FOUND',
    `There is no IAM role ${name}.`,
    `Create it with createLambdaRole({ name: '${name}' }), or leave the role out and lambdash uses "${DEFAULT_ROLE_NAME}".`,
  );
}
