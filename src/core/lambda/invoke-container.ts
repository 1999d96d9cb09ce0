// An invocation of a local container: its emulator speaks Lambda's Invoke API, so the answer
// reads as a deployed function's does (function errors included), with the log tail it returns.

import { LambdashError } from '../common/errors.js';
import type { OperationOptions } from '../common/events.js';
import type { Container } from '../images/containers.js';
import { sendLocalRequest } from '../images/containers.js';
import { parseInvocationLog } from '../logs/invocation-log.js';
import { functionErrorOf } from './invocation-error.js';
import type { InvocationOutcome } from './invocation-outcome.js';

export async function invokeContainer(
  payload: unknown,
  container: Container,
  options: OperationOptions,
  withLog: boolean,
): Promise<InvocationOutcome> {
  const response = await sendLocalRequest(payload, {
    port: container.port,
    log: withLog,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.statusCode !== 200) {
    throw new LambdashError(
      'CONTAINER_FAILED',
      `The container ${container.name} refused the invocation (${response.statusCode}): ${JSON.stringify(response.body)}`,
      'Check the payload, or start the container again (lambdash run; runImageLocally).',
    );
  }
  const requestId = response.log
    ? parseInvocationLog(response.log, { source: 'tail' }).requestId
    : '';
  return {
    result: response.body,
    error: response.functionError
      ? functionErrorOf(container.name, response.body, response.functionError)
      : undefined,
    requestId,
    tail: response.log,
    seconds: response.seconds,
    source: { kind: 'container', id: container.id },
  };
}
