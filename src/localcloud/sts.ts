// STS, as much as tools need to learn who they are: GetCallerIdentity answers with whoever
// signed the request (the data folder's root keys, or a role's session); AssumeRole
// (sts-assume-role.ts) issues a role's session.

import { xmlEscape } from './server.js';
import { ACCOUNT_ID, type QueryService, ServiceError } from './service.js';
import { type AssumeRoleDeps, assumeRole } from './sts-assume-role.js';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function createStsService(deps: AssumeRoleDeps): QueryService {
  return {
    signingName: 'sts',
    xmlns: STS_XMLNS,
    async call(action, params, context) {
      if (action === 'AssumeRole') return assumeRole(deps, params, context);
      if (action === 'GetCallerIdentity') {
        const arn = context?.caller.arn ?? `arn:aws:iam::${ACCOUNT_ID}:root`;
        const userId = context?.caller.userId ?? ACCOUNT_ID;
        return `<Arn>${xmlEscape(arn)}</Arn><UserId>${xmlEscape(userId)}</UserId><Account>${ACCOUNT_ID}</Account>`;
      }
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action || '(no Action given)'} for version 2011-06-15 in the local cloud's STS.`,
      );
    },
  };
}
