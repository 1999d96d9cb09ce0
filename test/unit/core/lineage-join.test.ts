// The lineage rules on plain data: what joins to what, which parts make chains of their own,
// and where a chain's responder comes from (one row per responder: lineage-group.test.ts).
// getLineage itself runs against Docker and the local cloud in
// test/integration/core/lineage.test.ts.
import { describe, expect, it } from 'vitest';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../../../src/core/aws/aws-resources.js';
import { LABELS } from '../../../src/core/common/labels.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { groupByResponder } from '../../../src/core/lineage/lineage-group.js';
import {
  joinLineage,
  type LineageParts,
  parseReference,
  type UnresolvedRow,
} from '../../../src/core/lineage/lineage-join.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const REGISTRY = '127.0.0.1:5000';

function lineageLabels(name: string, hash: string, source = `/src/${name}.ts`) {
  return {
    [LABELS.generated]: 'true',
    [LABELS.name]: name,
    [LABELS.source]: source,
    [LABELS.handler]: 'index.handler',
    [LABELS.hash]: hash,
    [LABELS.options]: JSON.stringify({ handler: 'handler', name }),
  };
}

function localImage(
  name: string,
  id: string,
  hash: string,
  options: { digests?: string[]; tags?: string[]; created?: number; source?: string } = {},
): LocalImage {
  return {
    id: `sha256:${id}`,
    ref: `${name}:latest`,
    name,
    tag: 'latest',
    tags: options.tags ?? [`${name}:latest`],
    created: new Date(options.created ?? 1_000),
    size: 1,
    labels: lineageLabels(name, hash, options.source),
    digests: options.digests ?? [],
  };
}

function repo(name: string, tags: Record<string, string> = {}): EcrRepo {
  return {
    name,
    uri: `${REGISTRY}/${name}`,
    arn: `arn:aws:ecr:us-east-1:000000000000:repository/${name}`,
    registryId: '000000000000',
    created: new Date(0),
    scanOnPush: false,
    tagMutability: 'MUTABLE',
    tags,
  };
}

function remoteImage(name: string, d: string, tags: string[], pushed = 2_000): RemoteImage {
  return {
    repo: name,
    repoUri: `${REGISTRY}/${name}`,
    digest: d,
    uri: `${REGISTRY}/${name}@${d}`,
    tags,
    pushed: new Date(pushed),
    size: 1,
    mediaType: undefined,
    labels: {},
  };
}

function lambdaFunction(
  name: string,
  imageUri: string,
  resolved: string | undefined,
  tags: Record<string, string> = {},
  lastModified = 3_000,
): LambdaFunction {
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    state: 'Active',
    stateReason: undefined,
    lastUpdateStatus: 'Successful',
    lastUpdateStatusReason: undefined,
    imageUri,
    resolvedImageUri: resolved,
    role: 'arn:aws:iam::000000000000:role/lambdash-function',
    timeout: 3,
    memorySize: 128,
    architecture: 'x86_64',
    environment: {},
    lastModified: new Date(lastModified),
    tags,
  };
}

function parts(partial: Partial<LineageParts>): LineageParts {
  return {
    localImages: [],
    repos: [],
    remoteImages: [],
    functions: [],
    ...partial,
  };
}

/** A row as its parts' short names, to compare whole tables at a glance. */
function shape(rows: ReturnType<typeof joinLineage>) {
  return rows.map((row) => ({
    key: row.key,
    responder: row.responder && `${row.responder.name}:${row.responder.hash ?? '-'}`,
    local: row.localImage?.id,
    remote: row.remoteImage && `${row.remoteImage.repo}@${row.remoteImage.digest.slice(7, 9)}`,
    repo: row.repo?.name,
    fn: row.lambdaFunction?.name,
  }));
}

describe('joinLineage', () => {
  it('joins a whole chain by digests, whatever registry host the local digest names', () => {
    const a = digest('a');
    const rows = joinLineage(
      parts({
        // Pushed when the local cloud's registry was on another port.
        localImages: [
          localImage('orders', 'l1', 'h1', { digests: [`127.0.0.1:5999/orders@${a}`] }),
        ],
        repos: [repo('orders')],
        remoteImages: [remoteImage('orders', a, ['latest'])],
        functions: [
          lambdaFunction('orders', `${REGISTRY}/orders:latest`, `${REGISTRY}/orders@${a}`),
        ],
      }),
    );
    expect(shape(rows)).toEqual([
      {
        key: 'function:arn:aws:lambda:us-east-1:000000000000:function:orders',
        responder: 'orders:h1',
        local: 'sha256:l1',
        remote: 'orders@aa',
        repo: 'orders',
        fn: 'orders',
      },
    ]);
    expect(rows[0]?.responder).toEqual({
      name: 'orders',
      source: '/src/orders.ts',
      handler: 'handler',
      hash: 'h1',
      options: { handler: 'handler', name: 'orders' },
    });
  });

  it('gives a rebuilt image, an older pushed version and the function their own rows', () => {
    const a = digest('a');
    const b = digest('b');
    const rows = joinLineage(
      parts({
        localImages: [
          localImage('orders', 'new', 'h3', { created: 5_000 }),
          localImage('orders', 'old', 'h2', { digests: [`${REGISTRY}/orders@${b}`], tags: [] }),
        ],
        repos: [repo('orders')],
        remoteImages: [
          remoteImage('orders', a, ['v1'], 1_000),
          remoteImage('orders', b, ['latest'], 2_000),
        ],
        functions: [lambdaFunction('orders', `${REGISTRY}/orders@${a}`, `${REGISTRY}/orders@${a}`)],
      }),
    );
    expect(shape(rows)).toEqual([
      {
        key: 'local:sha256:new',
        responder: 'orders:h3',
        local: 'sha256:new',
        remote: undefined,
        repo: undefined,
        fn: undefined,
      },
      {
        key: 'function:arn:aws:lambda:us-east-1:000000000000:function:orders',
        // Nothing here was built as `a`, the function carries no tags and `a` is not the repo's newest.
        responder: undefined,
        local: undefined,
        remote: 'orders@aa',
        repo: 'orders',
        fn: 'orders',
      },
      {
        // Untagged locally, but it is what `latest` in the repository was pushed from.
        key: `remote:orders@${b}`,
        responder: 'orders:h2',
        local: 'sha256:old',
        remote: 'orders@bb',
        repo: 'orders',
        fn: undefined,
      },
    ]);
  });

  it("takes a function's responder from its lineage tags when its image is gone from ECR", () => {
    const rows = joinLineage(
      parts({
        functions: [
          lambdaFunction(
            'billing',
            `${REGISTRY}/billing@${digest('c')}`,
            `${REGISTRY}/billing@${digest('c')}`,
            lineageLabels('billing', 'h9'),
          ),
        ],
      }),
    );
    expect(shape(rows)).toEqual([
      {
        key: 'function:arn:aws:lambda:us-east-1:000000000000:function:billing',
        responder: 'billing:h9',
        local: undefined,
        remote: undefined,
        repo: undefined,
        fn: 'billing',
      },
    ]);
  });

  it("uses a repository's tags only for its newest image", () => {
    const rows = joinLineage(
      parts({
        repos: [repo('api', lineageLabels('api', 'h5'))],
        remoteImages: [
          remoteImage('api', digest('d'), ['v1'], 1_000),
          remoteImage('api', digest('e'), ['v2'], 9_000),
        ],
      }),
    );
    expect(shape(rows).map((row) => [row.remote, row.responder])).toEqual([
      ['api@ee', 'api:h5'],
      ['api@dd', undefined],
    ]);
  });

  it('drops untagged remote images that nothing runs and nothing here was built as', () => {
    const rows = joinLineage(
      parts({ repos: [repo('api')], remoteImages: [remoteImage('api', digest('f'), [])] }),
    );
    expect(rows).toEqual([]);
  });
});

describe('parseReference', () => {
  it.each([
    [`${REGISTRY}/team/api@${digest('a')}`, { repo: 'team/api', digest: digest('a') }],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@${digest('b')}`,
      { repo: 'api', digest: digest('b') },
    ],
    [`localhost/api@${digest('c')}`, { repo: 'api', digest: digest('c') }],
    [`team/api@${digest('d')}`, { repo: 'team/api', digest: digest('d') }],
    [`${REGISTRY}/api:latest`, undefined],
    [undefined, undefined],
  ])('%s', (reference, expected) => {
    expect(parseReference(reference)).toEqual(expected);
  });
});

/** A responder's row as its key, parts, flag and older chains' keys. */
function grouped(row: UnresolvedRow | undefined) {
  return (
    row && {
      ...shape([row])[0],
      outdated: row.outdated ?? false,
      older: (row.older ?? []).map((chain) => chain.key),
    }
  );
}

const fnKey = (name: string) => `function:arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const orders = { name: 'orders', source: '/src/orders.ts', handler: 'handler', hash: undefined };

describe('groupByResponder', () => {
  // Three builds of orders: the first pushed and deployed as `orders`, the second pushed and
  // deployed as `orders-canary`, the third only built here.
  const a = digest('a');
  const b = digest('b');
  const threeBuilds = joinLineage(
    parts({
      localImages: [
        localImage('orders', 'l1', 'h1', { digests: [`${REGISTRY}/orders@${a}`], tags: [] }),
        localImage('orders', 'l2', 'h2', {
          digests: [`${REGISTRY}/orders@${b}`],
          tags: [],
          created: 2_000,
        }),
        localImage('orders', 'l3', 'h3', { created: 3_000 }),
      ],
      repos: [repo('orders')],
      remoteImages: [
        remoteImage('orders', a, [], 1_500),
        remoteImage('orders', b, ['latest'], 2_500),
      ],
      functions: [
        lambdaFunction('orders', `${REGISTRY}/orders:latest`, `${REGISTRY}/orders@${a}`, {}, 1_600),
        lambdaFunction(
          'orders-canary',
          `${REGISTRY}/orders:latest`,
          `${REGISTRY}/orders@${b}`,
          {},
          2_600,
        ),
      ],
    }),
  );

  it('makes one row of a responder built three times: the newest build, the function named like it, outdated', () => {
    expect(threeBuilds).toHaveLength(3);
    const rows = groupByResponder(threeBuilds, undefined);
    expect(rows.map(grouped)).toEqual([
      {
        key: 'responder:/src/orders.ts#handler',
        responder: 'orders:h3',
        local: 'sha256:l3',
        // The newest build is not pushed: no other build's remote image stands in for it.
        remote: undefined,
        repo: undefined,
        fn: 'orders',
        outdated: true,
        // Newest first: the canary's chain (l2), then the chain `orders` runs (l1).
        older: [fnKey('orders-canary'), fnKey('orders')],
      },
    ]);
    expect(rows[0]?.older?.map((chain) => chain.localImage?.id)).toEqual([
      'sha256:l2',
      'sha256:l1',
    ]);
  });

  it('keeps the key through builds, pushes and deploys', () => {
    const built = joinLineage(parts({ localImages: [localImage('orders', 'l1', 'h1')] }));
    const pushed = joinLineage(
      parts({
        localImages: [localImage('orders', 'l1', 'h1', { digests: [`${REGISTRY}/orders@${a}`] })],
        repos: [repo('orders')],
        remoteImages: [remoteImage('orders', a, ['latest'])],
      }),
    );
    const deployed = joinLineage(
      parts({
        localImages: [localImage('orders', 'l1', 'h1', { digests: [`${REGISTRY}/orders@${a}`] })],
        repos: [repo('orders')],
        remoteImages: [remoteImage('orders', a, ['latest'])],
        functions: [
          lambdaFunction('orders', `${REGISTRY}/orders:latest`, `${REGISTRY}/orders@${a}`),
        ],
      }),
    );
    const keys = [built, pushed, deployed, threeBuilds].map((chains) =>
      groupByResponder(chains, [orders]).map((row) => row.key),
    );
    expect(keys).toEqual(Array(4).fill(['responder:/src/orders.ts#handler']));
    const row = groupByResponder(deployed, [orders])[0];
    expect(grouped(row)).toMatchObject({ remote: 'orders@aa', fn: 'orders', outdated: false });
  });

  it('does not flag a function whose image differs but was built from the same hash', () => {
    const rows = groupByResponder(
      joinLineage(
        parts({
          localImages: [
            localImage('orders', 'l1', 'h1', { digests: [`${REGISTRY}/orders@${a}`], tags: [] }),
            localImage('orders', 'l2', 'h1', { created: 2_000 }),
          ],
          repos: [repo('orders')],
          remoteImages: [remoteImage('orders', a, [])],
          functions: [
            lambdaFunction('orders', `${REGISTRY}/orders@${a}`, `${REGISTRY}/orders@${a}`),
          ],
        }),
      ),
      undefined,
    );
    expect(rows.map(grouped)).toEqual([
      expect.objectContaining({ local: 'sha256:l2', fn: 'orders', outdated: false }),
    ]);
  });

  it("holds the function named as the project names the responder, and the project's name", () => {
    const rows = groupByResponder(threeBuilds, [{ ...orders, name: 'orders-canary' }]);
    expect(grouped(rows[0])).toMatchObject({
      responder: 'orders-canary:h3',
      fn: 'orders-canary',
      outdated: true,
      older: [fnKey('orders-canary'), fnKey('orders')],
    });
  });

  it("shows the project's rows (its responders never built too, once), or everything", () => {
    const chains = joinLineage(
      parts({
        localImages: [
          localImage('orders', 'l1', 'h1'),
          localImage('other', 'l9', 'h9', { source: '/elsewhere/other.ts' }),
        ],
        repos: [repo('stray')],
        // An image nothing here was built as: no known responder.
        remoteImages: [remoteImage('stray', digest('f'), ['latest'])],
      }),
    );
    const fresh = { name: 'fresh', source: '/src/fresh.ts', handler: 'handler', hash: undefined };
    const project = [orders, fresh, fresh];
    const keys = (rows: UnresolvedRow[]) => rows.map((row) => row.key);
    expect(keys(groupByResponder(chains, project, 'project'))).toEqual([
      'responder:/src/fresh.ts#handler',
      'responder:/src/orders.ts#handler',
    ]);
    expect(groupByResponder(chains, project, 'project')[0]?.responder).toEqual(fresh);
    const everything = [
      'responder:/src/fresh.ts#handler',
      'responder:/src/orders.ts#handler',
      'responder:/elsewhere/other.ts#handler',
      `remote:stray@${digest('f')}`,
    ];
    expect(keys(groupByResponder(chains, project, 'all'))).toEqual(everything);
    // Without a project there is no project to keep to.
    expect(keys(groupByResponder(chains, undefined, 'project'))).toEqual(everything.slice(1));
  });
});
