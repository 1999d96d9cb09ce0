// The lineage rules on plain data: what joins to what, which parts get rows of their own, and
// where a row's responder comes from. getLineage itself runs against the local cloud in
// test/integration/core/lineage.test.ts.
import { describe, expect, it } from 'vitest';
import type { EcrRepo, LambdaFunction, RemoteImage } from '../../../src/core/aws-resources.js';
import { LABELS } from '../../../src/core/labels.js';
import { joinLineage, type LineageParts, parseReference } from '../../../src/core/lineage-join.js';
import type { LocalImage } from '../../../src/core/local-images.js';

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
  options: { digests?: string[]; tags?: string[]; created?: number } = {},
): LocalImage {
  return {
    id: `sha256:${id}`,
    ref: `${name}:latest`,
    name,
    tag: 'latest',
    tags: options.tags ?? [`${name}:latest`],
    created: new Date(options.created ?? 1_000),
    size: 1,
    labels: lineageLabels(name, hash),
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
  };
}

function lambdaFunction(
  name: string,
  imageUri: string,
  resolved: string | undefined,
  tags: Record<string, string> = {},
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
    lastModified: new Date(3_000),
    tags,
  };
}

function parts(partial: Partial<LineageParts>): LineageParts {
  return {
    responders: [],
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

  it("adds the project's responders that were never built, once", () => {
    const rows = joinLineage(
      parts({
        responders: [
          { name: 'orders', source: '/src/orders.ts', handler: 'handler', hash: undefined },
          { name: 'fresh', source: '/src/fresh.ts', handler: 'handler', hash: undefined },
          { name: 'fresh', source: '/src/fresh.ts', handler: 'handler', hash: undefined },
        ],
        localImages: [localImage('orders', 'l1', 'h1')],
      }),
    );
    expect(shape(rows)).toEqual([
      {
        key: 'responder:/src/fresh.ts#handler',
        responder: 'fresh:-',
        local: undefined,
        remote: undefined,
        repo: undefined,
        fn: undefined,
      },
      {
        key: 'local:sha256:l1',
        responder: 'orders:h1',
        local: 'sha256:l1',
        remote: undefined,
        repo: undefined,
        fn: undefined,
      },
    ]);
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
