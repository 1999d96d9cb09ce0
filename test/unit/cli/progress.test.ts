// Progress lines from the core's events: what is said, what only --verbose says, and repeats
// left out.
import { describe, expect, it } from 'vitest';
import { ProgressLines } from '../../../src/cli/progress.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';

function linesOf(events: LambdashEvent[], verbose = false): (string | undefined)[] {
  const progress = new ProgressLines({ verbose });
  return events.map((event) => progress.lineFor(event));
}

describe('ProgressLines', () => {
  it('describes build events', () => {
    expect(
      linesOf([
        { type: 'build.step', step: 2, total: 6, text: 'Bundling the code' },
        { type: 'bundle.done', bytes: 1400, files: 1, ms: 25 },
        { type: 'bundle.done', bytes: 12_345, files: 3, ms: 40 },
        {
          type: 'image.built',
          id: 'sha256:813dab9acd99ffff',
          tag: 'hello:latest',
          size: 105_000_000,
        },
        { type: 'image.test', passed: true, seconds: 0.158 },
        { type: 'image.test', passed: false, seconds: 1.5 },
        { type: 'warmup.done', cacheBytes: 2_000_000, ms: 120 },
        { type: 'git.clone', url: 'https://example.com/a.git', ref: 'v1' },
        { type: 'npm.install', dir: '/tmp/x', command: 'npm ci' },
        { type: 'base.build', image: 'lambdash/node-base:20', text: 'copying node\n' },
      ]),
    ).toEqual([
      'build: [2/6] Bundling the code',
      'bundle: 1.4 kB from 1 file in 25 ms',
      'bundle: 12.3 kB from 3 files in 40 ms',
      'built hello:latest (813dab9acd99, 105 MB)',
      'test passed in 158 ms',
      'test FAILED in 1.50 s',
      'warm-up: 2.0 MB of compiled code kept (120 ms)',
      'git: https://example.com/a.git#v1',
      'npm: npm ci in /tmp/x',
      'base image lambdash/node-base:20: copying node',
    ]);
  });

  it('says AWS calls, build output and containers only when verbose', () => {
    const events: LambdashEvent[] = [
      { type: 'aws.call', service: 'Lambda', operation: 'CreateFunction' },
      { type: 'build.log', text: 'Step 1/9 : FROM x\n' },
      { type: 'container.start', id: 'abcdef1234567890', port: 9000 },
      { type: 'container.ready', id: 'abcdef1234567890', ms: 300 },
    ];
    expect(linesOf(events)).toEqual([undefined, undefined, undefined, undefined]);
    expect(linesOf(events, true)).toEqual([
      'aws: Lambda CreateFunction',
      'build: Step 1/9 : FROM x',
      'container abcdef123456 starting on port 9000',
      'container abcdef123456 ready in 300 ms',
    ]);
  });

  it('names the target', () => {
    expect(
      linesOf([
        {
          type: 'aws.target',
          kind: 'aws',
          region: 'eu-west-1',
          accountId: '123456789012',
          endpoint: undefined,
          started: false,
        },
        {
          type: 'aws.target',
          kind: 'local',
          region: 'us-east-1',
          accountId: '000000000000',
          endpoint: 'http://127.0.0.1:4566',
          started: true,
        },
        {
          type: 'aws.target',
          kind: 'local',
          region: 'us-east-1',
          accountId: '000000000000',
          endpoint: 'http://127.0.0.1:4566',
          started: false,
        },
      ]),
    ).toEqual([
      'target: AWS account 123456789012, eu-west-1',
      'target: local cloud at http://127.0.0.1:4566 (started for this command)',
      'target: local cloud at http://127.0.0.1:4566',
    ]);
  });

  it('says each push layer status and each wait state once', () => {
    const layer = (status: string, bytes: number): LambdashEvent => ({
      type: 'push.progress',
      layer: 'aaaaaaaaaaaaaaaa',
      status,
      bytes,
      total: 2000,
    });
    const wait = (state: string, seconds: number): LambdashEvent => ({
      type: 'wait',
      what: 'function hello',
      state,
      seconds,
    });
    expect(
      linesOf([
        layer('Pushing', 10),
        layer('Pushing', 500),
        layer('Pushed', 2000),
        wait('Pending', 0),
        wait('Pending', 1.2),
        wait('Active', 2.6),
        {
          type: 'retry',
          what: 'CreateFunction',
          reason: 'the role is not ready',
          attempt: 2,
          delayMs: 2000,
        },
      ]),
    ).toEqual([
      'push: layer aaaaaaaaaaaa Pushing (2.0 kB)',
      undefined,
      'push: layer aaaaaaaaaaaa Pushed (2.0 kB)',
      'waiting for function hello: Pending',
      undefined,
      'waiting for function hello: Active (3 s)',
      'retrying CreateFunction in 2.00 s (attempt 2): the role is not ready',
    ]);
  });
});
