// What one invocation gave back, the same whether a deployed function or a local container
// answered: what invoke.ts makes its result or InvocationError from, and where the rest of the
// log is when the 4 KB tail was cut.
import type { AwsTarget } from '../aws/aws-target.js';
import type { FunctionErrorDetails } from './invocation-error.js';

export interface InvocationOutcome {
  /** The decoded answer (the error payload for a function error). */
  readonly result: unknown;
  readonly error: Omit<FunctionErrorDetails, 'log' | 'requestId'> | undefined;
  readonly requestId: string;
  /** The log tail as returned (with logs asked for). */
  readonly tail: string | undefined;
  /** Round trip, as the caller saw it. */
  readonly seconds: number;
  /** Where to read more of the log. */
  readonly source:
    | { readonly kind: 'lambda'; readonly target: AwsTarget; readonly name: string }
    | { readonly kind: 'container'; readonly id: string };
}
