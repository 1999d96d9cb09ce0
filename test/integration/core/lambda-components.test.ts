// From a TypeScript file to an invoked function and its timeline, through the real Docker
// engine, the registry and the local cloud's Lambda: built, pushed, deployed, invoked (the
// timeline's segments add up to the REPORT's durations), tested, shown in the lineage table as
// current, then changed, updated in place, and deleted part by part in the right order.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdashEvent } from '../../../src/core/common/events.js';
import { LABELS } from '../../../src/core/common/labels.js';
import { getEcrRepo } from '../../../src/core/ecr/ecr-repos.js';
import { getLocalImage } from '../../../src/core/images/local-image-queries.js';
import { invokeFunctionWithLog } from '../../../src/core/lambda/invoke.js';
import { getLambdaFunction } from '../../../src/core/lambda/lambda-functions.js';
import { getLineage, type LineageRow } from '../../../src/core/lineage/lineage.js';
import { getInvocationTimeBreakdown } from '../../../src/core/logs/time-breakdown.js';
import {
  createLambdaComponents,
  deleteComponents,
  type LambdaComponents,
  runTest,
  withLambdaFunction,
} from '../../../src/core/workflows/lambda-components.js';
import { removeFunctionContainers } from '../../support/localcloud.js';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

const suffix = randomBytes(3).toString('hex');
const name = `components-${suffix}`;
let cloud: TestTarget;
let dir: string;
let file: string;
const made: LambdaComponents[] = [];

/** The responder, greeting in `word`, marking a user observation inside the handler. */
function writeResponder(word: string): void {
  writeFileSync(
    file,
    [
      `import { observe } from ${JSON.stringify(path.join(repoRoot, 'runtime', 'index.ts'))};`,
      'export const handler = async (event: { name: string }) => {',
      `  const text = \`${word}, \${event.name}\`;`,
      "  observe('greeting.made');",
      '  return { text };',
      '};',
      '',
    ].join('\n'),
  );
}

function rowOf(rows: readonly LineageRow[], fnName: string): LineageRow | undefined {
  return rows.find((row) => row.lambdaFunction?.name === fnName);
}

beforeAll(async () => {
  cloud = await startTestTarget();
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-components-'));
  file = path.join(dir, 'greeter.ts');
  writeResponder('Hello');
}, 60_000);

afterAll(async () => {
  await removeFunctionContainers(name);
  for (const parts of made) {
    await deleteComponents(parts, { target: cloud.target }).catch(() => undefined);
  }
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('LambdaComponents', () => {
  let first: LambdaComponents;

  it('builds, pushes and deploys a TypeScript file, the lineage passed on as tags', async () => {
    const events: LambdashEvent[] = [];
    const built = await createLambdaComponents(file, { name, onEvent: (e) => events.push(e) });
    made.push(built);
    first = await withLambdaFunction(built, {
      target: cloud.target,
      name,
      onEvent: (e) => events.push(e),
    });
    made.push(first);
    const { localImage, remoteImage, lambdaFunction } = first;
    expect(lambdaFunction?.state).toBe('Active');
    // The function runs exactly the image that was pushed, which is the one built here.
    expect(lambdaFunction?.resolvedImageUri).toBe(remoteImage?.uri);
    expect(localImage.digests.map((d) => d.slice(d.lastIndexOf('@') + 1))).toContain(
      remoteImage?.digest,
    );
    const lineage = {
      [LABELS.generated]: 'true',
      [LABELS.name]: name,
      [LABELS.source]: file,
      [LABELS.handler]: 'index.handler',
      [LABELS.hash]: first.responder.hash,
    };
    expect(lambdaFunction?.tags).toMatchObject(lineage);
    expect((await getEcrRepo(name, { target: cloud.target })).tags).toMatchObject(lineage);
    const stages = events
      .map((e) => (e.type === 'aws.call' ? `${e.service}.${e.operation}` : e.type))
      .filter((stage) =>
        ['image.built', 'ECR.GetAuthorizationToken', 'Lambda.CreateFunction'].includes(stage),
      );
    expect(stages).toEqual(['image.built', 'ECR.GetAuthorizationToken', 'Lambda.CreateFunction']);
  }, 240_000);

  it('invokes it, with a timeline whose segments add up to the REPORT durations', async () => {
    const invocation = await invokeFunctionWithLog({ name: 'Ada' }, first.lambdaFunction!, {
      target: cloud.target,
    });
    expect(invocation.result).toEqual({ text: 'Hello, Ada' });
    const report = invocation.log.report!;
    const breakdown = getInvocationTimeBreakdown(invocation.log);
    expect(breakdown.cold).toBe(true);
    expect(breakdown.initMs).toBe(report.initDurationMs);
    expect(breakdown.totalMs).toBeCloseTo(report.durationMs + (report.initDurationMs ?? 0), 6);
    const sum = breakdown.segments.reduce((total, segment) => total + segment.lengthMs, 0);
    expect(sum).toBeCloseTo(breakdown.totalMs, 6);
    expect(breakdown.segments.map((s) => `${s.kind}:${s.label}`)).toEqual([
      'init:init',
      'runtime:runtime before',
      'user:greeting.made',
      'handler:handler',
      'runtime:runtime after',
    ]);
    // Each segment starts where the one before it ended.
    for (const [index, segment] of breakdown.segments.entries()) {
      const previous = breakdown.segments[index - 1];
      expect(segment.startMs).toBeCloseTo(previous ? previous.startMs + previous.lengthMs : 0, 6);
    }
  }, 120_000);

  it('tests the most downstream part: the function', async () => {
    const passed = await runTest(
      first,
      { payload: { name: 'Grace' }, expected: { text: 'Hello, Grace' } },
      { target: cloud.target },
    );
    expect([passed.passed, passed.tested, passed.result, passed.diff]).toEqual([
      true,
      'function',
      { text: 'Hello, Grace' },
      undefined,
    ]);
    expect(passed.log?.report?.durationMs).toBeGreaterThan(0);
    const failed = await runTest(
      first,
      { payload: { name: 'Grace' }, expected: { text: 'Bye, Grace' } },
      { target: cloud.target },
    );
    expect([failed.passed, failed.tested]).toEqual([false, 'function']);
    expect(failed.diff).toMatch(/Bye, Grace/);
  }, 120_000);

  it('shows the row as current, then as changed once the source is edited', async () => {
    const responders = [{ source: file, handler: 'handler' }];
    const calls: string[] = [];
    const before = rowOf(
      await getLineage({
        target: cloud.target,
        responders,
        onEvent: (e) => e.type === 'aws.call' && calls.push(`${e.service} ${e.operation}`),
      }),
      name,
    );
    // A bounded number of calls: lists, one tag read and one image listing per repository and
    // one read per lambdash function (no batch exists for any of them), never one per image.
    expect(calls.sort()).toEqual([
      'ECR DescribeImages',
      'ECR DescribeRepositories',
      'ECR ListTagsForResource',
      'Lambda GetFunction',
      'Lambda ListFunctions',
    ]);
    expect(before?.responder?.state).toBe('current');
    expect(before?.localImage?.id).toBe(first.localImage.id);
    expect(before?.remoteImage?.digest).toBe(first.remoteImage?.digest);
    expect(before?.repo?.name).toBe(name);
    writeResponder('Bonjour');
    const after = rowOf(await getLineage({ target: cloud.target, responders }), name);
    expect(after?.responder?.state).toBe('changed');
  }, 120_000);

  it('updates the function in place from the edited source', async () => {
    const rebuilt = await createLambdaComponents(file, { name });
    made.push(rebuilt);
    const second = await withLambdaFunction(rebuilt, { target: cloud.target, name });
    made.push(second);
    expect(second.lambdaFunction?.arn).toBe(first.lambdaFunction?.arn);
    expect(second.remoteImage?.digest).not.toBe(first.remoteImage?.digest);
    expect(second.lambdaFunction?.resolvedImageUri).toBe(second.remoteImage?.uri);
    const invocation = await invokeFunctionWithLog({ name: 'Ada' }, name, { target: cloud.target });
    expect(invocation.result).toEqual({ text: 'Bonjour, Ada' });
    const row = rowOf(await getLineage({ target: cloud.target }), name);
    expect([row?.responder?.state, row?.localImage?.id]).toEqual(['current', second.localImage.id]);
  }, 240_000);

  it('deletes every part, downstream first, the repository once it is empty', async () => {
    const [, , , second] = made as [
      LambdaComponents,
      LambdaComponents,
      LambdaComponents,
      LambdaComponents,
    ];
    // The first version's pushed image and local image, then the second version's whole chain.
    await deleteComponents(
      { remoteImage: first.remoteImage, localImage: first.localImage },
      { target: cloud.target },
    );
    expect((await getEcrRepo(name, { target: cloud.target })).name).toBe(name);
    await deleteComponents(second, { target: cloud.target, deleteRole: true });
    for (const lookup of [
      () => getLambdaFunction(name, { target: cloud.target }),
      () => getEcrRepo(name, { target: cloud.target }),
      () => getLocalImage(second.localImage.id),
      () => getLocalImage(first.localImage.id),
    ]) {
      const error = await lookup().then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      expect(['FUNCTION_NOT_FOUND', 'REPO_NOT_FOUND', 'IMAGE_NOT_FOUND']).toContain(error);
    }
    made.length = 0;
    rmSync(file);
    const rows = await getLineage({
      target: cloud.target,
      responders: [{ source: file, handler: 'handler' }],
    });
    expect(rows.filter((row) => row.responder?.source === file)).toEqual([
      {
        key: `responder:${file}#handler`,
        responder: {
          name: 'greeter',
          source: file,
          handler: 'handler',
          hash: undefined,
          state: 'missing',
        },
        localImage: undefined,
        remoteImage: undefined,
        repo: undefined,
        lambdaFunction: undefined,
      },
    ]);
  }, 240_000);
});
