// Lineage rows as plain data, for the terminal app's component tests: the shapes getLineage
// returns, with fixed dates so ages read the same on every run.
import type { EcrRepo, LambdaFunction, RemoteImage } from '../../../src/core/aws/aws-resources.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';

export const NOW = new Date('2025-06-01T12:00:00Z');

export function minutesAgo(minutes: number): Date {
  return new Date(NOW.getTime() - minutes * 60_000);
}

function hex(seed: string): string {
  let out = '';
  let value = 0;
  for (const char of seed) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  while (out.length < 64) {
    value = (value * 1_103_515_245 + 12_345) >>> 0;
    out += value.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

export function localImage(name: string, overrides: Partial<LocalImage> = {}): LocalImage {
  return {
    id: `sha256:${hex(`local-${name}`)}`,
    ref: `${name}:latest`,
    name,
    tag: 'latest',
    tags: [`${name}:latest`],
    created: minutesAgo(5),
    size: 85_200_000,
    labels: {},
    digests: [],
    ...overrides,
  };
}

export function repo(name: string): EcrRepo {
  return {
    name,
    uri: `127.0.0.1:4566/${name}`,
    arn: `arn:aws:ecr:us-east-1:000000000000:repository/${name}`,
    registryId: '000000000000',
    created: minutesAgo(60),
    scanOnPush: false,
    tagMutability: 'MUTABLE',
    tags: {},
  };
}

export function remoteImage(name: string, overrides: Partial<RemoteImage> = {}): RemoteImage {
  const digest = `sha256:${hex(`remote-${name}`)}`;
  return {
    repo: name,
    repoUri: `127.0.0.1:4566/${name}`,
    digest,
    uri: `127.0.0.1:4566/${name}@${digest}`,
    tags: ['latest'],
    pushed: minutesAgo(3),
    size: 30_000_000,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    labels: {},
    ...overrides,
  };
}

export function lambdaFunction(
  name: string,
  overrides: Partial<LambdaFunction> = {},
): LambdaFunction {
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    state: 'Active',
    stateReason: undefined,
    lastUpdateStatus: 'Successful',
    lastUpdateStatusReason: undefined,
    imageUri: `127.0.0.1:4566/${name}:latest`,
    resolvedImageUri: undefined,
    role: 'arn:aws:iam::000000000000:role/lambdash',
    timeout: 30,
    memorySize: 512,
    architecture: 'x86_64',
    environment: {},
    lastModified: minutesAgo(2),
    tags: {},
    ...overrides,
  };
}

type State = 'current' | 'changed' | 'missing' | 'remote';

/** A row with the parts asked for: `row('api', { state: 'changed', local: true, fn: true })`. */
export function row(
  name: string,
  parts: { state?: State; local?: boolean; remote?: boolean; fn?: boolean } = {},
): LineageRow {
  const remote = parts.remote || parts.fn;
  return {
    key: `row:${name}`,
    responder: {
      name,
      source: `/project/${name}.ts`,
      handler: 'handler',
      hash: parts.local ? hex(name) : undefined,
      state: parts.state ?? 'current',
    },
    localImage: parts.local ? localImage(name) : undefined,
    remoteImage: remote ? remoteImage(name) : undefined,
    repo: remote ? repo(name) : undefined,
    lambdaFunction: parts.fn ? lambdaFunction(name) : undefined,
  };
}

/** `count` rows named `fn-0000`... with every part. */
export function manyRows(count: number): LineageRow[] {
  return Array.from({ length: count }, (_, index) =>
    row(`fn-${String(index).padStart(4, '0')}`, { local: true, fn: true }),
  );
}
