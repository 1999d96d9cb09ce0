// Every event type in words: one sample of each, with the level and the message a person reads
// (the command line prints these, the app's command log shows them), and the short status of
// those that say where the work is (the app's progress line).
import { describe, expect, it } from 'vitest';
import { describeEvent, type EventDescription } from '../../../src/core/common/describe-event.js';
import type { LambdashEvent } from '../../../src/core/common/events.js';

type Sample<T extends LambdashEvent['type']> = readonly [
  Extract<LambdashEvent, { type: T }>,
  EventDescription,
];

// Keyed by type: a type added to LambdashEvent without a sample here fails the type check.
const SAMPLES: { readonly [T in LambdashEvent['type']]: Sample<T> } = {
  'build.step': [
    { type: 'build.step', step: 2, total: 6, text: 'Bundling the code' },
    {
      level: 'info',
      message: 'build: [2/6] Bundling the code',
      short: 'step 2/6 Bundling the code',
    },
  ],
  'build.log': [
    { type: 'build.log', text: 'Step 1/9 : FROM x\n' },
    { level: 'debug', message: 'build: Step 1/9 : FROM x' },
  ],
  'bundle.done': [
    { type: 'bundle.done', bytes: 12_345, files: 3, ms: 40 },
    { level: 'info', message: 'bundle: 12.3 kB from 3 files in 40 ms' },
  ],
  'base.build': [
    { type: 'base.build', image: 'lambdash/node-base:20', text: 'copying node\n' },
    {
      level: 'info',
      message: 'base image lambdash/node-base:20: copying node',
      short: 'base image: copying node',
    },
  ],
  'git.clone': [
    { type: 'git.clone', url: 'https://example.com/a.git', ref: 'v1' },
    { level: 'info', message: 'git: https://example.com/a.git#v1' },
  ],
  'npm.install': [
    { type: 'npm.install', dir: '/tmp/x', command: 'npm ci' },
    { level: 'info', message: 'npm: npm ci in /tmp/x', short: 'installing packages' },
  ],
  'image.built': [
    { type: 'image.built', id: 'sha256:813dab9acd99ffff', tag: 'hello:latest', size: 105_000_000 },
    {
      level: 'success',
      message: 'built hello:latest (813dab9acd99, 105 MB)',
      short: 'built 105 MB',
    },
  ],
  'image.test': [
    { type: 'image.test', passed: false, seconds: 1.5 },
    { level: 'error', message: 'test FAILED in 1.50 s', short: 'test failed' },
  ],
  'container.start': [
    { type: 'container.start', id: 'abcdef1234567890', port: 9000 },
    {
      level: 'debug',
      message: 'container abcdef123456 starting on port 9000',
      short: 'starting a container',
    },
  ],
  'container.ready': [
    { type: 'container.ready', id: 'abcdef1234567890', ms: 300 },
    { level: 'debug', message: 'container abcdef123456 ready in 300 ms' },
  ],
  'warmup.done': [
    { type: 'warmup.done', cacheBytes: 2_000_000, ms: 120 },
    { level: 'info', message: 'warm-up: 2.0 MB of compiled code kept (120 ms)' },
  ],
  'aws.target': [
    {
      type: 'aws.target',
      kind: 'local',
      region: 'us-east-1',
      accountId: '000000000000',
      endpoint: 'http://127.0.0.1:4566',
      started: true,
    },
    {
      level: 'info',
      message: 'target: local cloud at http://127.0.0.1:4566 (started for this command)',
    },
  ],
  'aws.call': [
    { type: 'aws.call', service: 'Lambda', operation: 'CreateFunction' },
    { level: 'debug', message: 'aws: Lambda CreateFunction' },
  ],
  'push.progress': [
    { type: 'push.progress', layer: 'aaaaaaaaaaaaaaaa', status: 'Pushing', bytes: 10, total: 2000 },
    {
      level: 'info',
      message: 'push: layer aaaaaaaaaaaa Pushing (2.0 kB)',
      state: { of: 'push aaaaaaaaaaaaaaaa', is: 'Pushing' },
      short: 'pushing: Pushing',
    },
  ],
  wait: [
    { type: 'wait', what: 'function hello', state: 'Active', seconds: 2.6 },
    {
      level: 'info',
      message: 'waiting for function hello: Active (3 s)',
      state: { of: 'wait function hello', is: 'Active' },
      short: 'waiting for function hello: Active 3s',
    },
  ],
  retry: [
    {
      type: 'retry',
      what: 'CreateFunction',
      reason: 'the role is not ready',
      attempt: 2,
      delayMs: 2000,
    },
    {
      level: 'warning',
      message: 'retrying CreateFunction in 2.00 s (attempt 2): the role is not ready',
      short: 'retrying CreateFunction (attempt 2)',
    },
  ],
};

describe('describeEvent', () => {
  it.each(Object.entries(SAMPLES))('describes %s', (_type, [event, expected]) => {
    expect(describeEvent(event)).toEqual(expected);
  });

  it('words the variants of an event', () => {
    const said = (event: LambdashEvent) => describeEvent(event).message;
    expect(said({ type: 'bundle.done', bytes: 1400, files: 1, ms: 25 })).toBe(
      'bundle: 1.4 kB from 1 file in 25 ms',
    );
    expect(describeEvent({ type: 'image.test', passed: true, seconds: 0.158 })).toEqual({
      level: 'success',
      message: 'test passed in 158 ms',
      short: 'test passed',
    });
    expect(said({ type: 'git.clone', url: 'https://example.com/a.git', ref: undefined })).toBe(
      'git: https://example.com/a.git',
    );
    expect(
      said({
        type: 'aws.target',
        kind: 'aws',
        region: 'eu-west-1',
        accountId: '123456789012',
        endpoint: undefined,
        started: false,
      }),
    ).toBe('target: AWS account 123456789012, eu-west-1');
    expect(
      said({
        type: 'push.progress',
        layer: 'bbbbbbbbbbbbbbbb',
        status: 'Waiting',
        bytes: 0,
        total: 0,
      }),
    ).toBe('push: layer bbbbbbbbbbbb Waiting');
    expect(said({ type: 'wait', what: 'function hello', state: 'Pending', seconds: 0 })).toBe(
      'waiting for function hello: Pending',
    );
  });

  it('refuses an event it does not know (a caller in plain JavaScript)', () => {
    expect(() => describeEvent({ type: 'image.painted' } as unknown as LambdashEvent)).toThrow(
      'No words for the event {"type":"image.painted"}.',
    );
  });
});
