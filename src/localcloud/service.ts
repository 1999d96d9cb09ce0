// What every service of the local cloud implements, whatever its wire protocol. The server
// (server.ts) decodes requests into (operation, input) and encodes results and errors in
// the service's own wire shape, so the AWS SDK raises its typed exceptions.
import type { Caller } from './credentials.js';

export { ACCOUNT_ID } from './account.js';

/** An error the AWS API would return: `code` is the exception name the SDK maps to a class. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 400 for most client errors. */
    readonly status = 400,
    /** `Sender` (the caller's fault) or `Receiver` (ours), as the query protocol says. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** What a service knows of a request beyond its input: who signed it. */
export interface RequestContext {
  readonly caller: Caller;
  readonly requestId: string;
}

/** JSON 1.1 services (ECR, CloudWatch Logs): `X-Amz-Target: <prefix>.<Operation>`. */
export interface JsonService {
  /** e.g. `AmazonEC2ContainerRegistry_V20150921`, `Logs_20140328`. */
  readonly targetPrefix: string;
  call(
    operation: string,
    input: Record<string, unknown>,
    context?: RequestContext,
  ): Promise<unknown>;
}

/** Query services (IAM, STS): form-encoded `Action=...` in, XML out. */
export interface QueryService {
  /** The SigV4 signing name in the Authorization header's credential scope: `iam`, `sts`. */
  readonly signingName: string;
  /** The XML namespace of responses, e.g. `https://iam.amazonaws.com/doc/2010-05-08/`. */
  readonly xmlns: string;
  /** Returns the inner XML of `<ActionResult>` (may be empty). */
  call(action: string, params: URLSearchParams, context?: RequestContext): Promise<string>;
}
