// Helpers for tests that drive the local cloud through the real AWS SDK clients: the clients,
// a push of a local image with the ECR token, a role Lambda may assume, and a clean sweep of
// the containers a function left behind.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CredentialAuthority } from '../../src/localcloud/credentials.js';
import { findAnnouncedCredentials } from '../../src/localcloud/discovery.js';
import { LocalCloudServer } from '../../src/localcloud/server.js';
import { testDocker } from './docker.js';

/** A key pair for servers a test builds itself (`testServer`): no data folder behind it. */
export const testKeys = {
  accessKeyId: 'AKIALAMBDASHTESTKEYS',
  secretAccessKey: 'a-secret-only-these-tests-know',
};

/** A bare LocalCloudServer that takes requests signed with `testKeys`. */
export function testServer(): LocalCloudServer {
  return new LocalCloudServer(new CredentialAuthority(testKeys));
}

/** The keys of the local cloud at `endpoint`, found the way lambdash finds them (its note). */
export function cloudCredentials(endpoint: string): AwsCredentialIdentityProvider {
  const port = Number(new URL(endpoint).port);
  return async () => {
    const found = await findAnnouncedCredentials(port);
    if (!found) throw new Error(`no local cloud keys found for ${endpoint}`);
    return found;
  };
}

export function cloudClients(endpoint: string, options: { maxAttempts?: number } = {}) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: cloudCredentials(endpoint),
    ...options,
  };
  return {
    lambda: new LambdaClient(config),
    ecr: new ECRClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

/** Creates the repository, pushes `imageId` to it as `tag` with the token, and returns `uri:tag`. */
export async function pushToLocalEcr(
  ecr: ECRClient,
  repositoryName: string,
  imageId: string,
  tag: string,
): Promise<{ uri: string; repositoryUri: string }> {
  const repo = await ecr
    .send(new CreateRepositoryCommand({ repositoryName }))
    .catch(async (error: { name?: string }) => {
      if (error.name !== 'RepositoryAlreadyExistsException') throw error;
      return undefined;
    });
  const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
  const data = auth.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('no ECR token');
  const registryHost = new URL(data.proxyEndpoint).host;
  const repositoryUri = repo?.repository?.repositoryUri ?? `${registryHost}/${repositoryName}`;
  const [username, password] = Buffer.from(data.authorizationToken, 'base64')
    .toString('utf8')
    .split(':');
  const docker = testDocker();
  await docker.getImage(imageId).tag({ repo: repositoryUri, tag });
  const stream = await docker
    .getImage(`${repositoryUri}:${tag}`)
    .push({ authconfig: { username, password, serveraddress: data.proxyEndpoint } });
  const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, result: { error?: string }[]) =>
      error ? reject(error) : resolve(result),
    ),
  );
  const failed = output.find((line) => line.error);
  if (failed) throw new Error(`pushing ${repositoryUri}:${tag} failed: ${failed.error}`);
  return { uri: `${repositoryUri}:${tag}`, repositoryUri };
}

/** A role whose trust policy names `service` (lambda.amazonaws.com for one Lambda accepts). */
export async function createServiceRole(
  iam: IAMClient,
  roleName: string,
  service = 'lambda.amazonaws.com',
): Promise<string> {
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  if (!role.Role?.Arn) throw new Error(`no ARN for role ${roleName}`);
  return role.Role.Arn;
}

export const FUNCTION_LABEL = 'dev.lambdash.localcloud.function';

/** The containers (running or not) the local cloud made for `functionName`. */
export async function functionContainers(functionName: string): Promise<string[]> {
  const containers = await testDocker().listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${FUNCTION_LABEL}=${functionName}`] }),
  });
  return containers.map((c) => c.Id);
}

/** Removes whatever containers are left of these functions. */
export async function removeFunctionContainers(...functionNames: string[]): Promise<void> {
  const docker = testDocker();
  for (const name of functionNames) {
    for (const id of await functionContainers(name).catch(() => [])) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}
