// The registry credentials of an ECR push: GetAuthorizationToken's token, decoded and held in
// memory for the one push that asked for it. Nothing is written to disk, no docker config file,
// no credential helper: dockerode hands it to the engine in the push request's X-Registry-Auth
// header, and the engine does not keep it.
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type AwsOptions, callAws } from '../aws/aws-call.js';
import type { AwsTarget } from '../aws/aws-target.js';
import { LambdashError } from '../common/errors.js';

/** dockerode's `authconfig`: what the engine sends to the registry. */
export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` (the local cloud: `http://127.0.0.1:<port>`). */
  readonly serveraddress: string;
}

export async function getRegistryAuth(
  target: AwsTarget,
  options: AwsOptions,
): Promise<RegistryAuth> {
  const answer = await callAws(target, options, 'ECR', 'GetAuthorizationToken', (abortSignal) =>
    target.clients.ecr.send(new GetAuthorizationTokenCommand({}), { abortSignal }),
  );
  const data = answer.authorizationData?.[0];
  // The token is base64 of `AWS:<password>`.
  const decoded = data?.authorizationToken
    ? Buffer.from(data.authorizationToken, 'base64').toString('utf8')
    : '';
  const colon = decoded.indexOf(':');
  if (!data?.proxyEndpoint || colon <= 0) {
    throw new LambdashError(
      'AWS_FAILED',
      'ECR GetAuthorizationToken answered without a usable token.',
      target.kind === 'local'
        ? 'Restart the local cloud (lambdash cloud) and push again.'
        : 'Try again; if it persists, check the ECR endpoint and region in use.',
    );
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    serveraddress: data.proxyEndpoint,
  };
}
