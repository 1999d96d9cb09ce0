// What this machine's AWS setup says, read from the environment and the shared files without
// calling AWS: where credentials would come from, the region, and for SSO profiles whether the
// cached sign-in is still valid. The doctor reports it; the SDK's own chain still decides.
import { readFile } from 'node:fs/promises';
import {
  CONFIG_PREFIX_SEPARATOR,
  getSSOTokenFilepath,
  loadSharedConfigFiles,
} from '@smithy/core/config';

export interface AwsSetup {
  /** The profile named by the caller or AWS_PROFILE; undefined for the default one. */
  readonly profile: string | undefined;
  /** Where credentials come from, in words; undefined when none are configured. */
  readonly credentials: string | undefined;
  readonly region: string | undefined;
  /** For an SSO profile: the cached token's state. */
  readonly sso?: {
    readonly startUrl: string;
    /** `valid` until `expires`; `refreshable` when expired but the SDK can renew it. */
    readonly state: 'valid' | 'expired' | 'refreshable' | 'signed-out';
    readonly expires: Date | undefined;
  };
  /** A profile named but found in neither file. */
  readonly missingProfile: boolean;
}

/** Reads the environment and ~/.aws/{config,credentials} (or their AWS_* overrides). */
export async function readAwsSetup(options: { profile?: string } = {}): Promise<AwsSetup> {
  const env = process.env;
  const profile = options.profile ?? env.AWS_PROFILE;
  const name = profile ?? 'default';
  // The files as the SDK reads them (same paths, same INI rules): config profiles by name,
  // `[sso-session x]` as `sso-session.x`. Read afresh each time: the SDK caches files by path.
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const section = files.configFile[name];
  const keys = files.credentialsFile[name];
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || section?.region || undefined;
  const base = { profile, region, missingProfile: false };

  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { ...base, credentials: 'access keys in the environment (AWS_ACCESS_KEY_ID)' };
  }
  if (!profile && env.AWS_WEB_IDENTITY_TOKEN_FILE) {
    return { ...base, credentials: 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)' };
  }
  if (
    !profile &&
    (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
  ) {
    return { ...base, credentials: 'the container role (AWS_CONTAINER_CREDENTIALS_*)' };
  }
  const sessionName = section?.sso_session;
  const session = sessionName
    ? files.configFile[`sso-session${CONFIG_PREFIX_SEPARATOR}${sessionName}`]
    : undefined;
  const startUrl = session?.sso_start_url ?? section?.sso_start_url;
  if (startUrl) {
    const sso = await ssoState(startUrl, sessionName);
    return {
      ...base,
      region: region ?? session?.sso_region,
      credentials: `AWS SSO (profile ${name}, ${startUrl})`,
      sso,
    };
  }
  if (keys?.aws_access_key_id) return { ...base, credentials: `access keys (profile ${name})` };
  if (section?.credential_process)
    return { ...base, credentials: `credential_process (profile ${name})` };
  if (section?.role_arn)
    return { ...base, credentials: `role ${section.role_arn} (profile ${name})` };
  if (section?.aws_access_key_id) return { ...base, credentials: `access keys (profile ${name})` };
  return { ...base, credentials: undefined, missingProfile: !!profile && !section && !keys };
}

/** The SDK caches an SSO token under ~/.aws/sso/cache/<sha1 of session name or start URL>.json. */
async function ssoState(
  startUrl: string,
  sessionName: string | undefined,
): Promise<NonNullable<AwsSetup['sso']>> {
  const text = await readFile(getSSOTokenFilepath(sessionName ?? startUrl), 'utf8').catch(() => '');
  let token: { expiresAt?: string; refreshToken?: string; registrationExpiresAt?: string } = {};
  try {
    token = JSON.parse(text || '{}');
  } catch {
    // A damaged cache file is as good as none.
  }
  const expires = token.expiresAt ? new Date(token.expiresAt) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) {
    return { startUrl, state: 'signed-out', expires: undefined };
  }
  if (expires.getTime() > Date.now()) return { startUrl, state: 'valid', expires };
  const registration = token.registrationExpiresAt
    ? new Date(token.registrationExpiresAt)
    : undefined;
  const refreshable =
    !!sessionName && !!token.refreshToken && !!registration && registration.getTime() > Date.now();
  return { startUrl, state: refreshable ? 'refreshable' : 'expired', expires };
}
