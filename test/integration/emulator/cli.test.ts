// The emulator as users run it: `node dist/runtime/bootstrap.cjs <handler> --task-root DIR
// --port 0`, invoked over its real HTTP Invoke API, with its stdout read as the function's log.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmulatorCli,
  invocationLog,
  parseReport,
  spawnEmulator,
  startEmulatorCli,
} from '../../support/emulator-harness.js';
import { handlersDir } from '../../support/paths.js';

const taskRoot = path.join(handlersDir, 'emulator');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function start(handler: string, env: Record<string, string> = {}): Promise<EmulatorCli> {
  return startEmulatorCli({ args: [handler, '--task-root', taskRoot, '--port', '0'], env });
}

/** Waits until the invocation's REPORT line is out, then returns its log. */
async function logOf(emulator: EmulatorCli, requestId: string) {
  await emulator.waitForStdout(new RegExp(`\\nREPORT RequestId: ${requestId}\\t.*\\n`));
  return invocationLog(emulator.stdout(), requestId);
}

describe('emulator CLI: a working handler', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('app.echo', { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' });
  });
  afterAll(() => emulator.stop());

  it('prints where to invoke on its first line', () => {
    expect(emulator.stdout().split('\n')[0]).toBe(
      `lambdash emulator: app.echo from ${taskRoot}, invoke with POST ${emulator.url}`,
    );
    expect(emulator.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/2015-03-31\/functions\/function\/invocations$/,
    );
  });

  it('answers 200 with the result, and logs START, END and a cold REPORT', async () => {
    const answer = await emulator.invoke(JSON.stringify({ name: 'Ada' }));
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(requestId).toMatch(UUID);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({
      echo: { name: 'Ada' },
      requestId,
      clientContext: null,
      traceId: null,
    });

    const log = await logOf(emulator, requestId);
    const handlerLines = log.body.filter((line) => line.includes('echo handler for'));
    expect(handlerLines).toHaveLength(1);
    expect(handlerLines[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${requestId}\\tINFO\\techo handler for ${requestId}$`,
      ),
    );
    const report = parseReport(log.report);
    expect(report.requestId).toBe(requestId);
    expect(report.memorySizeMb).toBe(512);
    expect(report.billedMs).toBe(Math.max(1, Math.ceil(report.durationMs)));
    expect(report.initDurationMs).toBeGreaterThan(0);
    expect(report.maxMemoryUsedMb).toBeGreaterThan(0);
  });

  it('reports a warm invocation without Init Duration, with response.posted before END', async () => {
    const answer = await emulator.invoke('{"n":2}');
    const requestId = answer.headers.get('x-amzn-requestid')!;
    const log = await logOf(emulator, requestId);
    expect(parseReport(log.report).initDurationMs).toBeUndefined();
    expect(log.report).not.toContain('Init Duration');
    // One line of marks for the invocation (docs/observations.md), inside it: before END.
    const marks = log.body
      .filter((line) => line.startsWith('[lambdash]\tmarks\t'))
      .map((line) => line.split('\t'))
      .map(([, , id, , ...fields]) => [id, fields.map((field) => field.replace(/^[\d.]+ /, ''))]);
    expect(marks).toEqual([
      [
        requestId,
        ['event.received', 'handler.start', 'handler.end', 'response.posted'].map(
          (name) => `runtime ${name}`,
        ),
      ],
    ]);
  });

  it('passes X-Amz-Client-Context (base64 JSON) and X-Amzn-Trace-Id to the function', async () => {
    const clientContext = { custom: { tenant: 'acme' }, env: { locale: 'fr' } };
    const traceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const answer = await emulator.invoke('{}', {
      'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64'),
      'X-Amzn-Trace-Id': traceId,
    });
    expect(answer.json).toMatchObject({ clientContext, traceId });
    // The next invocation has neither: nothing carries over.
    expect(await emulator.invoke('{}').then((a) => a.json)).toMatchObject({
      clientContext: null,
      traceId: null,
    });
  });

  it.each([
    ['a newline', '{\n"custom":{"tenant":"acme"}}', { custom: { tenant: 'acme' } }],
    [
      'characters outside ASCII and Latin-1',
      '{"custom":{"city":"Zürich","price":"5 €","emoji":"🙂"}}',
      { custom: { city: 'Zürich', price: '5 €', emoji: '🙂' } },
    ],
  ])(
    'passes a client context with %s to the function, and keeps serving',
    async (_label, text, parsed) => {
      const answer = await emulator.invoke('{}', {
        'X-Amz-Client-Context': Buffer.from(text).toString('base64'),
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ clientContext: parsed });
      expect((await emulator.invoke('{"after":"context"}')).json).toMatchObject({
        echo: { after: 'context' },
        clientContext: null,
      });
    },
  );

  it.each([
    ['not JSON', 'not json'],
    ['JSON but not an object', '[1,2]'],
  ])(
    'refuses a client context that is %s with 400 InvalidRequestContentException',
    async (_label, text) => {
      const answer = await emulator.invoke('{}', {
        'X-Amz-Client-Context': Buffer.from(text).toString('base64'),
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
      expect(answer.json).toEqual({
        Type: 'User',
        message: 'Client context must be a valid Base64-encoded JSON object.',
      });
    },
  );

  it('refuses requests from web pages (with an Origin header) with 403, without running the function', async () => {
    const starts = () => emulator.stdout().match(/^START /gm)?.length ?? 0;
    const before = starts();
    for (const contentType of ['application/json', 'text/plain']) {
      const answer = await emulator.invoke('{}', {
        Origin: 'https://attacker.example',
        'Content-Type': contentType,
      });
      expect(answer.status).toBe(403);
      expect(answer.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    }
    // A real invocation after them is the only new START.
    const after = await emulator.invoke('{}');
    await logOf(emulator, after.headers.get('x-amzn-requestid')!);
    expect(starts()).toBe(before + 1);
  });

  it('refuses a Host name an attacker could own (DNS rebinding), and answers loopback, IP and container names', async () => {
    const starts = () => emulator.stdout().match(/^START /gm)?.length ?? 0;
    const before = starts();
    const status = (host: string) => postWithHost(emulator.url, host, '{}');
    expect(await status('rebind.evil.example')).toBe(403);
    expect(await status('rebind.evil.example:8080')).toBe(403);
    expect(starts()).toBe(before);
    for (const host of ['127.0.0.1:9000', 'localhost', 'lambda', 'host.docker.internal:9000']) {
      expect(await status(host)).toBe(200);
    }
  });

  it('returns the log tail for X-Amz-Log-Type: Tail, ending in the REPORT line', async () => {
    const answer = await emulator.invoke('{}', { 'X-Amz-Log-Type': 'Tail' });
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(answer.status).toBe(200);
    const tail = Buffer.from(answer.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    const lines = tail.split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines.some((line) => line.endsWith(`\tINFO\techo handler for ${requestId}`))).toBe(true);
    expect(lines.at(-3)).toBe(`END RequestId: ${requestId}`);
    expect(parseReport(lines.at(-2)!).requestId).toBe(requestId);
    expect(lines.at(-1)).toBe('');
  });

  it('answers Event with 202 under the id the invocation then runs with', async () => {
    const answer = await emulator.invoke('{"async":true}', { 'X-Amz-Invocation-Type': 'Event' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(requestId).toMatch(UUID);
    const log = await logOf(emulator, requestId);
    expect(log.body.some((line) => line.endsWith(`\tINFO\techo handler for ${requestId}`))).toBe(
      true,
    );
  });

  it('answers DryRun with 204 without running the function', async () => {
    const starts = () => emulator.stdout().match(/^START /gm)?.length ?? 0;
    const before = starts();
    const answer = await emulator.invoke('{}', { 'X-Amz-Invocation-Type': 'DryRun' });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    // A real invocation after it is the only new START.
    const after = await emulator.invoke('{}');
    await logOf(emulator, after.headers.get('x-amzn-requestid')!);
    expect(starts()).toBe(before + 1);
  });

  it('accepts a payload of exactly 6 MB', async () => {
    const value = 'a'.repeat(6 * 1024 * 1024 - 2);
    const answer = await emulator.invoke(JSON.stringify(value));
    expect(answer.status).toBe(200);
    expect((answer.json as { echo: string }).echo).toBe(value);
  });

  it('refuses a payload over 6 MB with 413 and keeps serving', async () => {
    const answer = await emulator.invoke(Buffer.alloc(6 * 1024 * 1024 + 1, 0x20));
    expect(answer.status).toBe(413);
    expect(answer.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    expect((answer.json as { Type: string }).Type).toBe('User');
    const next = await emulator.invoke('{"after":413}');
    expect(next.status).toBe(200);
    expect((next.json as { echo: unknown }).echo).toEqual({ after: 413 });
  });

  it('refuses invalid JSON with 400 InvalidRequestContentException', async () => {
    const answer = await emulator.invoke('{"unterminated": ');
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect((answer.json as { message: string }).message).toMatch(
      /^Could not parse request body into json: /,
    );
  });

  it('answers an unknown path with 404', async () => {
    const response = await fetch(new URL('/2015-03-31/functions/function/nope', emulator.url), {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    await response.text();
  });

  it('exits cleanly on SIGTERM, taking its runtime process with it', async () => {
    const children = readFileSync(
      `/proc/${emulator.process.pid}/task/${emulator.process.pid}/children`,
      'utf8',
    )
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(children).toHaveLength(1);
    emulator.process.kill('SIGTERM');
    expect(await emulator.exited).toEqual({ code: 0, signal: null });
    expect(() => process.kill(children[0]!, 0)).toThrow(/ESRCH/);
  });
});

describe('emulator CLI: failures are answered like the Lambda service, and it recovers', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    // 2 s: room for a loaded machine's stalls in the invocations that must not time out.
    emulator = await start('app.behave', { AWS_LAMBDA_FUNCTION_TIMEOUT: '2' });
  });
  afterAll(() => emulator.stop());

  async function invokeOk(): Promise<{ pid: number; cold: boolean }> {
    const answer = await emulator.invoke('{}');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    const { ok, pid } = answer.json as { ok: boolean; pid: number };
    expect(ok).toBe(true);
    const log = await logOf(emulator, answer.headers.get('x-amzn-requestid')!);
    return { pid, cold: parseReport(log.report).initDurationMs !== undefined };
  }

  it('answers a thrown error with 200, X-Amz-Function-Error and the error JSON', async () => {
    const answer = await emulator.invoke('{"do":"throw"}');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = answer.json as Record<string, unknown>;
    expect(body.errorType).toBe('TypeError');
    expect(body.errorMessage).toBe('the handler failed');
    // AWS's Node.js shape: the whole stack as lines, "Type: message" first, then the frames.
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    const trace = body.trace as string[];
    expect(trace[0]).toBe('TypeError: the handler failed');
    expect(trace[1]).toMatch(/^ {4}at .*app\.mjs:\d+/);
    await logOf(emulator, answer.headers.get('x-amzn-requestid')!);
  });

  it('answers a crash with Runtime.ExitError, then starts a new runtime', async () => {
    const before = await invokeOk();
    const answer = await emulator.invoke('{"do":"exit"}');
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(answer.json).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status 1`,
    });
    parseReport((await logOf(emulator, requestId)).report);
    const after = await invokeOk();
    expect(after.pid).not.toBe(before.pid);
    expect(after.cold).toBe(true);
  });

  it('fails only the crashing request among queued ones', async () => {
    const plan = ['ok', 'exit', 'ok', 'throw', 'exit', 'ok'];
    const answers = await Promise.all(
      plan.map((what) => emulator.invoke(JSON.stringify(what === 'ok' ? {} : { do: what }))),
    );
    const outcomes = answers.map((answer) => {
      const body = answer.json as { ok?: boolean; errorType?: string };
      return `${answer.status} ${answer.headers.get('x-amz-function-error')} ${body.ok ?? body.errorType}`;
    });
    expect(outcomes).toEqual([
      '200 null true',
      '200 Unhandled Runtime.ExitError',
      '200 null true',
      '200 Unhandled TypeError',
      '200 Unhandled Runtime.ExitError',
      '200 null true',
    ]);
  });

  it.each([
    ['a busy loop', 'spin'],
    ['a long await', 'hang'],
  ])('times %s out after AWS_LAMBDA_FUNCTION_TIMEOUT, then recovers', async (_name, what) => {
    const before = await invokeOk();
    const answer = await emulator.invoke(JSON.stringify({ do: what }));
    const requestId = answer.headers.get('x-amzn-requestid')!;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(answer.json).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${requestId} Error: Task timed out after 2.00 seconds`,
    });
    const report = parseReport((await logOf(emulator, requestId)).report);
    // Lambda caps a timed-out invocation's duration at the timeout.
    expect(report.durationMs).toBeLessThanOrEqual(2000);
    expect(report.durationMs).toBeGreaterThanOrEqual(1900);
    const after = await invokeOk();
    expect(after.pid).not.toBe(before.pid);
    expect(after.cold).toBe(true);
  });
});

describe('emulator CLI: a handler that logs more than a pipe holds', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('app.behave');
  });
  afterAll(() => emulator.stop());

  it('still has every line between its own START and END', async () => {
    // A race, if it broke: several rounds make it show.
    for (let round = 0; round < 5; round++) {
      const answer = await emulator.invoke('{"do":"loud"}');
      const log = await logOf(emulator, answer.headers.get('x-amzn-requestid')!);
      const lines = log.body.filter((line) => /\tINFO\t(\d+ x+|last loud line)$/.test(line));
      expect(lines).toHaveLength(301);
      expect(lines.at(-1)).toMatch(/\tINFO\tlast loud line$/);
    }
  });
});

describe('emulator CLI: the log tail of a long log', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('app.behave');
  });
  afterAll(() => emulator.stop());

  it('is its last 4 KB, ending in the REPORT line', async () => {
    const answer = await emulator.invoke('{"do":"loud"}', { 'X-Amz-Log-Type': 'Tail' });
    const requestId = answer.headers.get('x-amzn-requestid')!;
    const tail = Buffer.from(answer.headers.get('x-amz-log-result') ?? '', 'base64');
    expect(tail.length).toBe(4096);
    const lines = tail.toString().split('\n');
    expect(lines.at(-3)).toBe(`END RequestId: ${requestId}`);
    expect(parseReport(lines.at(-2)!).requestId).toBe(requestId);
    expect(lines).toContain(
      lines.find((line) => line.endsWith(`\t${requestId}\tINFO\tlast loud line`)),
    );
  });
});

describe('emulator CLI: a streaming handler', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('stream.handler');
  });
  afterAll(() => emulator.stop());

  it('streams the answer with the content type it set', async () => {
    const answer = await emulator.invoke('{}');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain');
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    expect(answer.text).toBe('hello world');
    await logOf(emulator, answer.headers.get('x-amzn-requestid')!);
  });

  it('cuts the answer short when the handler fails after the first byte', async () => {
    const response = await fetch(emulator.url, { method: 'POST', body: '{"fail":true}' });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-amzn-requestid')!;
    const reader = response.body!.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('hello ');
    // The body ends in an error, never in a clean end that would pass for a whole answer.
    await expect(reader.read()).rejects.toThrow();
    const log = await logOf(emulator, requestId);
    expect(
      log.body.some(
        (line) => line.includes('\tERROR\tInvoke Error ') && line.includes('failed mid-stream'),
      ),
    ).toBe(true);
    // And the function goes on serving.
    expect((await emulator.invoke('{}')).text).toBe('hello world');
  });
});

describe('emulator CLI: a streamed answer nobody reads to the end', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    // Far beyond the test's own time limit: a stalled stream fails the test, not the function.
    emulator = await start('big-stream.handler', { AWS_LAMBDA_FUNCTION_TIMEOUT: '600' });
  });
  afterAll(() => emulator.stop());

  it('is dropped once the caller leaves: the handler writes to its end, the next one is served', async () => {
    const controller = new AbortController();
    // Far more than the sockets and stream buffers between the runtime and the caller hold.
    const response = await fetch(emulator.url, {
      method: 'POST',
      body: '{"mb":48}',
      signal: controller.signal,
    });
    const requestId = response.headers.get('x-amzn-requestid')!;
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    const log = await logOf(emulator, requestId);
    expect(log.body.some((line) => line.endsWith('\tINFO\tbig stream: all written'))).toBe(true);
    expect(log.body.some((line) => line.includes('Task timed out'))).toBe(false);
    const next = await emulator.invoke('{"mb":1}');
    expect(next.status).toBe(200);
    expect(next.text).toHaveLength(1024 * 1024);
  });

  it('is dropped by a warm-up, which nobody reads: the warm-up runs to its end', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-warmup-'));
    try {
      writeFileSync(path.join(dir, 'event.json'), '{"mb":48}');
      // A copy: the warm-up writes its preload list beside the handler.
      copyFileSync(path.join(taskRoot, 'big-stream.mjs'), path.join(dir, 'big-stream.mjs'));
      const cli = spawnEmulator({
        args: ['big-stream.handler', '--warmup', path.join(dir, 'event.json'), '--task-root', dir],
        env: { AWS_LAMBDA_FUNCTION_TIMEOUT: '600' },
      });
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.stdout()).toContain('\tINFO\tbig stream: all written\n');
      expect(cli.stdout()).not.toContain('Task timed out');
      expect(cli.stderr()).not.toContain('the handler failed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulator CLI: a slow init', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('slow-init.handler', { AWS_LAMBDA_FUNCTION_TIMEOUT: '1' });
  });
  afterAll(() => emulator.stop());

  it('does not count init against the timeout, nor against the deadline', async () => {
    const answer = await emulator.invoke('{}');
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    const { remainingAtStart } = answer.json as { remainingAtStart: number };
    // Init alone (1.5 s) outlasts the 1 s timeout: the deadline must start after it.
    expect(remainingAtStart).toBeGreaterThan(0);
    expect(remainingAtStart).toBeLessThanOrEqual(1000);
    const report = parseReport(
      (await logOf(emulator, answer.headers.get('x-amzn-requestid')!)).report,
    );
    expect(report.initDurationMs).toBeGreaterThanOrEqual(1500);
    expect(report.durationMs).toBeLessThan(1000);
  });
});

describe('emulator CLI: an init failure', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('broken.handler');
  });
  afterAll(() => emulator.stop());

  it('answers Runtime.ImportModuleError on every invocation', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await emulator.invoke('{}');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
      const body = answer.json as { errorType: string; errorMessage: string };
      expect(body.errorType).toBe('Runtime.ImportModuleError');
      expect(body.errorMessage).toContain("'lambdash-emulator-missing-module'");
      await logOf(emulator, answer.headers.get('x-amzn-requestid')!);
    }
  });
});

describe('emulator CLI: concurrent invocations', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('app.slowEcho');
  });
  afterAll(() => emulator.stop());

  it('queues them: every request gets its own answer, and logs never interleave', async () => {
    const payloads = Array.from({ length: 10 }, (_, i) => ({ i, tag: `request-${i}` }));
    const answers = await Promise.all(payloads.map((p) => emulator.invoke(JSON.stringify(p))));
    expect(answers.map((a) => a.status)).toEqual(payloads.map(() => 200));
    expect(answers.map((a) => a.json)).toEqual(payloads);

    const ids = answers.map((a) => a.headers.get('x-amzn-requestid')!);
    expect(new Set(ids).size).toBe(10);
    const logs = await Promise.all(ids.map((id) => logOf(emulator, id)));
    logs.forEach((log, i) => {
      const own = log.body.filter((line) => line.includes('\tINFO\tslow echo '));
      expect(own).toHaveLength(1);
      expect(own[0]).toMatch(
        new RegExp(`\\t${ids[i]}\\tINFO\\tslow echo ${JSON.stringify(payloads[i])} for ${ids[i]}$`),
      );
      expect(
        log.body.filter((line) => line.startsWith('START ') || line.startsWith('END ')),
      ).toEqual([]);
    });
  });
});

describe('emulator CLI: memory', () => {
  let emulator: EmulatorCli;
  beforeAll(async () => {
    emulator = await start('app.behave', { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' });
  });
  afterAll(() => emulator.stop());

  it("reports the runtime's real peak as Max Memory Used", async () => {
    const small = await emulator.invoke('{}');
    const smallReport = parseReport(
      (await logOf(emulator, small.headers.get('x-amzn-requestid')!)).report,
    );
    expect(smallReport.memorySizeMb).toBe(1024);
    expect(smallReport.maxMemoryUsedMb).toBeLessThan(100);

    const big = await emulator.invoke('{"do":"allocate"}');
    expect(big.json).toEqual({ heldMb: 120 });
    const bigReport = parseReport(
      (await logOf(emulator, big.headers.get('x-amzn-requestid')!)).report,
    );
    expect(bigReport.maxMemoryUsedMb).toBeGreaterThanOrEqual(120);
    expect(bigReport.maxMemoryUsedMb).toBeGreaterThanOrEqual(smallReport.maxMemoryUsedMb + 100);
  });
});

describe('emulator CLI: usage', () => {
  it.each([
    ['no handler', ['--port', '0'], /^lambdash emulator: No handler given\.\n\nusage: bootstrap /],
    [
      'a bad port',
      ['app.echo', '--port', 'http'],
      /^lambdash emulator: --port must be a port number, not http\n$/,
    ],
    [
      'an unknown flag',
      ['app.echo', '--prot', '9000'],
      /^lambdash emulator: Unknown option '--prot'.*\n\nusage: bootstrap /s,
    ],
    [
      'a missing task root',
      ['app.echo', '--task-root', '/nonexistent/function', '--port', '0'],
      /^lambdash emulator: The task root \/nonexistent\/function is not a folder\. Point --task-root at the function's folder\.\n$/,
    ],
    [
      'a bad timeout',
      ['app.echo', '--port', '0'],
      /^lambdash emulator: AWS_LAMBDA_FUNCTION_TIMEOUT must be a positive number, not "soon"\n$/,
      { AWS_LAMBDA_FUNCTION_TIMEOUT: 'soon' },
    ],
  ])(
    'exits 2 with a message for %s',
    async (_name, args, message, env?: Record<string, string>) => {
      const cli = spawnEmulator({ args, env });
      expect(await cli.exited).toEqual({ code: 2, signal: null });
      expect(cli.stderr()).toMatch(message);
      expect(cli.stdout()).toBe('');
    },
  );

  it('exits 2 when its port is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const cli = spawnEmulator({
        args: ['app.echo', '--task-root', taskRoot, '--port', String(port)],
      });
      expect(await cli.exited).toEqual({ code: 2, signal: null });
      expect(cli.stderr()).toMatch(
        new RegExp(
          `^lambdash emulator: Cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Choose another port with --port\\.\\n$`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('prints its usage for --help and exits 0', async () => {
    const cli = spawnEmulator({ args: ['--help'] });
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/^usage: bootstrap <file\.export> \[--port 8080\]/);
  });
});

/** POSTs `body` to the invoke URL with a Host header of our choosing (fetch sends its own). */
function postWithHost(url: string, host: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { Host: host } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}
