// STS, as much as tools need to learn who they are: GetCallerIdentity. Every caller is the
// local account's root, whatever keys it signs with.
import { ACCOUNT_ID, type QueryService, ServiceError } from './service.js';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function createStsService(): QueryService {
  return {
    signingName: 'sts',
    xmlns: STS_XMLNS,
    async call(action) {
      if (action === 'GetCallerIdentity') {
        return `<Arn>arn:aws:iam::${ACCOUNT_ID}:root</Arn><UserId>${ACCOUNT_ID}</UserId><Account>${ACCOUNT_ID}</Account>`;
      }
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action || '(no Action given)'} for version 2011-06-15 in the local cloud's STS.`,
      );
    },
  };
}
