// A workflow over several responders: every one is read and checked first (a refusal changes
// nothing of that responder), then each checked one runs, and one failing does not stop the
// others. Each ends as an outcome of its own, in the order given. Only cancellation stops
// them all.
import { isLambdashError, type LambdashError } from '../common/errors.js';

export type EachOutcome<T> =
  | ({ readonly name: string; readonly ok: true } & T)
  /** Failed; with what it made when it ran to its end and failed there (a failed test). */
  | ({ readonly name: string; readonly ok: false; readonly error: Error } & Partial<T>);

export interface EachSteps<I, P extends { readonly name: string }, T> {
  /** How to call an item that could not be read (before its own name is known). */
  nameOf(item: I): string;
  /** Reads and checks an item; changes nothing. */
  prepare(item: I): Promise<P>;
  run(prepared: P): Promise<T>;
  /** The error of a result that counts as failed (a test that ran and failed). */
  failureOf?(result: T, prepared: P): LambdashError | undefined;
}

export interface EachOptions<T> {
  readonly signal?: AbortSignal;
  /** Told as each item ends, refusals first. */
  readonly onOutcome?: (outcome: EachOutcome<T>) => void;
}

export async function runEach<I, P extends { readonly name: string }, T extends object>(
  items: readonly I[],
  steps: EachSteps<I, P, T>,
  options: EachOptions<T> = {},
): Promise<EachOutcome<T>[]> {
  const outcomes: (EachOutcome<T> | undefined)[] = items.map(() => undefined);
  const settle = (index: number, outcome: EachOutcome<T>) => {
    outcomes[index] = outcome;
    try {
      options.onOutcome?.(outcome);
    } catch {
      // The workflow matters more than its observer.
    }
  };
  const prepared: (P | undefined)[] = [];
  for (const [index, item] of items.entries()) {
    try {
      prepared.push(await steps.prepare(item));
    } catch (error) {
      stopIfCancelled(error, options.signal);
      prepared.push(undefined);
      settle(index, { name: steps.nameOf(item), ok: false, error: asError(error) });
    }
  }
  for (const [index, one] of prepared.entries()) {
    if (!one) continue;
    try {
      const result = await steps.run(one);
      const failure = steps.failureOf?.(result, one);
      settle(
        index,
        failure
          ? { name: one.name, ok: false, error: failure, ...result }
          : { name: one.name, ok: true, ...result },
      );
    } catch (error) {
      stopIfCancelled(error, options.signal);
      settle(index, { name: one.name, ok: false, error: asError(error) });
    }
  }
  return outcomes as EachOutcome<T>[];
}

/** Whether every outcome is a success. */
export function allOk<T>(outcomes: readonly EachOutcome<T>[]): boolean {
  return outcomes.every((outcome) => outcome.ok);
}

/** A cancellation ends the whole run: the items after it are not started. */
function stopIfCancelled(error: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted || isLambdashError(error, 'ABORTED')) throw error;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
