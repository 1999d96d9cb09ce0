// The keys to sign with for an AWS-compatible endpoint: lambdash's local cloud checks every
// signature against its data folder's own pair; LocalStack and moto take any key.
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { findAnnouncedCredentials, findDefaultCredentials } from '../../localcloud/discovery.js';

/** What LocalStack and moto take: they accept any key. Ours never does (it has its own pair). */
export const ANY_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'test',
  secretAccessKey: 'test',
};

/** STS's answers to keys it does not know or cannot verify. */
export const REFUSED_KEY: ReadonlySet<string> = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
]);

/**
 * The keys for an endpoint, first found of: the keys of the lambdash local cloud whose live note
 * names this loopback port; the environment's (as `lambdash cloud` printed them, or for
 * LocalStack); the default data folder's, for a loopback port (a cloud another HOME started);
 * else any (LocalStack and moto take any key).
 */
export async function endpointCredentials(url: string): Promise<AwsCredentialIdentity> {
  const { hostname, port } = new URL(url);
  const loopback = (hostname === '127.0.0.1' || hostname === 'localhost') && port !== '';
  const announced = loopback ? await findAnnouncedCredentials(Number(port)) : undefined;
  if (announced) return announced;
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return (loopback ? await findDefaultCredentials() : undefined) ?? ANY_CREDENTIALS;
}
