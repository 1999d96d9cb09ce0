import { describe, expect, it } from 'vitest';
import { trustsLambda } from '../../../src/localcloud/index.js';

const allow = (principal: unknown, action: unknown = 'sts:AssumeRole', effect = 'Allow') => ({
  Effect: effect,
  Principal: principal,
  Action: action,
});
const doc = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('trustsLambda', () => {
  it.each([
    [doc(allow({ Service: 'lambda.amazonaws.com' })), true],
    [
      encodeURIComponent(doc(allow({ Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] }))),
      true,
    ],
    [doc(allow({ Service: 'lambda.amazonaws.com' }, ['sts:TagSession', 'sts:AssumeRole'])), true],
    [doc(allow('*', '*')), true],
    [doc(allow({ Service: 'ec2.amazonaws.com' })), false],
    [doc(allow({ Service: 'notlambda.amazonaws.com.evil' })), false],
    [doc(allow({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRole', 'Deny')), false],
    [
      doc(
        allow({ Service: 'lambda.amazonaws.com' }),
        allow({ Service: 'lambda.amazonaws.com' }, 'sts:*', 'Deny'),
      ),
      false,
    ],
    [doc(allow({ Service: 'lambda.amazonaws.com' }, 's3:GetObject')), false],
    ['not json', false],
  ])('%s → %s', (document, expected) => {
    expect(trustsLambda(document)).toBe(expected);
  });
});
