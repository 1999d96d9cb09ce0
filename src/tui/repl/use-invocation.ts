// Sending the payload: checked first (never sent unless it is JSON, never while another is in
// flight, never to a place that cannot be invoked: each says why), remembered in the history,
// then invoked on the chosen place. What it came to, the answer or the function's error with
// its log, becomes the response and an Invocation for the app's timeline; an invocation that
// could not be made says why. Esc cancels the one in flight, and so does closing the REPL.
import { useEffect, useRef } from 'react';
import { type AwsTarget, isLambdashError, type LineageRow } from '../../core/internal.js';
import { type Invocation, nextInvocationId } from '../timeline/invocation.js';
import { checkJson } from './json-check.js';
import { nothingToInvoke, type Place, type Where } from './places.js';
import type { ReplServices } from './repl-services.js';
import { placeOf, whereIs, withNotice } from './repl-state.js';
import type { RunState } from './response-pane.js';
import { textOf } from './text-buffer.js';
import type { LocalContainer } from './use-local-container.js';
import type { Payloads } from './use-payloads.js';
import type { ReplStore } from './use-repl-store.js';

export interface InvocationDeps {
  readonly services: ReplServices;
  readonly store: ReplStore;
  readonly payloads: Payloads;
  readonly container: LocalContainer;
  readonly row: LineageRow;
  readonly target: AwsTarget | undefined;
  /** Both places, each with why it cannot be invoked (targetsOf). */
  readonly targets: readonly Place[];
  /** The places that can be invoked now. */
  readonly available: readonly Where[];
  readonly onInvoked: ((invocation: Invocation) => void) | undefined;
}

export interface Sending {
  send(): Promise<void>;
  /** Cancels the invocation in flight; false when there is none. */
  cancel(): boolean;
}

export function useInvocation(deps: InvocationDeps): Sending {
  const { services, store, payloads, container, row, target, targets, available } = deps;
  const { update } = store;
  const inFlight = useRef<AbortController | undefined>(undefined);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      inFlight.current?.abort();
    },
    [],
  );
  const notice = (text: string) => update((s) => withNotice(s, text, 'error'));

  const finish = (controller: AbortController, run: RunState, invocation?: Invocation) => {
    if (inFlight.current === controller) inFlight.current = undefined;
    if (!mounted.current) return;
    update((o) => ({ ...o, run, responseTop: 0 }));
    if (invocation) deps.onInvoked?.(invocation);
  };

  const send = async () => {
    const s = store.read();
    const payloadText = textOf(s.buffer);
    const checked = checkJson(payloadText);
    if (!checked.ok) return notice(`Not sent: ${whereIs(checked)}: ${checked.message}`);
    if (s.run.kind === 'running')
      return notice('An invocation is in flight: wait for it, or press Esc to cancel it.');
    const where = placeOf(s, available);
    if (!where) return notice(nothingToInvoke(targets));
    const chosen = targets.find((place) => place.where === where)!;
    if (chosen.unavailable) {
      const switchable = available.some((place) => place !== where);
      return notice(
        `Not sent: ${chosen.label}: ${chosen.unavailable}.${switchable ? ' Ctrl-T switches the target.' : ''}`,
      );
    }
    const history = payloads.remember(payloadText);
    const controller = new AbortController();
    inFlight.current = controller;
    const local = where === 'local';
    const problem = payloads.problem();
    update((o) => ({
      ...o,
      history,
      historyAt: undefined,
      notice: problem ? { text: problem, tone: 'error' } : undefined,
      responseTop: 0,
      run: {
        kind: 'running',
        what: local && !container.has() ? 'starting a container…' : 'invoking…',
      },
    }));
    const record = (
      fields: Pick<Invocation, 'result' | 'requestId' | 'log' | 'seconds'> & Partial<Invocation>,
    ): Invocation => ({
      id: nextInvocationId(),
      name: '',
      target: where,
      at: new Date(),
      payload: payloadText,
      ...fields,
    });
    try {
      let fn: Parameters<ReplServices['invoke']>[1];
      if (local) {
        if (!row.localImage) throw new Error('no local image');
        fn = await container.get(row.localImage, controller.signal);
        if (mounted.current) update((o) => ({ ...o, run: { kind: 'running', what: 'invoking…' } }));
      } else {
        if (!row.lambdaFunction) throw new Error('no function');
        fn = row.lambdaFunction;
      }
      const out = await services.invoke(checked.value, fn, {
        signal: controller.signal,
        ...(local || !target ? {} : { target }),
      });
      const failure = out.error && {
        errorType: out.error.errorType,
        errorMessage: out.error.errorMessage,
        stackTrace: out.error.stackTrace,
      };
      const invocation = record({
        name: out.name,
        result: out.result,
        requestId: out.requestId,
        log: out.log,
        seconds: out.seconds,
        ...(failure ? { error: failure } : {}),
      });
      finish(controller, { kind: 'done', invocation }, invocation);
    } catch (error) {
      // A container that failed is started afresh next time.
      if (isLambdashError(error, 'CONTAINER_FAILED')) container.forget();
      const cancelled = isLambdashError(error, 'ABORTED') || controller.signal.aborted;
      finish(controller, {
        kind: 'failed',
        title: cancelled ? 'cancelled' : 'not invoked',
        message: cancelled ? 'The invocation was cancelled.' : (error as Error).message,
        hint: cancelled ? undefined : (error as { hint?: string }).hint,
      });
    }
  };

  return {
    send,
    cancel: () => {
      if (!inFlight.current) return false;
      inFlight.current.abort();
      return true;
    },
  };
}
