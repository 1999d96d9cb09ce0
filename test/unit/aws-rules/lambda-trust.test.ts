import { describe, expect, it } from 'vitest';
import { LAMBDA_TRUST_POLICY, trustsLambda } from '../../../src/aws-rules/lambda-trust.js';

const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Principal: unknown, Action: unknown = 'sts:AssumeRole') => ({
  Effect: 'Allow',
  Principal,
  Action,
});

describe('trustsLambda', () => {
  it('accepts lambdash’s own trust policy, also URL-encoded as IAM returns it', () => {
    expect(trustsLambda(LAMBDA_TRUST_POLICY)).toBe(true);
    expect(trustsLambda(encodeURIComponent(LAMBDA_TRUST_POLICY))).toBe(true);
  });

  it.each([
    ['a list of services', allow({ Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] })],
    ['any principal', allow('*')],
    ['sts:*', allow({ Service: 'lambda.amazonaws.com' }, 'sts:*')],
    ['a list of actions', allow({ Service: 'lambda.amazonaws.com' }, ['sts:TagSession', '*'])],
    // IAM reads action names without regard to case, and with wildcards.
    ['an action in other case', allow({ Service: 'lambda.amazonaws.com' }, 'STS:assumerole')],
    ['an action pattern', allow({ Service: 'lambda.amazonaws.com' }, 'sts:Assume*')],
    ['a one-character wildcard', allow({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRol?')],
  ])('accepts %s', (_, statement) => {
    expect(trustsLambda(policy(statement))).toBe(true);
    // A single statement need not be in a list.
    expect(trustsLambda(JSON.stringify({ Statement: statement }))).toBe(true);
  });

  it.each([
    ['another service', policy(allow({ Service: 'ec2.amazonaws.com' }))],
    ['a service named like it', policy(allow({ Service: 'notlambda.amazonaws.com.evil' }))],
    ['another action', policy(allow({ Service: 'lambda.amazonaws.com' }, 'sts:TagSession'))],
    [
      'a pattern of other actions',
      policy(allow({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRoleWith*')),
    ],
    [
      'a pattern whose dot is not a wildcard',
      policy(allow({ Service: 'lambda.amazonaws.com' }, 'sts.AssumeRole')),
    ],
    [
      'an Allow with a Deny by pattern',
      policy(allow('*'), {
        ...allow({ Service: 'lambda.amazonaws.com' }, 'sts:*'),
        Effect: 'Deny',
      }),
    ],
    [
      'an Allow with a Deny of Lambda',
      policy(allow('*'), { ...allow({ Service: 'lambda.amazonaws.com' }), Effect: 'Deny' }),
    ],
    ['no statement', JSON.stringify({ Version: '2012-10-17' })],
    ['a text that is not JSON', '{not json'],
    ['nothing', undefined],
  ])('refuses %s', (_, document) => {
    expect(trustsLambda(document)).toBe(false);
  });
});
