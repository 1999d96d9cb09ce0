// AWS's errors as people should read them: each kind gets its code and a hint that says what to
// do. The errors are shaped as the SDK raises them (a `name`, a `message`, sometimes a `code`).
import { describe, expect, it } from 'vitest';
import { awsError, awsErrorName } from '../../../src/core/aws/aws-errors.js';
import { LambdashError } from '../../../src/core/common/errors.js';

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, ...extra });
}

const call = { service: 'ECR', operation: 'CreateRepository' };

describe('awsError', () => {
  it.each([
    [
      'an expired SSO session',
      sdkError(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      { profile: 'dev' },
      'AWS_CREDENTIALS',
      /expired/,
      'Sign in again: aws sso login --profile dev',
    ],
    [
      'no credentials at all',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      {},
      'AWS_CREDENTIALS',
      /No usable AWS credentials/,
      'Configure credentials (aws configure, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or unset them to use the local cloud.',
    ],
    [
      'an expired session token',
      sdkError('ExpiredTokenException', 'The security token included in the request is expired'),
      { profile: 'ci' },
      'AWS_CREDENTIALS',
      /have expired/,
      'Configure credentials (aws configure --profile ci, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or unset them to use the local cloud.',
    ],
    [
      'a key AWS does not know',
      sdkError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      ),
      {},
      'AWS_CREDENTIALS',
      /does not accept these credentials/,
      'Check the access key, or sign in again (aws configure, aws sso login).',
    ],
  ])('%s', (_, error, extra, code, message, hint) => {
    const mapped = awsError(error, { ...call, ...extra });
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.hint).toBe(hint);
    expect(mapped.cause).toBe(error);
  });

  it('names the missing permission from the message when AWS gives it', () => {
    const error = sdkError(
      'AccessDeniedException',
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:eu-west-1:123456789012:repository/api because no identity-based policy allows the ecr:CreateRepository action',
    );
    const mapped = awsError(error, call);
    expect(mapped.code).toBe('AWS_ACCESS_DENIED');
    expect(mapped.message).toBe(
      'ECR CreateRepository was denied: the identity in use lacks ecr:CreateRepository.',
    );
    expect(mapped.hint).toBe(
      'Grant ecr:CreateRepository to this identity (an IAM policy), or use a profile that has it.',
    );
  });

  it('names the permission from the call when the message does not', () => {
    const mapped = awsError(sdkError('AccessDenied', 'Access Denied'), {
      service: 'CloudWatch Logs',
      operation: 'FilterLogEvents',
    });
    expect(mapped.message).toBe(
      'CloudWatch Logs FilterLogEvents was denied: the identity in use lacks logs:FilterLogEvents.',
    );
  });

  it('says throttling outlasted the retries', () => {
    const mapped = awsError(sdkError('ThrottlingException', 'Rate exceeded'), call);
    expect(mapped.code).toBe('AWS_THROTTLED');
    expect(mapped.message).toBe(
      'ECR CreateRepository was throttled by AWS, even after retrying with backoff.',
    );
  });

  it('tells a local endpoint that does not answer from AWS that does not', () => {
    const refused = sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:4566', {
      code: 'ECONNREFUSED',
    });
    expect(awsError(refused, { ...call, endpoint: 'http://127.0.0.1:4566' }).hint).toBe(
      'Start the local cloud (lambdash cloud), or unset AWS_ENDPOINT_URL.',
    );
    expect(awsError(refused, call).hint).toBe('Check the network connection and the region.');
  });

  it('reports a cancelled call as ABORTED', () => {
    const controller = new AbortController();
    controller.abort();
    const mapped = awsError(sdkError('AbortError', 'Request aborted'), {
      ...call,
      signal: controller.signal,
    });
    expect(mapped.code).toBe('ABORTED');
    expect(mapped.message).toBe('ECR CreateRepository was cancelled');
  });

  it('keeps the name of any other error, reachable through the cause', () => {
    const error = sdkError(
      'RepositoryNotFoundException',
      "The repository with name 'x' does not exist",
    );
    const mapped = awsError(error, call);
    expect(mapped.code).toBe('AWS_FAILED');
    expect(mapped.message).toBe(
      "ECR CreateRepository failed: RepositoryNotFoundException: The repository with name 'x' does not exist",
    );
    expect(awsErrorName(mapped)).toBe('RepositoryNotFoundException');
    expect(awsErrorName(error)).toBe('RepositoryNotFoundException');
  });

  it('passes LambdashErrors through unchanged', () => {
    const own = new LambdashError('INVALID_NAME', 'bad name');
    expect(awsError(own, call)).toBe(own);
  });
});
