// Every AWS call goes through here: it is announced (`aws.call`, for the terminal app's
// command log), cancellable with the operation's signal, and its errors come back as
// LambdashErrors that teach. Throttling is retried by the SDK itself (see aws-target.ts).

import { LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { awsError, awsErrorName } from './aws-errors.js';
import type { AwsTarget } from './aws-target.js';

export type AwsService = 'Lambda' | 'ECR' | 'IAM' | 'STS' | 'CloudWatch Logs';

/** What every function that calls AWS accepts. */
export interface AwsOptions extends OperationOptions {
  /** Where calls go; the default target (getDefaultTarget: it never starts a server) when not given. */
  readonly target?: AwsTarget;
}

/**
 * Runs one AWS call: `send` gets the abort signal to pass to the client's `send`.
 *
 * ```ts
 * await callAws(target, options, 'ECR', 'CreateRepository', (abortSignal) =>
 *   target.clients.ecr.send(new CreateRepositoryCommand(input), { abortSignal }));
 * ```
 */
export async function callAws<T>(
  target: AwsTarget,
  options: OperationOptions | undefined,
  service: AwsService,
  operation: string,
  send: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  throwIfAborted(options?.signal, `${service} ${operation}`);
  emit(options, { type: 'aws.call', service, operation });
  try {
    return await send(options?.signal);
  } catch (error) {
    throw awsError(error, {
      service,
      operation,
      profile: target.profile,
      endpoint: target.endpoint,
      signal: options?.signal,
    });
  }
}

/**
 * As callAws, but an error named in `absent` (`ResourceNotFoundException`...) means the thing
 * is not there: undefined instead of an error.
 */
export async function callAwsIfFound<T>(
  target: AwsTarget,
  options: OperationOptions | undefined,
  service: AwsService,
  operation: string,
  absent: readonly string[],
  send: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await callAws(target, options, service, operation, send);
  } catch (error) {
    const name = awsErrorName(error);
    if (name && absent.includes(name)) return undefined;
    throw error;
  }
}

/**
 * Calls a paginated list operation until the last page; `page` gets the previous page's token.
 * A service that hands back a token it gave before would loop for ever: that ends in an error
 * (as the SDK's own paginators do), with the items so far lost rather than a list passed off
 * as whole.
 */
export async function collectPages<Page, Item>(
  page: (token: string | undefined) => Promise<Page>,
  read: (page: Page) => {
    readonly items: readonly Item[] | undefined;
    readonly next: string | undefined;
  },
): Promise<Item[]> {
  const items: Item[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const result = read(await page(token));
    items.push(...(result.items ?? []));
    if (result.next && seen.has(result.next)) {
      throw new LambdashError(
        'AWS_FAILED',
        'The service returned a page token it had returned before; the list would never end.',
        'Try again; if it persists, the endpoint is not behaving like AWS (check --endpoint).',
      );
    }
    token = result.next;
    if (token) seen.add(token);
  } while (token);
  return items;
}
