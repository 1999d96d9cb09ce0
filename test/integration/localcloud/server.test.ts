// The local cloud's HTTP server with stand-in services: which service a signed request reaches
// (X-Amz-Target, else the SigV4 credential scope), the wire shape of results and errors in each
// protocol, and bad requests (unknown operations, malformed JSON, bodies over 6 MB), after each
// of which the server keeps serving. The real SDK clients check the errors are typed. What it
// refuses before any service sees a request (no signature, a web page) is in auth.test.ts.

import { readFileSync } from 'node:fs';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeRepositoriesCommand,
  ECRClient,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  GetFunctionCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloudServer, MAX_BODY_BYTES } from '../../../src/localcloud/server.js';
import {
  type JsonService,
  type QueryService,
  ServiceError,
} from '../../../src/localcloud/service.js';
import { testKeys, testServer } from '../../support/localcloud.js';
import { sendRaw, signRequest } from '../../support/signed-request.js';

const credentials = testKeys;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A query service that says who answered and what it was asked. */
function queryService(name: string, version: string): QueryService {
  return {
    signingName: name,
    xmlns: `https://${name}.example.com/doc/${version}/`,
    async call(action, params) {
      if (action === 'Fail')
        throw new ServiceError('NoSuchThing', 'No thing <named> "x" & co', 404);
      if (action === 'Crash') throw new TypeError('the service broke');
      return `<Who>${name}</Who><Action>${action}</Action><Param>${params.get('P') ?? ''}</Param>`;
    },
  };
}

/** A JSON 1.1 service that echoes its operation and input, or fails as asked. */
function jsonService(targetPrefix: string): JsonService {
  return {
    targetPrefix,
    async call(operation, input) {
      if (operation === 'Fail')
        throw new ServiceError('ThingNotFoundException', 'No such thing.', 404);
      if (operation === 'Crash') throw new Error('the service broke');
      if (operation === 'DescribeRepositories') {
        throw new ServiceError('RepositoryNotFoundException', 'The repository does not exist.');
      }
      return { service: targetPrefix, operation, size: JSON.stringify(input).length };
    },
  };
}

let server: LocalCloudServer;
let base: string;
let restCalls: { method: string; path: string; query: string; body: string }[] = [];

beforeAll(async () => {
  server = testServer();
  server.registerQuery(queryService('alpha', '2001-01-01'));
  server.registerQuery(queryService('beta', '2002-02-02'));
  server.registerJson('one', jsonService('One_20200101'));
  server.registerJson('ecr', jsonService('AmazonEC2ContainerRegistry_V20150921'));
  server.registerRest('lambda', '/2015-03-31/functions', async (request) => {
    restCalls.push({
      method: request.method,
      path: request.path,
      query: request.query.toString(),
      body: request.body.toString('utf8'),
    });
    if (request.path.endsWith('/missing')) {
      throw new ServiceError('ResourceNotFoundException', 'Function not found: missing', 404);
    }
    if (request.path.endsWith('/crash')) throw new Error('handler broke');
    if (request.path.endsWith('/raw')) {
      return { status: 202, headers: { 'x-custom': 'yes' }, body: Buffer.from('raw bytes') };
    }
    return { status: 200, body: { ok: true, requestId: request.requestId } };
  });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(() => server.close());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** A request signed for `service` with the server's keys, as an SDK would send it. */
async function send(
  service: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/',
  method = 'POST',
): Promise<Answer> {
  const signed = await signRequest(base, { method, path, headers, body }, service, credentials);
  const answer = await sendRaw(base, signed);
  return {
    status: answer.status,
    headers: new Headers(answer.headers as Record<string, string>),
    text: answer.text,
  };
}

function post(
  body: string | Buffer,
  headers: Record<string, string>,
  path: string,
  service: string,
): Promise<Answer> {
  return send(service, body, headers, path);
}

function query(service: string, form: Record<string, string>): Promise<Answer> {
  return send(service, new URLSearchParams(form).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
  });
}

function json(target: string | undefined, body: string | Buffer, service = 'one'): Promise<Answer> {
  return send(service, body, {
    'content-type': 'application/x-amz-json-1.1',
    ...(target ? { 'x-amz-target': target } : {}),
  });
}

/** After every bad request: the server still answers a good one. */
async function expectServing(): Promise<void> {
  const answer = await json('One_20200101.Ping', '{}');
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ service: 'One_20200101', operation: 'Ping', size: 2 });
}

function jsonError(answer: Answer): { status: number; type: string | null; body: unknown } {
  return {
    status: answer.status,
    type: answer.headers.get('x-amzn-errortype'),
    body: JSON.parse(answer.text),
  };
}

describe('query protocol', () => {
  it('routes by the credential scope, even when Version names another service', async () => {
    const answer = await query('alpha', { Action: 'Look', Version: '2002-02-02', P: 'a&b' });
    expect(answer.status).toBe(200);
    const requestId = answer.headers.get('x-amzn-requestid');
    expect(requestId).toMatch(UUID);
    expect(answer.text).toBe(
      '<LookResponse xmlns="https://alpha.example.com/doc/2001-01-01/"><LookResult>' +
        '<Who>alpha</Who><Action>Look</Action><Param>a&b</Param></LookResult>' +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></LookResponse>`,
    );
  });

  it('serves GET requests, with the action in the query', async () => {
    const get = await send('alpha', '', {}, '/?Action=Look&Version=2001-01-01&P=q', 'GET');
    expect(get.status).toBe(200);
    expect(get.text).toContain('<Who>alpha</Who><Action>Look</Action><Param>q</Param>');
  });

  it('answers a form signed for no service it knows with an XML InvalidAction naming the action', async () => {
    const answer = await query('gamma', { Action: 'Look', Version: '2002-02-02' });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>' +
        '<Message>The local cloud does not serve the action Look (POST / for gamma).</Message></Error>' +
        `<RequestId>${answer.headers.get('x-amzn-requestid')}</RequestId></ErrorResponse>`,
    );
    await expectServing();
  });

  it('answers errors as an XML ErrorResponse with the status, code and escaped message', async () => {
    const answer = await query('beta', { Action: 'Fail', Version: '2002-02-02' });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('text/xml');
    const requestId = answer.headers.get('x-amzn-requestid');
    expect(answer.text).toBe(
      '<ErrorResponse xmlns="https://beta.example.com/doc/2002-02-02/"><Error><Type>Sender</Type>' +
        '<Code>NoSuchThing</Code><Message>No thing &lt;named&gt; &quot;x&quot; &amp; co</Message></Error>' +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    await expectServing();
  });

  it('answers a service crash as a 500 Receiver ServiceException', async () => {
    const answer = await query('alpha', { Action: 'Crash' });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain(
      '<Error><Type>Receiver</Type><Code>ServiceException</Code><Message>the service broke</Message></Error>',
    );
    await expectServing();
  });
});

describe('JSON 1.1 protocol', () => {
  it('routes by X-Amz-Target and answers JSON', async () => {
    const answer = await json('AmazonEC2ContainerRegistry_V20150921.ListImages', '{"a":1}', 'ecr');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(answer.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(JSON.parse(answer.text)).toEqual({
      service: 'AmazonEC2ContainerRegistry_V20150921',
      operation: 'ListImages',
      size: 7,
    });
  });

  it('routes by the credential scope when there is no target, and takes an empty body as {}', async () => {
    const answer = await json(undefined, '', 'one');
    expect(JSON.parse(answer.text)).toEqual({ service: 'One_20200101', operation: '', size: 2 });
  });

  it('answers errors with x-amzn-errortype and a {__type, message} body', async () => {
    expect(jsonError(await json('One_20200101.Fail', '{}'))).toEqual({
      status: 404,
      type: 'ThingNotFoundException',
      body: { __type: 'ThingNotFoundException', message: 'No such thing.' },
    });
    expect(jsonError(await json('One_20200101.Crash', '{}'))).toEqual({
      status: 500,
      type: 'ServiceException',
      body: { __type: 'ServiceException', message: 'the service broke' },
    });
    await expectServing();
  });

  it('names a target no service answers, even when the scope names a service', async () => {
    for (const [target, scope] of [
      ['Nobody_20200101.DoThing', undefined],
      ['Nobody_20200101.DoThing', 'one'],
    ] as const) {
      expect(jsonError(await json(target, '{}', scope))).toEqual({
        status: 400,
        type: 'UnknownOperationException',
        body: {
          __type: 'UnknownOperationException',
          message: 'No local service answers Nobody_20200101.DoThing.',
        },
      });
    }
    await expectServing();
  });

  it.each([
    ['cut-off JSON', '{"a": [1, 2'],
    ['not JSON at all', 'Action=ListImages'],
    ['an array', '[1, 2]'],
    ['null', 'null'],
    ['a string', '"text"'],
  ])('answers SerializationException for %s', async (_, body) => {
    const error = jsonError(await json('One_20200101.Echo', body));
    expect(error.status).toBe(400);
    expect(error.type).toBe('SerializationException');
    expect(error.body).toEqual({
      __type: 'SerializationException',
      message: expect.stringMatching(/^Malformed request body: /),
    });
    await expectServing();
  });
});

describe('bodies over 6 MB', () => {
  const padded = (size: number) => {
    const body = Buffer.alloc(size, 'x');
    body.write('{"p":"');
    body.write('"}', size - 2);
    return body;
  };

  it('takes a body of exactly 6 MB', async () => {
    const answer = await json('One_20200101.Big', padded(MAX_BODY_BYTES));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      service: 'One_20200101',
      operation: 'Big',
      size: MAX_BODY_BYTES,
    });
  });

  it('answers 413 RequestTooLargeException one byte over, in each protocol, and serves on', async () => {
    const over = padded(MAX_BODY_BYTES + 1);
    const message = `Request must be smaller than ${MAX_BODY_BYTES} bytes.`;

    expect(jsonError(await json('One_20200101.Big', over))).toEqual({
      status: 413,
      type: 'RequestTooLargeException',
      body: { __type: 'RequestTooLargeException', message },
    });

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const queryAnswer = await post(over, form, '/', 'alpha');
    expect(queryAnswer.status).toBe(413);
    expect(queryAnswer.text).toContain(
      `<Error><Type>Sender</Type><Code>RequestTooLargeException</Code><Message>${message}</Message></Error>`,
    );

    const restAnswer = await post(over, {}, '/2015-03-31/functions/big/invocations', 'lambda');
    expect(restAnswer.status).toBe(413);
    expect(restAnswer.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    expect(JSON.parse(restAnswer.text)).toEqual({ Type: 'User', message });

    // Unsigned, untargeted: no service to blame, still the size that is wrong.
    const unsigned = await sendRaw(base, {
      path: '/',
      headers: { host: new URL(base).host },
      body: over,
    });
    expect(unsigned.status).toBe(413);
    expect(unsigned.headers['x-amzn-errortype']).toBe('RequestTooLargeException');
    await expectServing();
  });
});

describe('REST-JSON routes', () => {
  it('hands the handler method, path, query and body, and sends its answer', async () => {
    restCalls = [];
    const response = await send(
      'lambda',
      '{"name":"Ada"}',
      {},
      '/2015-03-31/functions/hello/invocations?Qualifier=%24LATEST',
    );
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-amzn-requestid');
    expect(JSON.parse(response.text)).toEqual({ ok: true, requestId });
    expect(restCalls).toEqual([
      {
        method: 'POST',
        path: '/2015-03-31/functions/hello/invocations',
        query: 'Qualifier=%24LATEST',
        body: '{"name":"Ada"}',
      },
    ]);

    const raw = await send('lambda', '', {}, '/2015-03-31/functions/raw', 'GET');
    expect(raw.status).toBe(202);
    expect(raw.headers.get('x-custom')).toBe('yes');
    expect(raw.headers.get('content-type')).toBeNull();
    expect(raw.text).toBe('raw bytes');
  });

  it('answers errors with x-amzn-errortype and {Type, message}', async () => {
    const missing = await send('lambda', '', {}, '/2015-03-31/functions/missing', 'GET');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(JSON.parse(missing.text)).toEqual({
      Type: 'User',
      message: 'Function not found: missing',
    });
    const crash = await send('lambda', '', {}, '/2015-03-31/functions/crash', 'GET');
    expect(crash.status).toBe(500);
    expect(JSON.parse(crash.text)).toEqual({ Type: 'Service', message: 'handler broke' });
    await expectServing();
  });

  it('refuses a request signed for another service, as Lambda does', async () => {
    restCalls = [];
    const answer = await post('', {}, '/2015-03-31/functions/x', 'logs');
    expect(jsonError(answer)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { Type: 'User', message: "Credential should be scoped to correct service: 'lambda'. " },
    });
    expect(restCalls).toEqual([]);
  });
});

describe('the real SDK clients', () => {
  it('raise the typed exception a JSON 1.1 error names', async () => {
    const ecr = new ECRClient({ endpoint: base, region: 'us-east-1', credentials });
    const error = await ecr
      .send(new DescribeRepositoriesCommand({}))
      .catch((caught: unknown) => caught);
    ecr.destroy();
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
    expect((error as RepositoryNotFoundException).message).toBe('The repository does not exist.');
  });

  it('raise the typed exception a REST-JSON error names', async () => {
    const lambda = new LambdaClient({ endpoint: base, region: 'us-east-1', credentials });
    const error = await lambda
      .send(new GetFunctionCommand({ FunctionName: 'missing' }))
      .catch((caught: unknown) => caught);
    lambda.destroy();
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  describe('against a server with no services', () => {
    let bare: LocalCloudServer;
    let endpoint: string;
    beforeAll(async () => {
      bare = testServer();
      endpoint = `http://127.0.0.1:${await bare.listen(0)}`;
    });
    afterAll(() => bare.close());

    it.each([
      [
        'JSON 1.1 (CloudWatch Logs)',
        () => {
          const client = new CloudWatchLogsClient({ endpoint, region: 'us-east-1', credentials });
          return client.send(new DescribeLogGroupsCommand({})).finally(() => client.destroy());
        },
        'No local service answers Logs_20140328.DescribeLogGroups.',
      ],
      [
        'REST-JSON (Lambda)',
        () => {
          const client = new LambdaClient({ endpoint, region: 'us-east-1', credentials });
          return client
            .send(new GetFunctionCommand({ FunctionName: 'f' }))
            .finally(() => client.destroy());
        },
        'The local cloud does not serve GET /2015-03-31/functions/f for lambda.',
      ],
      [
        'query (STS)',
        () => {
          const client = new STSClient({ endpoint, region: 'us-east-1', credentials });
          return client.send(new GetCallerIdentityCommand({})).finally(() => client.destroy());
        },
        'The local cloud does not serve the action GetCallerIdentity (POST / for sts).',
      ],
    ])(
      'answer %s with an error naming what is not served, never a hang',
      async (kind, call, message) => {
        const error = (await call().then(
          () => undefined,
          (caught: unknown) => caught,
        )) as Error | undefined;
        expect(error?.name).toBe(
          kind.startsWith('query') ? 'InvalidAction' : 'UnknownOperationException',
        );
        expect(error?.message).toBe(message);
      },
    );
  });
});

describe('the listening socket', () => {
  it('listens on 127.0.0.1 only, as the kernel socket table shows (no traffic leaves loopback)', () => {
    const port = Number(new URL(base).port);
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
  });

  it('closes with a request still in flight and idle keep-alive connections open', async () => {
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const closing = testServer();
    closing.registerRest('lambda', '/hang', () => {
      entered();
      return new Promise(() => undefined); // Never answers.
    });
    const url = `http://127.0.0.1:${await closing.listen(0)}`;
    const idle = await fetch(`${url}/nothing`, { headers: { connection: 'keep-alive' } });
    await idle.text();
    const signed = await signRequest(url, { path: '/hang' }, 'lambda', credentials);
    const hanging = sendRaw(url, signed).then(
      () => 'answered',
      () => 'dropped',
    );
    await inHandler;
    await closing.close();
    expect(await hanging).toBe('dropped');
  });
});

/** The local IPv4 addresses with a listening TCP socket on `port`, from /proc/net/tcp. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
    .map((fields) => {
      const hex = fields[1]!.split(':')[0]!;
      // Little-endian bytes: 0100007F is 127.0.0.1.
      return [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');
    });
}
