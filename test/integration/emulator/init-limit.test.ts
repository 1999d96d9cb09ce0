// An init that never ends must not hang the emulator: after Lambda's 10 s init limit the
// invocation's clock runs, and the function times out as any other invocation would.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmulatorCli,
  invocationLog,
  parseReport,
  startEmulatorCli,
} from '../../support/emulator-harness.js';
import { handlersDir } from '../../support/paths.js';

describe('emulator CLI: an init that never ends', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await startEmulatorCli({
      args: [
        'never-ready.handler',
        '--task-root',
        path.join(handlersDir, 'emulator'),
        '--port',
        '0',
      ],
      env: { AWS_LAMBDA_FUNCTION_TIMEOUT: '1' },
    });
  });
  afterAll(() => emulator.stop());

  it('times the invocation out after the init limit', async () => {
    const answer = await emulator.invoke('{}');
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(answer.json).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${requestId} Error: Task timed out after 1.00 seconds`,
    });
    await emulator.waitForStdout(new RegExp(`\\nREPORT RequestId: ${requestId}\\t.*\\n`));
    const report = parseReport(invocationLog(emulator.stdout(), requestId).report);
    expect(report.durationMs).toBe(1000);
    expect(report.initDurationMs).toBeUndefined();
  }, 25_000);
});
