import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyEvent } from '../../../../runtime/sources/classify.js';
import type { LambdaFunction } from '../../../../src/core/aws/aws-resources.js';
import type { AwsTarget } from '../../../../src/core/aws/aws-target.js';
import { LambdashError } from '../../../../src/core/common/errors.js';
import type { Container } from '../../../../src/core/images/containers.js';
import { InvocationError } from '../../../../src/core/lambda/invocation-error.js';
import type {
  Invocation as CoreInvocation,
  InvokeOptions,
} from '../../../../src/core/lambda/invoke.js';
import type { LineageRow } from '../../../../src/core/lineage/lineage.js';
import { parseInvocationLog } from '../../../../src/core/logs/invocation-log.js';
import { InvokeRepl } from '../../../../src/tui/repl/invoke-repl.js';
import type { ReplServices } from '../../../../src/tui/repl/repl-services.js';
import { textWidth } from '../../../../src/tui/text-width.js';
import { THEMES, ThemeContext } from '../../../../src/tui/theme.js';
import type { Invocation } from '../../../../src/tui/timeline/invocation.js';
import { COLD_ID, coldThenWarm, WARM_ID } from '../../../support/invocation-logs.js';
import { row } from '../rows.js';
import { type App, frameLines, KEYS, press, renderAt, waitForFrame } from '../timeline/terminal.js';

const text = coldThenWarm();
const coldLog = parseInvocationLog(text, { requestId: COLD_ID });
const warmLog = parseInvocationLog(text, { requestId: WARM_ID });

const target = { kind: 'local', region: 'eu-west-3', accountId: '210987654321' } as AwsTarget;
const container: Container = {
  id: 'c0ffee',
  name: 'hello-local',
  image: 'sha256:abc',
  port: 9123,
  url: 'http://127.0.0.1:9123',
  running: true,
  created: new Date(0),
};

interface Call {
  readonly payload: unknown;
  readonly fn: LambdaFunction | Container;
  readonly options: InvokeOptions;
}

/** What an answer gives: an invocation, or a function's error with its log. */
type Answer = CoreInvocation & { readonly error?: InvocationError };

/** Services that record what the REPL asks for and answer from `answers` (cold, then warm). */
function recorder(answers: ((call: Call) => Promise<Answer>)[] = []) {
  const calls: Call[] = [];
  const started: string[] = [];
  const services: ReplServices = {
    async invoke(payload, fn, options) {
      const call = { payload, fn, options };
      calls.push(call);
      const answer = answers[calls.length - 1];
      const log = calls.length === 1 ? coldLog : warmLog;
      const answered: Answer = answer
        ? await answer(call)
        : { result: { echo: payload }, requestId: log.requestId, log, seconds: 0.2 };
      const invoked = 'arn' in fn ? 'function' : 'container';
      return { name: fn.name, invoked, error: undefined, ...answered };
    },
    async localContainer(image) {
      started.push(image.id);
      return container;
    },
  };
  return { calls, started, services };
}

let dir: string;
let closed: number;
let invoked: Invocation[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambdash-repl-'));
  process.env.LAMBDASH_CONFIG_DIR = dir;
  closed = 0;
  invoked = [];
});
afterEach(() => {
  cleanup();
  delete process.env.LAMBDASH_CONFIG_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const deployable = (): LineageRow => row('hello', { local: true, fn: true });

async function open(
  services: ReplServices,
  options: {
    row?: LineageRow;
    width?: number;
    height?: number;
    target?: AwsTarget | undefined;
  } = {},
): Promise<App> {
  return renderAt(
    <ThemeContext.Provider value={THEMES.mono}>
      <InvokeRepl
        row={options.row ?? deployable()}
        target={'target' in options ? options.target : target}
        width={options.width ?? 80}
        height={options.height ?? 24}
        services={services}
        onClose={() => {
          closed++;
        }}
        onInvoked={(invocation) => {
          invoked.push(invocation);
        }}
      />
    </ThemeContext.Provider>,
  );
}

/** Empties the editor (the cursor starts at the end of `{}`). */
const clear = (app: App) => press(app, KEYS.backspace, KEYS.backspace);

const lines = (app: App) => frameLines(app);
const find = (app: App, start: string) => lines(app).find((line) => line.startsWith(start)) ?? '';

describe('InvokeRepl', () => {
  it('says where the JSON is wrong as it is typed, and never sends it', async () => {
    const { calls, services } = recorder();
    const app = await open(services);
    await clear(app);
    await press(app, '{', KEYS.enter, '"a": 1', KEYS.enter, '"b": 2');
    expect(lines(app).slice(2, 6)).toEqual(['1 {', '2   "a": 1', '3   "b": 2', '~']);
    expect(find(app, 'Payload')).toBe('Payload ✗ 3:3');
    expect(lines(app)).toContain("✗ line 3, column 3: Expected ',' or '}', found '\"'");
    await press(app, KEYS.ctrl('s'));
    expect(lines(app)).toContain("Not sent: line 3, column 3: Expected ',' or '}', found '\"'");
    await press(app, KEYS.ctrl('d'), '\u001b[13;5u');
    expect(calls).toEqual([]);
    expect(invoked).toEqual([]);
    // Fixed: the comma after 1, and the closing brace.
    await press(app, KEYS.up, KEYS.end, ',', KEYS.down, KEYS.end, KEYS.enter, '}');
    expect(find(app, 'Payload')).toBe('Payload ✓ valid JSON');
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('Response · ✓ ok'));
    expect(calls.map((call) => call.payload)).toEqual([{ a: 1, b: 2 }]);
  });

  it('takes backspaces typed faster than a frame (one run of DEL characters) one by one', async () => {
    const { services } = recorder();
    const app = await open(services);
    await clear(app);
    await press(app, '[1,2,3]');
    await press(app, '\u007f\u007f\u007f');
    expect(lines(app).slice(2, 3)).toEqual(['1 [1,2']);
  });

  it('points at the place of the error in an unfinished payload', async () => {
    const { calls, services } = recorder();
    const app = await open(services);
    await clear(app);
    await press(app, '{"name": "world"');
    expect(lines(app)).toContain(
      "✗ line 1, column 17: Expected ',' or '}', found the end of the text",
    );
    await press(app, KEYS.ctrl('d'));
    expect(lines(app)).toContain(
      "Not sent: line 1, column 17: Expected ',' or '}', found the end of the text",
    );
    expect(calls).toEqual([]);
  });

  it('gives a message too long for the width two lines', async () => {
    const app = await open(recorder().services, { width: 60 });
    await clear(app);
    await press(app, '{"name": "world"');
    const at = lines(app).indexOf("✗ line 1, column 17: Expected ',' or '}', found the end of");
    expect(lines(app).slice(at, at + 3)).toEqual([
      "✗ line 1, column 17: Expected ',' or '}', found the end of",
      'the text',
      'Response',
    ]);
    expect(lines(app)).toHaveLength(24);
  });

  it('sends valid JSON to the deployed function and shows the response, the round trip and the breakdown', async () => {
    const { calls, services } = recorder();
    const fnRow = deployable();
    const app = await open(services, { row: fnRow });
    await clear(app);
    await press(app, '{"name": "world"}', KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('Response · ✓ ok'));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.payload).toEqual({ name: 'world' });
    expect(calls[0]?.fn).toBe(fnRow.lambdaFunction);
    expect(calls[0]?.options.target).toBe(target);
    expect(find(app, 'Response')).toBe(
      'Response · ✓ ok · 200 ms · cold · deployed hello · req 6efd0e35',
    );
    const at = lines(app).indexOf(find(app, 'Response'));
    expect(lines(app)[at + 1]).toMatch(/^▓{70,}[░▒█]+$/);
    expect(textWidth(lines(app)[at + 1] as string)).toBe(80);
    expect(lines(app)[at + 2]).toBe(
      '▓ init 151 ms  ░ runtime 3.4 ms  █ handler 0.8 ms  = 155 ms cold',
    );
    expect(lines(app).slice(at + 3, at + 8)).toEqual([
      '{',
      '  "echo": {',
      '    "name": "world"',
      '  }',
      '}',
    ]);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]).toMatchObject({
      name: 'hello',
      target: 'deployed',
      payload: '{"name": "world"}',
      requestId: COLD_ID,
      seconds: 0.2,
      result: { echo: { name: 'world' } },
    });
    expect(invoked[0]?.log).toBe(coldLog);
    // Sent again: a warm invocation, with a later id.
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes(' warm '));
    expect(invoked.map((i) => i.id)).toEqual([invoked[0]?.id, (invoked[0]?.id ?? 0) + 1]);
  });

  it("shows a function's error with its type, message and stack, and keeps it as an invocation", async () => {
    const failure = async (): Promise<Answer> => {
      const error = new InvocationError({
        functionName: 'hello',
        errorType: 'TypeError',
        errorMessage: "Cannot read properties of undefined (reading 'id')",
        stackTrace: [
          'TypeError: Cannot read properties of undefined',
          '    at handler (/var/task/index.js:3:19)',
        ],
        log: coldLog,
        requestId: COLD_ID,
      });
      const { errorType, errorMessage, stackTrace } = error;
      return {
        result: { errorType, errorMessage, stackTrace },
        error,
        requestId: COLD_ID,
        log: coldLog,
        seconds: 0.2,
      };
    };
    const { services } = recorder([failure]);
    const app = await open(services);
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('✗ TypeError'));
    expect(find(app, 'Response')).toMatch(
      /^Response · ✗ TypeError · \S+ ms · cold · deployed hello · req 6efd0e35$/,
    );
    const at = lines(app).indexOf(find(app, 'Response'));
    expect(lines(app).slice(at + 3, at + 6)).toEqual([
      "TypeError: Cannot read properties of undefined (reading 'id')",
      'TypeError: Cannot read properties of undefined',
      '    at handler (/var/task/index.js:3:19)',
    ]);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]?.error).toEqual({
      errorType: 'TypeError',
      errorMessage: "Cannot read properties of undefined (reading 'id')",
      stackTrace: [
        'TypeError: Cannot read properties of undefined',
        '    at handler (/var/task/index.js:3:19)',
      ],
    });
    expect(invoked[0]?.log).toBe(coldLog);
  });

  it('says why an invocation could not be made, with the hint', async () => {
    const refused = async () => {
      throw new LambdashError(
        'FUNCTION_FAILED',
        'Function hello cannot be invoked: it is Failed.',
        'Fix it and deploy again.',
      );
    };
    const { services } = recorder([refused]);
    const app = await open(services);
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('not invoked'));
    const at = lines(app).indexOf(find(app, 'Response'));
    expect(lines(app).slice(at, at + 3)).toEqual([
      'Response · ✗ not invoked',
      'Function hello cannot be invoked: it is Failed.',
      'Fix it and deploy again.',
    ]);
    expect(invoked).toEqual([]);
  });

  it('cancels the invocation in flight with Esc, and closes with Esc', async () => {
    const hang = (call: Call) =>
      new Promise<Answer>((_resolve, reject) => {
        call.options.signal?.addEventListener('abort', () =>
          reject(new LambdashError('ABORTED', 'Invoking hello was cancelled')),
        );
      });
    const { services } = recorder([hang]);
    const app = await open(services);
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('invoking… (Esc cancels)'));
    expect(lines(app).at(-1)).toContain('Esc cancel');
    await press(app, KEYS.escape);
    await waitForFrame(app, (frame) => frame.includes('Response · ✗ cancelled'));
    expect(closed).toBe(0);
    await press(app, KEYS.escape);
    await waitForFrame(app, () => closed === 1);
  });

  it('keeps the history per function across remounts, walked with ↑ on the first line and ↓ on the last', async () => {
    const { services } = recorder();
    let app = await open(services);
    await clear(app);
    await press(app, '{"n": 1}', KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('Response · ✓'));
    await clear(app);
    await press(
      app,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
    );
    await press(app, '{\r"n": 2\r}', KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes(' warm '));
    app.unmount();

    app = await open(recorder().services);
    // Opens on the payload sent last.
    expect(lines(app).slice(1, 5)).toEqual([
      'Payload ✓ valid JSON  (history 2/2)',
      '1 {',
      '2 "n": 2',
      '3 }',
    ]);
    // ↑ on the last line moves up; on the first line it goes back in the history.
    await press(app, KEYS.up, KEYS.up);
    expect(lines(app).slice(1, 3)).toEqual(['Payload ✓ valid JSON  (history 2/2)', '1 {']);
    await press(app, KEYS.up);
    expect(lines(app).slice(1, 3)).toEqual(['Payload ✓ valid JSON  (history 1/2)', '1 {"n": 1}']);
    await press(app, KEYS.up);
    expect(lines(app)[2]).toBe('1 {"n": 1}');
    await press(app, KEYS.down);
    expect(lines(app).slice(1, 5)).toEqual([
      'Payload ✓ valid JSON  (history 2/2)',
      '1 {',
      '2 "n": 2',
      '3 }',
    ]);
    await press(app, KEYS.down);
    expect(lines(app).slice(1, 3)).toEqual(['Payload ✓ valid JSON', '1 {}']);

    // Another function has a history of its own.
    app.unmount();
    app = await open(recorder().services, { row: row('other', { local: true, fn: true }) });
    expect(lines(app).slice(1, 3)).toEqual(['Payload ✓ valid JSON', '1 {}']);
  });

  it('inserts an event template, filled with the target region and account', async () => {
    const { calls, services } = recorder();
    const app = await open(services, { height: 30 });
    await press(app, KEYS.ctrl('n'));
    expect(find(app, 'Event templates')).toMatch(
      /^Event templates \(Enter inserts, replacing the payload\)/,
    );
    expect(lines(app)).toContain('› direct                 Direct invocation (any JSON)');
    for (let i = 0; i < 6; i++) await press(app, KEYS.down);
    expect(lines(app).find((line) => line.startsWith('›'))).toMatch(/^› sqs +SQS message/);
    await press(app, KEYS.enter);
    expect(lines(app)).toContain('Inserted the template: SQS message');
    expect(lines(app).slice(2, 5)).toEqual([' 1 {', ' 2   "Records": [', ' 3     {']);
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('Response · ✓'));
    const payload = calls[0]?.payload as {
      Records: { awsRegion: string; eventSourceARN: string }[];
    };
    expect(classifyEvent(payload)).toBe('sqs');
    expect(payload.Records[0]?.awsRegion).toBe('eu-west-3');
    expect(payload.Records[0]?.eventSourceARN).toBe('arn:aws:sqs:eu-west-3:210987654321:my-queue');
  });

  it('saves payloads by name and loads them back', async () => {
    const { services } = recorder();
    const app = await open(services);
    await clear(app);
    await press(app, '{"item": "tea"}', KEYS.ctrl('w'));
    expect(lines(app).at(-1)).toMatch(/^Enter save +Esc cancel/);
    await press(app, 'o', 'r', 'd', 'e', 'r', KEYS.enter);
    expect(lines(app)).toContain('Saved as "order" (Ctrl-O lists saved payloads)');
    await clear(app);
    for (let i = 0; i < 13; i++) await press(app, KEYS.backspace);
    expect(lines(app)[2]).toBe('1');
    await press(app, KEYS.ctrl('o'));
    expect(lines(app).find((line) => line.startsWith('›'))).toMatch(/^› order +\{"item": "tea"\}/);
    await press(app, KEYS.enter);
    expect(lines(app)[2]).toBe('1 {"item": "tea"}');
    expect(lines(app)).toContain('Loaded the saved payload "order"');
  });

  it('switches to the local container with Ctrl-T, starting it once', async () => {
    const { calls, started, services } = recorder();
    const app = await open(services);
    expect(lines(app)[0]).toBe(
      'Invoke hello → ● deployed function hello  ○ local container of hello:latest',
    );
    await press(app, KEYS.ctrl('t'));
    expect(lines(app)[0]).toBe(
      'Invoke hello → ○ deployed function hello  ● local container of hello:latest',
    );
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('Response · ✓'));
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes(' warm '));
    expect(started).toEqual([deployable().localImage?.id]);
    expect(calls.map((call) => call.fn)).toEqual([container, container]);
    expect(calls[0]?.options.target).toBeUndefined();
    expect(find(app, 'Response')).toBe(
      'Response · ✓ ok · 200 ms · warm · local hello-local · req b2c4d6e8',
    );
  });

  it('shows the places it cannot invoke with why, and never sends there', async () => {
    const local = await open(recorder().services, {
      row: row('img', { local: true }),
      width: 100,
    });
    expect(lines(local)[0]).toBe(
      'Invoke img → ● local container of img:latest  ✗ deployed function: not deployed yet (c deploys)',
    );
    await press(local, KEYS.ctrl('t'));
    expect(lines(local)).toContain(
      'Only the local container of img:latest can be invoked: deployed function: not deployed yet (c',
    );
    local.unmount();

    // What the table's `c` would refuse is not offered: no known source, or a source gone.
    const noSource = await open(recorder().services, {
      row: { ...row('img', { local: true }), responder: undefined },
      width: 140,
    });
    expect(lines(noSource)[0]).toContain(
      '✗ deployed function: not deployed yet (no known source to deploy)',
    );
    noSource.unmount();
    const gone = await open(recorder().services, {
      row: row('img', { local: true, state: 'missing' }),
      width: 140,
    });
    expect(lines(gone)[0]).toContain('✗ deployed function: not deployed yet (its source is gone)');
    gone.unmount();

    const offline = await open(recorder().services, { target: undefined, width: 100 });
    expect(lines(offline)[0]).toBe(
      'Invoke hello → ● local container of hello:latest  ✗ deployed function hello: not connected to AWS',
    );
    offline.unmount();

    const { calls, services } = recorder();
    const bare = await open(services, { row: row('bare'), target: undefined, width: 100 });
    expect(lines(bare)[0]).toBe(
      'Invoke bare → ✗ deployed function: not connected to AWS  ✗ local container: not built yet (b builds)',
    );
    await press(bare, KEYS.ctrl('s'));
    expect(calls).toEqual([]);
    // Each place with why not, and the table's key that fixes it.
    expect(lines(bare)).toContain(
      'Nothing can be invoked: deployed function: not connected to AWS; local container: not built yet (b',
    );
  });

  it('formats the payload with Ctrl-F and goes to the error with Ctrl-G', async () => {
    const app = await open(recorder().services);
    await clear(app);
    await press(app, '{"a":1,"b":[1,2]}', KEYS.ctrl('f'));
    expect(lines(app).slice(2, 10)).toEqual([
      '1 {',
      '2   "a": 1,',
      '3   "b": [',
      '4     1,',
      '5     2',
      '6   ]',
      '7 }',
      '~',
    ]);
    await press(app, KEYS.ctrl('a'), KEYS.ctrl('e'));
    await clear(app);
    for (let i = 0; i < 40; i++) await press(app, KEYS.backspace);
    await press(app, '{"a" 1, "b": 2}', KEYS.ctrl('f'));
    expect(lines(app)).toContain(
      "Cannot format: line 1, column 6: Expected ':' after the property name, found '1'",
    );
    expect(lines(app)).toHaveLength(24);
    // The cursor goes to the error: what is typed next lands there.
    await press(app, KEYS.ctrl('g'), ':');
    expect(lines(app)[2]).toBe('1 {"a" :1, "b": 2}');
    expect(find(app, 'Payload')).toBe('Payload ✓ valid JSON');
  });

  it('scrolls a long response with PgDn and PgUp', async () => {
    const long = async () => ({
      result: Array.from({ length: 40 }, (_, i) => `item ${i}`),
      requestId: coldLog.requestId,
      log: coldLog,
      seconds: 0.01,
    });
    const app = await open(recorder([long]).services);
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('✓ ok'));
    // 24 rows: 5 fixed, 3 for the editor; the response's 16: bar, legend, 14 lines of 42.
    expect(find(app, 'Response')).toMatch(/ \[1-14\/42\]$/);
    expect(lines(app)).toContain('  "item 12",');
    await press(app, KEYS.pageDown);
    expect(find(app, 'Response')).toMatch(/ \[14-27\/42\]$/);
    expect(lines(app)).toContain('  "item 25",');
    await press(app, KEYS.pageDown, KEYS.pageDown, KEYS.pageDown);
    expect(find(app, 'Response')).toMatch(/ \[29-42\/42\]$/);
    expect(lines(app)[lines(app).length - 2]).toBe(']');
    await press(app, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp);
    expect(find(app, 'Response')).toMatch(/ \[1-14\/42\]$/);
  });

  it('never switches its target by itself: a function that went away is not swapped for the container', async () => {
    const { calls, services } = recorder();
    const full = deployable();
    const tree = (current: LineageRow) => (
      <ThemeContext.Provider value={THEMES.mono}>
        <InvokeRepl
          row={current}
          target={target}
          width={100}
          height={24}
          services={services}
          onClose={() => {}}
        />
      </ThemeContext.Provider>
    );
    const app = await renderAt(tree(full));
    expect(lines(app)[0]).toContain('● deployed function hello');
    app.rerender(tree({ ...full, lambdaFunction: undefined }));
    await press(app, KEYS.ctrl('s'));
    expect(lines(app)[0]).toBe(
      'Invoke hello → ○ local container of hello:latest  ● deployed function: not deployed yet (c deploys)',
    );
    expect(lines(app)).toContain(
      'Not sent: deployed function: not deployed yet (c deploys). Ctrl-T switches the target.',
    );
    expect(calls).toEqual([]);
    // Asked to, it moves to the container, and the deployed function cannot be chosen again.
    await press(app, KEYS.ctrl('t'));
    expect(lines(app)[0]).toBe(
      'Invoke hello → ● local container of hello:latest  ✗ deployed function: not deployed yet (c deploys)',
    );
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('✓ ok'));
    expect(calls.map((call) => call.fn)).toEqual([container]);
    await press(app, KEYS.ctrl('t'));
    expect(lines(app)[0]).toContain('● local container of hello:latest');
  });

  it.each([
    [80, 24],
    [40, 12],
    [120, 40],
  ])('fills exactly %i × %i', async (width, height) => {
    const { services } = recorder();
    const app = await open(services, { width, height });
    await press(app, KEYS.ctrl('s'));
    await waitForFrame(app, (frame) => frame.includes('✓ ok'));
    expect(lines(app)).toHaveLength(height);
    for (const line of lines(app)) expect(textWidth(line)).toBeLessThanOrEqual(width);
    await press(app, KEYS.ctrl('n'));
    expect(lines(app)).toHaveLength(height);
  });
});
