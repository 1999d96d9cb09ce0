// Console output as the Lambda service shapes it: text lines `time\trequestId\tLEVEL\tmessage`
// or JSON objects, filtered by AWS_LAMBDA_LOG_LEVEL.
import { afterEach, describe, expect, it } from 'vitest';
import { outputLines, waitForOutput, waitForPosted } from '../../support/output.js';
import { type RuntimeHarness, startRuntime } from '../../support/runtime-harness.js';

let harness: RuntimeHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

// `s`: a message may hold carriage returns (what its newlines became).
const TEXT_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\t([^\t]+)\t([A-Z]+)\t(.*)$/s;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** What sources/log.mjs writes for one invocation, in order. */
const HANDLER_LINES: ReadonlyArray<readonly [string, unknown]> = [
  ['INFO', 'hello there { a: 1 }'],
  ['INFO', 'info line'],
  ['INFO', 'first\rsecond\rthird'],
  ['WARN', 'careful'],
  ['ERROR', 'bad thing'],
  ['DEBUG', 'details'],
  ['TRACE', 'tracing'],
  ['ERROR', expect.stringMatching(/^TypeError: single error\r {4}at .*handler.*log\.mjs:\d+/)],
  ['ERROR', expect.stringMatching(/^failed with RangeError: second error\r {4}at /)],
  ['INFO', '{ nested: { deep: true }, list: [ 1, 2 ] }'],
];

async function run(env: Record<string, string>, requestId: string) {
  harness = await startRuntime({ handler: 'sources/log.handler', env });
  const answer = await harness.invokeJson({ tag: 'done' }, { requestId });
  expect(answer.body).toBe('done');
  // Above INFO the marks line (at INFO) is dropped too: the last ERROR line ends the output.
  const level = (env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase();
  if (level !== 'WARN' && level !== 'ERROR')
    return outputLines(await waitForPosted(harness, requestId));
  const output = await waitForOutput(
    harness,
    (text) => outputLines(text).some((l) => l.includes(requestId) && l.includes('second error')),
    `the last ERROR line of ${requestId}`,
  );
  return outputLines(output);
}

/** [level, message] of each text log line that belongs to the request. */
function textLines(lines: string[], requestId: string): Array<[string, string]> {
  return lines.flatMap((line) => {
    const match = TEXT_LINE.exec(line);
    return match && match[2] === requestId ? [[match[3]!, match[4]!] as [string, string]] : [];
  });
}

function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.type !== 'lambdash.marks');
}

describe('text format', () => {
  it('writes each console call as one line with timestamp, request id and level', async () => {
    const lines = await run({}, 'text-req-1');
    expect(textLines(lines, 'text-req-1')).toEqual(HANDLER_LINES);
    // Every line of the handler's output is in the format, none split by its newlines.
    const own = lines.filter((l) => l.includes('\ttext-req-1\t') && !l.startsWith('[lambdash]'));
    expect(own.length).toBe(HANDLER_LINES.length);
    for (const line of own) expect(TEXT_LINE.test(line)).toBe(true);
  });

  it('uses the literal request id "undefined" before the first invocation', async () => {
    const lines = await run({}, 'text-req-2');
    expect(textLines(lines, 'undefined')).toEqual([['INFO', 'loading at init']]);
  });
});

describe('JSON format', () => {
  it('writes one JSON object a line with timestamp, level, requestId and message', async () => {
    const records = jsonLines(await run({ AWS_LAMBDA_LOG_FORMAT: 'json' }, 'json-req-1'));
    for (const record of records) expect(record.timestamp).toMatch(ISO);
    const stackOf = (first: string) =>
      expect.arrayContaining([first, expect.stringMatching(/^ {4}at /)]);
    expect(records.map(({ timestamp: _, ...rest }) => rest)).toEqual([
      // Before the first invocation there is no request id.
      { level: 'INFO', message: 'loading at init' },
      ...[
        { level: 'INFO', message: 'hello there { a: 1 }' },
        { level: 'INFO', message: 'info line' },
        { level: 'INFO', message: 'first\nsecond\nthird' },
        { level: 'WARN', message: 'careful' },
        { level: 'ERROR', message: 'bad thing' },
        { level: 'DEBUG', message: 'details' },
        { level: 'TRACE', message: 'tracing' },
        // One Error argument: the message is the error, as the Lambda Node.js runtime logs it.
        {
          level: 'ERROR',
          message: {
            errorType: 'TypeError',
            errorMessage: 'single error',
            stackTrace: stackOf('TypeError: single error'),
          },
        },
        // Several arguments: a formatted message, and the first error's fields beside it.
        {
          level: 'ERROR',
          message: expect.stringMatching(/^failed with RangeError: second error\n {4}at /),
          errorType: 'RangeError',
          errorMessage: 'second error',
          stackTrace: stackOf('RangeError: second error'),
        },
        // One object argument stays an object.
        { level: 'INFO', message: { nested: { deep: true }, list: [1, 2] } },
      ].map((record) => ({ ...record, requestId: 'json-req-1' })),
    ]);
  });
});

describe('invocation errors', () => {
  it.each([
    {
      format: 'text',
      line: /^\S+\tfail-req\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"boom from direct","trace":\["Error: boom from direct"," {4}at /,
    },
    {
      format: 'JSON',
      line: /^\{"timestamp":"\S+","level":"ERROR","requestId":"fail-req","message":\{"errorType":"Error","errorMessage":"boom from direct","trace":\["Error: boom from direct"," {4}at /,
    },
  ])('are logged at ERROR in $format format', async ({ format, line }) => {
    harness = await startRuntime({
      handler: 'sources/fail.handler',
      env: { AWS_LAMBDA_LOG_FORMAT: format },
    });
    expect((await harness.invokeJson({}, { requestId: 'fail-req' })).kind).toBe('error');
    const lines = outputLines(await waitForPosted(harness, 'fail-req'));
    const errors = lines.filter((line) => line.includes('fail-req') && line.includes('ERROR'));
    expect(errors).toEqual([expect.stringMatching(line)]);
  });
});

describe('AWS_LAMBDA_LOG_LEVEL', () => {
  const levelsOf = (lines: string[], requestId: string) =>
    textLines(lines, requestId).map(([level]) => level);

  it.each([
    { level: 'WARN', kept: ['WARN', 'ERROR', 'ERROR', 'ERROR'] },
    { level: 'error', kept: ['ERROR', 'ERROR', 'ERROR'] },
    {
      level: 'DEBUG',
      kept: HANDLER_LINES.map(([level]) => level).filter((level) => level !== 'TRACE'),
    },
    // Not a level: nothing is dropped.
    { level: 'loud', kept: HANDLER_LINES.map(([level]) => level) },
  ])('$level keeps $kept', async ({ level, kept }) => {
    const lines = await run({ AWS_LAMBDA_LOG_LEVEL: level }, `level-${level}`);
    expect(levelsOf(lines, `level-${level}`)).toEqual(kept);
    const initKept = kept.includes('INFO');
    expect(textLines(lines, 'undefined')).toEqual(initKept ? [['INFO', 'loading at init']] : []);
  });

  it('filters JSON lines the same way', async () => {
    const records = jsonLines(
      await run({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' }, 'json-warn'),
    );
    expect(records.map((r) => [r.level, r.requestId])).toEqual([
      ['WARN', 'json-warn'],
      ['ERROR', 'json-warn'],
      ['ERROR', 'json-warn'],
      ['ERROR', 'json-warn'],
    ]);
  });
});
