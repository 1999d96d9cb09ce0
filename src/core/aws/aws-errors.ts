// AWS's errors, turned into ones that say what to do: sign in again, which permission is
// missing, wait for throttling to pass, start the local cloud. The SDK's error stays the cause,
// and its name is kept (awsErrorName) so callers can still tell NotFound from the rest.
import { abortedBy, LambdashError } from '../common/errors.js';

export interface AwsCallInfo {
  readonly service: string;
  readonly operation: string;
  readonly profile?: string | undefined;
  /** Set for the local cloud or another non-AWS endpoint. */
  readonly endpoint?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const PROVIDER_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);

/** The AWS error's name (`RepositoryNotFoundException`), through a LambdashError's cause. */
export function awsErrorName(error: unknown): string | undefined {
  const seen = error instanceof LambdashError ? error.cause : error;
  const name = (seen as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The LambdashError for a failed AWS call. */
export function awsError(error: unknown, call: AwsCallInfo): LambdashError {
  const doing = `${call.service} ${call.operation}`;
  const aborted = abortedBy(error, call.signal, doing);
  if (aborted) return aborted;
  if (error instanceof LambdashError) return error;
  const name = awsErrorName(error) ?? 'Error';
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  const cause = { cause: error };
  const profileFlag = call.profile ? ` --profile ${call.profile}` : '';

  if (
    PROVIDER_ERRORS.has(name) ||
    EXPIRED.has(name) ||
    /\bSSO\b.*expired|expired.*\bSSO\b/i.test(message)
  ) {
    const sso = /\bSSO\b|sso_/i.test(message);
    return new LambdashError(
      'AWS_CREDENTIALS',
      EXPIRED.has(name) || /expired/i.test(message)
        ? `The AWS credentials have expired (${message}).`
        : `No usable AWS credentials: ${message}`,
      sso
        ? `Sign in again: aws sso login${profileFlag || ' --profile <your profile>'}`
        : `Configure credentials (aws configure${profileFlag}, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or unset them to use the local cloud.`,
      cause,
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new LambdashError(
      'AWS_CREDENTIALS',
      `AWS does not accept these credentials (${name}: ${message}).`,
      `Check the access key, or sign in again (aws configure${profileFlag}, aws sso login${profileFlag}).`,
      cause,
    );
  }
  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const action = /perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
    const permission = action ?? `${serviceCode(call.service)}:${call.operation}`;
    return new LambdashError(
      'AWS_ACCESS_DENIED',
      `${doing} was denied: the identity in use lacks ${permission}.`,
      `Grant ${permission} to this identity (an IAM policy), or use a profile that has it.`,
      cause,
    );
  }
  if (THROTTLED.has(name)) {
    return new LambdashError(
      'AWS_THROTTLED',
      `${doing} was throttled by AWS, even after retrying with backoff.`,
      'Wait a minute and try again; if it keeps happening, ask AWS for a higher limit.',
      cause,
    );
  }
  const network = (error as { code?: unknown } | null)?.code;
  if (network === 'ECONNREFUSED' || network === 'ECONNRESET' || network === 'ENOTFOUND') {
    return new LambdashError(
      'AWS_FAILED',
      `${doing} could not reach ${call.endpoint ?? 'AWS'} (${String(network)}).`,
      call.endpoint
        ? 'Start the local cloud (lambdash cloud), or unset AWS_ENDPOINT_URL.'
        : 'Check the network connection and the region.',
      cause,
    );
  }
  return new LambdashError('AWS_FAILED', `${doing} failed: ${name}: ${message}`, undefined, cause);
}

/** IAM's service prefix of an SDK service name (`CloudWatch Logs` → `logs`). */
function serviceCode(service: string): string {
  const codes: Record<string, string> = {
    Lambda: 'lambda',
    ECR: 'ecr',
    IAM: 'iam',
    STS: 'sts',
    'CloudWatch Logs': 'logs',
  };
  return codes[service] ?? service.toLowerCase();
}
