// STS through the real @aws-sdk/client-sts, both with an explicit endpoint and the way users
// point tools at the local cloud: only the environment variables it prints.
import {
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

let cloud: LocalCloud;
let sts: STSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dataDir: makeTempDir('lambdash-sts-') });
  sts = new STSClient({
    endpoint: cloud.endpoint,
    region: 'us-east-1',
    credentials: cloud.credentials,
  });
});

afterAll(async () => {
  sts.destroy();
  await cloud.stop();
  removeTempDirs();
});

describe('STS', () => {
  it('says every caller is the local account root', async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: '000000000000',
      Arn: 'arn:aws:iam::000000000000:root',
      UserId: '000000000000',
    });
    expect(identity.$metadata.httpStatusCode).toBe(200);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers InvalidAction naming an operation it does not implement, then serves on', async () => {
    const error = await sts.send(new GetSessionTokenCommand({})).then(
      () => undefined,
      (caught: unknown) => caught as STSServiceException,
    );
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error?.name).toBe('InvalidAction');
    expect(error?.message).toContain('GetSessionToken');
    expect(error?.$metadata.httpStatusCode).toBe(400);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
  });

  it('is reached by an SDK client configured only by the environment env() gives', async () => {
    expect(cloud.env()).toEqual({
      AWS_ENDPOINT_URL: `http://127.0.0.1:${cloud.port}`,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
    });
    expect(cloud.credentials.accessKeyId).not.toBe('test');
    const saved = { ...process.env };
    const names = [
      'AWS_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL_STS',
    ];
    try {
      for (const name of names) delete process.env[name];
      Object.assign(process.env, cloud.env());
      const fromEnv = new STSClient({});
      const identity = await fromEnv.send(new GetCallerIdentityCommand({}));
      fromEnv.destroy();
      expect(identity.Arn).toBe('arn:aws:iam::000000000000:root');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
