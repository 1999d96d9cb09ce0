// `lambdash logs`: one request's log read back from the local cloud's CloudWatch Logs, with its
// time breakdown; a log longer than the 4 KB tail comes back whole.
import { describe, expect, it } from 'vitest';
import { errorOf, jsonOf, lambdash, projectFixture, uniqueName } from '../run-cli.js';

const name = uniqueName('logs');
const fx = projectFixture([{ name }], { deploy: [name] });

async function invoke(payload: unknown): Promise<string> {
  const result = await lambdash(
    ['invoke', name, JSON.stringify(payload), '--json', ...fx.endpoint],
    {
      cwd: fx.project,
    },
  );
  expect(result.code).toBe(0);
  return (jsonOf(result) as { requestId: string }).requestId;
}

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash logs', { timeout: 120_000 }, () => {
  it("prints one request's log, its breakdown and timeline, as JSON", async () => {
    const requestId = await invoke({ log: 6000 });
    const result = await lambdash(['logs', name, requestId, '--json', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    const out = jsonOf(result) as {
      requestId: string;
      lines: string[];
      source: string;
      complete: boolean;
      report: { durationMs: number; initDurationMs?: number };
      breakdown: { totalMs: number };
      timeline: { totalMs: number };
    };
    expect(out.requestId).toBe(requestId);
    expect(out.source).toBe('cloudwatch');
    expect(out.complete).toBe(true);
    // The handler logged 6,000 characters: more than a 4 KB tail holds, all of it here.
    expect(out.lines.some((line) => line.includes('x'.repeat(6000)))).toBe(true);
    expect(out.breakdown.totalMs).toBeCloseTo(
      out.report.durationMs + (out.report.initDurationMs ?? 0),
      6,
    );
    expect(out.timeline.totalMs).toBe(out.breakdown.totalMs);
  });

  it('prints the lines and the bars as text', async () => {
    const requestId = await invoke({});
    const result = await lambdash(['logs', name, requestId, ...fx.endpoint], { cwd: fx.project });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines.at(-1)).toMatch(/^total +─+ +[\d.]+ ms$/);
  });

  it('a request id that is not one exits 2; one with no log exits 3', async () => {
    const bad = await lambdash(['logs', name, 'not a request', ...fx.endpoint], {
      cwd: fx.project,
    });
    expect(bad.code).toBe(2);
    expect(errorOf(bad)[0]).toBe('error: "not a request" is not a request id.');
    const none = await lambdash(
      ['logs', name, '00000000-0000-0000-0000-000000000000', '--wait', '1', ...fx.endpoint],
      { cwd: fx.project },
    );
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^error: .*00000000-0000-0000-0000-000000000000/m);
  });
});
