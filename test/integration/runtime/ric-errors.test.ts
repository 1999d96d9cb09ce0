// The error payloads and answers of AWS's own runtime client (aws-lambda-ric 3.3.0) and ours,
// posted to the same Runtime API server by the same handlers: the payloads must be identical
// except for the stack frames inside each runtime's own code, which name different files.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handlersDir, repoRoot } from '../../support/paths.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

const ricEntry = path.join(repoRoot, 'test/compat/node_modules/aws-lambda-ric/bin/index.mjs');
const harnesses: RuntimeHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.stop()));
});

/** Frames in the fixtures only: each runtime's own frames differ by design. */
function userPart(body: string): unknown {
  const payload = JSON.parse(body) as Record<string, unknown>;
  const trace = payload.trace as string[] | undefined;
  return {
    keys: Object.keys(payload),
    ...payload,
    trace: trace?.filter((line) => !/^\s+at /.test(line) || line.includes(handlersDir)),
  };
}

async function under(command: readonly string[] | undefined, handler: string, event: unknown) {
  const harness = await startRuntime({ handler, ...(command ? { command } : {}) });
  harnesses.push(harness);
  const result = await harness.invoke(event);
  if (result.kind === 'stream') throw new Error('expected a buffered answer');
  return { kind: result.kind, body: result.body.toString() };
}

async function both(handler: string, event: unknown) {
  // Never skipped: without AWS's client this proves nothing (scripts/provision.sh builds it).
  expect(existsSync(ricEntry), 'aws-lambda-ric is not built in test/compat').toBe(true);
  const [ours, ric] = await Promise.all([
    under(undefined, handler, event),
    under([process.execPath, ricEntry], handler, event),
  ]);
  return { ours, ric };
}

describe('error payloads as aws-lambda-ric posts them', () => {
  it.each(['throwsError', 'throwsString', 'rejects', 'asyncThrows', 'customError', 'nonAsciiName'])(
    '%s: the same payload',
    async (what) => {
      const { ours, ric } = await both('lifecycle/errors.handler', { do: what });
      expect(ric.kind).toBe('error');
      expect(ours.kind).toBe('error');
      expect(userPart(ours.body)).toEqual(userPart(ric.body));
      expect((JSON.parse(ours.body) as { trace: unknown }).trace).toBeInstanceOf(Array);
    },
  );

  it('an init error: the same type, message and first trace line', async () => {
    const { ours, ric } = await both('emulator/compat.notExported', {});
    const pick = (body: string) => {
      const { errorType, errorMessage, trace } = JSON.parse(body);
      return { errorType, errorMessage, first: trace[0] };
    };
    expect(pick(ours.body)).toEqual(pick(ric.body));
  });
});

describe('a synchronous two-parameter handler that returns a value', () => {
  it('answers null, as under aws-lambda-ric', async () => {
    const { ours, ric } = await both('lifecycle/arity.syncTwo', { a: 1 });
    expect(ric).toEqual({ kind: 'response', body: 'null' });
    expect(ours).toEqual(ric);
  });
});
