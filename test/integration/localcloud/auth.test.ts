// Who the local cloud listens to. A web page can send requests to 127.0.0.1 (with any
// Content-Type a form allows, and through DNS rebinding with a foreign Host): every such request
// is refused before any service sees it. AWS's own clients with the keys the cloud prints (the
// SDK v3, boto3, the AWS CLI v1 and v2) are served; a wrong secret, an unknown key, an expired
// session, a tampered body or an old signature get AWS's own errors.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { awsClis, awsToolEnv, pythonWithBoto3 } from '../../support/aws-tools.js';
import { type Keys, type RawRequest, sendRaw, signRequest } from '../../support/signed-request.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

let cloud: LocalCloud;
let keys: Keys;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dataDir: makeTempDir('lambdash-auth-') });
  keys = cloud.credentials;
});

afterAll(async () => {
  await cloud?.stop();
  removeTempDirs();
});

function host(): string {
  return new URL(cloud.endpoint).host;
}

/** The SDK v3 clients of every service, signing with `credentials`. */
function clients(credentials: Keys) {
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  return {
    lambda: new LambdaClient(config),
    ecr: new ECRClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

async function functionNames(): Promise<string[]> {
  const { lambda } = clients(keys);
  const listed = await lambda.send(new ListFunctionsCommand({}));
  lambda.destroy();
  return (listed.Functions ?? []).map((fn) => fn.FunctionName ?? '');
}

// What a page at https://evil.example could make the browser send: it runs code as the
// function's user with NODE_OPTIONS, if a function were ever created.
const HOSTILE_FUNCTION = JSON.stringify({
  FunctionName: 'pwned',
  Role: 'arn:aws:iam::000000000000:role/any',
  PackageType: 'Image',
  Code: { ImageUri: '127.0.0.1:5000/x:latest' },
  Environment: { Variables: { NODE_OPTIONS: '--import=data:text/javascript,process.exit(9)' } },
});

describe('requests a web page can send', () => {
  it('refuses a cross-origin POST creating a function, in every Content-Type a form allows', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const answer = await sendRaw(cloud.endpoint, {
        path: '/2015-03-31/functions',
        headers: { host: host(), origin: 'https://evil.example', 'content-type': contentType },
        body: HOSTILE_FUNCTION,
      });
      expect(answer.status).toBe(403);
      expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(await functionNames()).toEqual([]);
  });

  it('refuses the same request without an Origin for want of a signature', async () => {
    const answer = await sendRaw(cloud.endpoint, {
      path: '/2015-03-31/functions',
      headers: { host: host(), 'content-type': 'text/plain' },
      body: HOSTILE_FUNCTION,
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(await functionNames()).toEqual([]);
  });

  it('refuses a form post to IAM, answering in XML', async () => {
    const form = new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: 'pwned',
      AssumeRolePolicyDocument: '{}',
    }).toString();
    const withOrigin: Record<string, string> = { origin: 'null' };
    // A page's form post through DNS rebinding carries no Origin; it has no signature either.
    for (const headers of [withOrigin, {}]) {
      const answer = await sendRaw(cloud.endpoint, {
        path: '/',
        headers: { host: host(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: form,
      });
      expect(answer.status).toBe(403);
      expect(answer.text).toMatch(
        /^<ErrorResponse><Error><Type>Sender<\/Type><Code>(AccessDeniedException|MissingAuthenticationToken)<\/Code>/,
      );
    }
    const { iam } = clients(keys);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'pwned' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    iam.destroy();
  });

  it('refuses a foreign Host (DNS rebinding), even on a correctly signed request', async () => {
    const request: RawRequest = {
      method: 'GET',
      path: '/2015-03-31/functions/',
      headers: { host: `rebind.evil.example:${cloud.port}` },
    };
    const signed = await signRequest(cloud.endpoint, request, 'lambda', keys);
    const answer = await sendRaw(cloud.endpoint, {
      ...signed,
      headers: { ...signed.headers, host: `rebind.evil.example:${cloud.port}` },
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).message).toMatch(/Host "rebind\.evil\.example:\d+" is refused/);
    // The address it serves, and localhost, are its own names.
    for (const name of [`127.0.0.1:${cloud.port}`, `localhost:${cloud.port}`]) {
      const ok = await signRequest(
        cloud.endpoint,
        { method: 'GET', path: '/2015-03-31/functions/', headers: { host: name } },
        'lambda',
        keys,
      );
      expect((await sendRaw(cloud.endpoint, ok)).status).toBe(200);
    }
  });

  it('answers no CORS preflight', async () => {
    const answer = await sendRaw(cloud.endpoint, {
      method: 'OPTIONS',
      path: '/2015-03-31/functions',
      headers: {
        host: host(),
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(answer.status).toBe(403);
    expect(
      Object.keys(answer.headers).filter((name) => name.startsWith('access-control-')),
    ).toEqual([]);
  });
});

describe('the keys', () => {
  it('are the data folder own, readable by its owner only', async () => {
    expect(keys.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(keys.secretAccessKey).not.toBe('test');
    const file = path.join(cloud.dataDir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('open every service to the SDK v3', async () => {
    const c = clients(keys);
    const identity = await c.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:iam::000000000000:root');
    await c.lambda.send(new ListFunctionsCommand({}));
    await c.ecr.send(new DescribeRepositoriesCommand({}));
    await c.iam.send(new ListRolesCommand({}));
    await c.logs.send(new DescribeLogGroupsCommand({}));
    for (const client of Object.values(c)) client.destroy();
  });

  it("refuse a wrong secret or an unknown key with each service's own error", async () => {
    const wrong = clients({ ...keys, secretAccessKey: `${keys.secretAccessKey}x` });
    const unknown = clients({ accessKeyId: 'AKIAUNKNOWNUNKNOWNXX', secretAccessKey: 'x' });
    const name = (promise: Promise<unknown>) =>
      promise.then(
        () => 'served',
        (error: Error) => error.name,
      );
    expect({
      lambda: await name(wrong.lambda.send(new ListFunctionsCommand({}))),
      ecr: await name(wrong.ecr.send(new DescribeRepositoriesCommand({}))),
      logs: await name(wrong.logs.send(new DescribeLogGroupsCommand({}))),
      iam: await name(wrong.iam.send(new ListRolesCommand({}))),
      sts: await name(wrong.sts.send(new GetCallerIdentityCommand({}))),
    }).toEqual({
      lambda: 'InvalidSignatureException',
      ecr: 'InvalidSignatureException',
      logs: 'InvalidSignatureException',
      iam: 'SignatureDoesNotMatch',
      sts: 'SignatureDoesNotMatch',
    });
    expect({
      lambda: await name(unknown.lambda.send(new ListFunctionsCommand({}))),
      ecr: await name(unknown.ecr.send(new DescribeRepositoriesCommand({}))),
      sts: await name(unknown.sts.send(new GetCallerIdentityCommand({}))),
    }).toEqual({
      lambda: 'UnrecognizedClientException',
      ecr: 'UnrecognizedClientException',
      sts: 'InvalidClientTokenId',
    });
    for (const client of [...Object.values(wrong), ...Object.values(unknown)]) client.destroy();
  });

  it('open role sessions the cloud issued, until they expire, and tell who signed', async () => {
    const role = 'arn:aws:iam::000000000000:role/worker';
    const session = cloud.services.authority.issueSession(role, 'my-function');
    const c = clients(session);
    expect(await c.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: 'arn:aws:sts::000000000000:assumed-role/worker/my-function',
      Account: '000000000000',
    });
    // A token changed by a byte, or another session's key with this token, is not the cloud's.
    const forged = clients({ ...session, sessionToken: `${session.sessionToken.slice(0, -2)}AA` });
    await expect(forged.sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    });
    const expired = cloud.services.authority.issueSession(role, 'old', -1);
    const late = clients(expired);
    await expect(late.lambda.send(new ListFunctionsCommand({}))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
    await expect(late.sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
    });
    for (const client of [...Object.values(c), ...Object.values(forged), ...Object.values(late)])
      client.destroy();
  });

  it('refuse a body changed after signing, and a signature over five minutes old', async () => {
    const request: RawRequest = {
      path: '/2015-03-31/functions',
      headers: { 'content-type': 'application/json' },
      body: '{"FunctionName":"a"}',
    };
    const signed = await signRequest(cloud.endpoint, request, 'lambda', keys);
    const tampered = await sendRaw(cloud.endpoint, { ...signed, body: '{"FunctionName":"b"}' });
    expect(tampered.status).toBe(403);
    expect(tampered.headers['x-amzn-errortype']).toBe('InvalidSignatureException');

    const old = await signRequest(
      cloud.endpoint,
      { method: 'GET', path: '/2015-03-31/functions/' },
      'lambda',
      keys,
      new Date(Date.now() - 10 * 60_000),
    );
    const stale = await sendRaw(cloud.endpoint, old);
    expect(stale.status).toBe(403);
    expect(JSON.parse(stale.text).message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
  });
});

describe("AWS's other clients, with the keys `lambdash cloud` prints", () => {
  it('boto3 is served, and refused with a wrong secret', async () => {
    const script = `
import json, os, sys, boto3, botocore.exceptions
kw = dict(endpoint_url=sys.argv[1], region_name='us-east-1')
out = {}
out['arn'] = boto3.client('sts', **kw).get_caller_identity()['Arn']
pages = boto3.client('lambda', **kw).get_paginator('list_functions').paginate()
out['functions'] = sum(len(page['Functions']) for page in pages)
out['repositories'] = len(boto3.client('ecr', **kw).describe_repositories()['repositories'])
out['roles'] = len(boto3.client('iam', **kw).list_roles()['Roles'])
out['groups'] = len(boto3.client('logs', **kw).describe_log_groups()['logGroups'])
bad = dict(kw, aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key='wrong')
for service, call in (('lambda', 'list_functions'), ('sts', 'get_caller_identity')):
    try:
        getattr(boto3.client(service, **bad), call)()
        out[service + '_wrong'] = 'served'
    except botocore.exceptions.ClientError as error:
        out[service + '_wrong'] = error.response['Error']['Code']
print(json.dumps(out))
`;
    const result = await run(pythonWithBoto3(), ['-c', script, cloud.endpoint], {
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      arn: 'arn:aws:iam::000000000000:root',
      functions: 0,
      repositories: 0,
      roles: 0,
      groups: 0,
      lambda_wrong: 'InvalidSignatureException',
      sts_wrong: 'SignatureDoesNotMatch',
    });
  });

  it.each(awsClis().map((cli) => [cli.version, cli.path]))(
    '%s is served, and refused with a wrong secret',
    async (_version, cli) => {
      const aws = (secret: string, ...args: string[]) =>
        run(cli, [...args, '--endpoint-url', cloud.endpoint, '--output', 'json'], {
          AWS_ACCESS_KEY_ID: keys.accessKeyId,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_DEFAULT_REGION: 'us-east-1',
        });
      const identity = await aws(keys.secretAccessKey, 'sts', 'get-caller-identity');
      expect(identity.stderr).toBe('');
      expect(JSON.parse(identity.stdout).Arn).toBe('arn:aws:iam::000000000000:root');
      const functions = await aws(keys.secretAccessKey, 'lambda', 'list-functions');
      expect(JSON.parse(functions.stdout)).toEqual({ Functions: [] });
      const refused = await aws('wrong', 'lambda', 'list-functions');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('InvalidSignatureException');
    },
  );
});

/** Runs an AWS client as a child process; the cloud in this process serves it meanwhile. */
function run(
  command: string,
  args: string[],
  vars: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: awsToolEnv(vars) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
