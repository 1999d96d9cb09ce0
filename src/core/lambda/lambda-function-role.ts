// The role a function runs as: the one given (checked: Lambda must be able to assume it), or
// lambdash's default role, made on first use; and, when a function goes, its role with it if
// lambdash made it and no other function runs as it.
import type { AwsOptions } from '../aws/aws-call.js';
import type { LambdaRole } from '../aws/aws-resources.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { listFunctions } from './lambda-function-state.js';
import {
  DEFAULT_ROLE_NAME,
  deleteGeneratedRole,
  ensureLambdaRole,
  getLambdaRole,
} from './lambda-roles.js';

export interface FunctionRole {
  readonly roleArn: string;
  /** The role's name when this call made it (so a failed creation can take it back). */
  readonly createdRole: string | undefined;
}

/** The ARN of the role given (a LambdaRole, a name or an ARN), checked; the default one made when none is. */
export async function functionRole(
  target: AwsTarget,
  options: AwsOptions,
  role: LambdaRole | string | undefined,
): Promise<FunctionRole> {
  // A role object was read from IAM already; a role of another account cannot be read here.
  if (typeof role === 'object') return { roleArn: role.arn, createdRole: undefined };
  if (typeof role === 'string') {
    if (isForeignRoleArn(role, target.accountId)) return { roleArn: role, createdRole: undefined };
    return {
      roleArn: (await getLambdaRole(role, { ...awsOnly(options), target })).arn,
      createdRole: undefined,
    };
  }
  // The role is shared by every function lambdash deploys: none's labels are put on it.
  const made = await ensureLambdaRole({ ...awsOnly(options), target, name: DEFAULT_ROLE_NAME });
  return { roleArn: made.role.arn, createdRole: made.created ? made.role.name : undefined };
}

/**
 * The role given, read now (a name or an ARN of the target's account: it must exist and trust
 * Lambda) so a deployment can refuse it before anything is built or pushed; a LambdaRole and
 * another account's ARN are taken as they are. Nothing given stays undefined: the default
 * role is made only when a function is created.
 */
export async function readGivenRole(
  target: AwsTarget,
  options: AwsOptions,
  role: LambdaRole | string | undefined,
): Promise<LambdaRole | string | undefined> {
  if (typeof role !== 'string' || isForeignRoleArn(role, target.accountId)) return role;
  return getLambdaRole(role, { ...awsOnly(options), target });
}

/** After a function was deleted: its role too, unless another function runs as it. */
export async function deleteRoleOfDeletedFunction(
  target: AwsTarget,
  options: AwsOptions,
  roleArn: string,
): Promise<void> {
  if (isForeignRoleArn(roleArn, target.accountId)) return;
  const functions = await listFunctions(target, options);
  if (functions.some((fn) => fn.Role === roleArn)) return;
  await deleteGeneratedRole(roleArn, { ...awsOnly(options), target });
}

/** A role ARN of another account than the target's (which IAM here cannot read). */
function isForeignRoleArn(role: string, accountId?: string): boolean {
  const account = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(role)?.[1];
  return account !== undefined && accountId !== undefined && account !== accountId;
}

/** The signal and listener alone, not a function's settings (its name, its labels). */
function awsOnly(options: AwsOptions): AwsOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
}
