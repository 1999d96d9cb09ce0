// The trust policy of a role Lambda may assume, and the check that an existing role's policy
// lets Lambda assume it (IAM hands policies back URL-encoded). The library checks roles with it
// before using them and the local cloud's Lambda refuses roles with it, so the two agree.

export const LAMBDA_SERVICE = 'lambda.amazonaws.com';

/** The trust policy lambdash gives the roles it makes. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: LAMBDA_SERVICE }, Action: 'sts:AssumeRole' },
  ],
});

/**
 * Whether a trust policy lets Lambda assume the role: an Allow statement for the principal
 * `lambda.amazonaws.com` (or `*`) with an action matching `sts:AssumeRole` (`sts:*`,
 * `sts:assume*`...), and no Deny of it.
 * Conditions are not evaluated: one that excludes Lambda is caught by CreateFunction.
 */
export function trustsLambda(document: string | undefined): boolean {
  if (!document) return false;
  let policy: unknown;
  try {
    policy = JSON.parse(safeDecode(document));
  } catch {
    return false;
  }
  const statement = (policy as { Statement?: unknown } | null)?.Statement;
  const statements: unknown[] = Array.isArray(statement) ? statement : [statement];
  const covers = (effect: 'Allow' | 'Deny') =>
    statements.some((entry) => {
      if (typeof entry !== 'object' || entry === null) return false;
      const { Effect, Principal, Action } = entry as Record<string, unknown>;
      if (Effect !== effect) return false;
      const service = (Principal as { Service?: unknown } | null | undefined)?.Service;
      const services = Array.isArray(service) ? service : [service];
      const actions = Array.isArray(Action) ? Action : [Action];
      return (
        (Principal === '*' || services.includes(LAMBDA_SERVICE)) && actions.some(coversAssumeRole)
      );
    });
  return covers('Allow') && !covers('Deny');
}

/** Whether an action pattern matches sts:AssumeRole: IAM ignores case, and allows `*` and `?`. */
function coversAssumeRole(action: unknown): boolean {
  if (typeof action !== 'string') return false;
  const pattern = action
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`, 'i').test('sts:AssumeRole');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
