// `lambdash doctor`: what this machine has of what lambdash needs, as data (the core never
// prints). Each check says what it found and, when something is wrong, the fix. A check that
// is fine but worth knowing about (no AWS credentials: the local cloud is used) is a warning,
// which never counts as a failure.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readAwsSetup } from '../aws/aws-config.js';
import { connectTarget } from '../aws/aws-target.js';
import { endpointCredentials, REFUSED_KEY } from '../aws/endpoint-credentials.js';
import { localCloudPort } from '../aws/local-cloud-port.js';
import { isLambdashError } from '../common/errors.js';
import { runtimeDistDir } from '../common/paths.js';
import { MIN_NODE_MAJOR } from '../images/base-image.js';
import { getDockerEngine, inspectImage } from '../images/docker.js';
import { DEFAULT_OFFLINE_NAME } from '../images/offline-base-image.js';

export type DoctorCheckId =
  | 'node'
  | 'runtime'
  | 'docker'
  | 'registry'
  | 'base-image'
  | 'aws-credentials'
  | 'aws-region'
  | 'local-cloud';

export interface DoctorCheck {
  readonly id: DoctorCheckId;
  readonly title: string;
  /** False when something lambdash needs is missing or broken. */
  readonly ok: boolean;
  /** Fine, but worth a look (`fix` says what to do about it). */
  readonly warning?: boolean;
  /** What was found, in words. */
  readonly detail: string;
  /** What to do, for failures and warnings. */
  readonly fix?: string;
}

export interface DoctorOptions {
  readonly profile?: string;
  readonly region?: string;
  /** The local cloud to look for; default AWS_ENDPOINT_URL, else the shared one (localCloudPort). */
  readonly endpoint?: string;
  /** Verify AWS credentials with STS when some are configured (default true). */
  readonly verifyAws?: boolean;
  readonly signal?: AbortSignal;
}

const PROBE_TIMEOUT_MS = 1_000;
const STS_TIMEOUT_MS = 8_000;
const NODE_MINOR_MIN = 19;

/** Runs every check (at the same time) and returns them in a fixed order. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const aws = checkAws(options);
  const results = await Promise.all([
    checkNode(),
    checkRuntime(),
    checkDocker(),
    checkRegistry(),
    checkBaseImage(options.signal),
    aws.then((checks) => checks[0]),
    aws.then((checks) => checks[1]),
    checkLocalCloud(options),
  ]);
  return results;
}

/** Whether every check passed (warnings do not count). */
export function doctorPassed(checks: readonly DoctorCheck[]): boolean {
  return checks.every((check) => check.ok);
}

async function checkNode(): Promise<DoctorCheck> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE_MAJOR || (major === MIN_NODE_MAJOR && minor >= NODE_MINOR_MIN);
  return {
    id: 'node',
    title: 'Node.js',
    ok,
    detail: `${process.versions.node} at ${process.execPath}`,
    ...(ok ? {} : { fix: `Install Node.js ${MIN_NODE_MAJOR}.${NODE_MINOR_MIN} or newer.` }),
  };
}

async function checkRuntime(): Promise<DoctorCheck> {
  const file = path.join(runtimeDistDir, 'bootstrap.cjs');
  const ok = existsSync(file);
  return {
    id: 'runtime',
    title: "lambdash's runtime",
    ok,
    detail: ok ? file : `${file} is missing`,
    ...(ok ? {} : { fix: 'Run `npm run build` in the lambdash folder.' }),
  };
}

async function checkDocker(): Promise<DoctorCheck> {
  const where = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  try {
    const engine = await getDockerEngine();
    const network =
      engine.network === 'host'
        ? 'containers use host networking (the engine has no bridge)'
        : 'containers publish their ports on 127.0.0.1';
    return {
      id: 'docker',
      title: 'Docker engine',
      ok: true,
      detail: `Docker ${engine.version} (API ${engine.apiVersion}, ${engine.os}/${engine.arch}) at ${where}; ${network}`,
    };
  } catch (error) {
    return failed(
      'docker',
      'Docker engine',
      error,
      `Start the Docker engine, or point DOCKER_HOST at one (now ${where}).`,
    );
  }
}

async function checkRegistry(): Promise<DoctorCheck> {
  const found = onPath('docker-registry');
  return {
    id: 'registry',
    title: 'Registry (docker-registry, for the local cloud)',
    ok: !!found,
    detail: found ?? 'docker-registry is not on PATH',
    ...(found
      ? {}
      : {
          fix: 'Install it: `sudo apt-get install docker-registry` (Debian, Ubuntu), or run `sudo bash scripts/provision.sh` in the lambdash folder.',
        }),
  };
}

async function checkBaseImage(signal: AbortSignal | undefined): Promise<DoctorCheck> {
  const major = process.versions.node.split('.')[0];
  const candidates = [
    `node:${major}-slim`,
    `node:${major}`,
    `${DEFAULT_OFFLINE_NAME}:${process.versions.node}`,
  ];
  try {
    for (const image of candidates) {
      const info = await inspectImage(image, signal);
      if (info) {
        return {
          id: 'base-image',
          title: 'Base image',
          ok: true,
          detail: `${image} (${(info.Size / 1e6).toFixed(0)} MB)`,
        };
      }
    }
  } catch (error) {
    return failed('base-image', 'Base image', error, 'Start the Docker engine first.');
  }
  return {
    id: 'base-image',
    title: 'Base image',
    ok: true,
    warning: true,
    detail: `none yet (looked for ${candidates.join(', ')}); the first build makes one`,
    fix: 'Run `lambdash base` to make it now (it takes a minute, once).',
  };
}

async function checkAws(options: DoctorOptions): Promise<[DoctorCheck, DoctorCheck]> {
  const setup = await readAwsSetup(options.profile ? { profile: options.profile } : {});
  const profileFlag = setup.profile ? ` --profile ${setup.profile}` : '';
  const region = options.region ?? setup.region;
  const regionCheck: DoctorCheck = region
    ? { id: 'aws-region', title: 'AWS region', ok: true, detail: region }
    : setup.credentials
      ? {
          id: 'aws-region',
          title: 'AWS region',
          ok: false,
          detail: 'no region is set',
          fix: `Set one: \`export AWS_REGION=eu-west-1\`, or \`aws configure set region eu-west-1${profileFlag}\`.`,
        }
      : {
          id: 'aws-region',
          title: 'AWS region',
          ok: true,
          detail: 'none set (the local cloud uses us-east-1)',
        };
  const title = 'AWS credentials';
  if (setup.missingProfile) {
    return [
      {
        id: 'aws-credentials',
        title,
        ok: false,
        detail: `the profile "${setup.profile}" is in neither ~/.aws/config nor ~/.aws/credentials`,
        fix: `Create it (\`aws configure${profileFlag}\` or \`aws configure sso${profileFlag}\`), or name another profile.`,
      },
      regionCheck,
    ];
  }
  if (!setup.credentials) {
    return [
      {
        id: 'aws-credentials',
        title,
        ok: true,
        warning: true,
        detail: 'none configured: lambdash deploys to its local cloud',
        fix: 'To deploy to AWS: `aws configure` (access keys) or `aws configure sso`, then run lambdash again.',
      },
      regionCheck,
    ];
  }
  if (setup.sso && (setup.sso.state === 'expired' || setup.sso.state === 'signed-out')) {
    return [
      {
        id: 'aws-credentials',
        title,
        ok: false,
        detail: `${setup.credentials}: ${setup.sso.state === 'expired' ? `the sign-in expired ${setup.sso.expires?.toISOString()}` : 'not signed in'}`,
        fix: `Sign in: \`aws sso login${profileFlag || ' --profile <your profile>'}\`.`,
      },
      regionCheck,
    ];
  }
  const ssoNote =
    setup.sso?.state === 'valid'
      ? `, signed in until ${setup.sso.expires?.toISOString()}`
      : setup.sso?.state === 'refreshable'
        ? ', sign-in expired, renewed on next use'
        : '';
  if (options.verifyAws === false || !region) {
    return [
      { id: 'aws-credentials', title, ok: true, detail: `${setup.credentials}${ssoNote}` },
      regionCheck,
    ];
  }
  try {
    const target = await connectTarget({
      kind: 'aws',
      region,
      ...(setup.profile ? { profile: setup.profile } : {}),
      signal: AbortSignal.any([
        AbortSignal.timeout(STS_TIMEOUT_MS),
        ...(options.signal ? [options.signal] : []),
      ]),
    });
    await target.close();
    return [
      {
        id: 'aws-credentials',
        title,
        ok: true,
        detail: `${setup.credentials}${ssoNote}; account ${target.accountId}`,
      },
      regionCheck,
    ];
  } catch (error) {
    return [
      failed(
        'aws-credentials',
        title,
        error,
        `Check them: \`aws sts get-caller-identity${profileFlag}\`.`,
        `${setup.credentials}: `,
      ),
      regionCheck,
    ];
  }
}

async function checkLocalCloud(options: DoctorOptions): Promise<DoctorCheck> {
  const title = 'Local cloud';
  let url = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!url) {
    let port: number;
    try {
      port = localCloudPort();
    } catch (error) {
      return failed('local-cloud', title, error, 'Unset LAMBDASH_CLOUD_PORT for 4566.');
    }
    if (port === 0) {
      return {
        id: 'local-cloud',
        title,
        ok: true,
        detail: 'none shared (LAMBDASH_CLOUD_PORT=0): each command starts one of its own',
      };
    }
    url = `http://127.0.0.1:${port}`;
  }
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: await endpointCredentials(url),
    maxAttempts: 1,
  });
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return {
      id: 'local-cloud',
      title,
      ok: true,
      detail: `serving at ${url} (account ${identity.Account})`,
    };
  } catch (error) {
    const code =
      (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    if (
      code === 'ECONNREFUSED' ||
      (error as Error).name === 'TimeoutError' ||
      /ECONNREFUSED/.test(String(error))
    ) {
      return {
        id: 'local-cloud',
        title,
        ok: true,
        warning: true,
        detail: `not running at ${url}: commands start one when they need it, for as long as they run`,
        fix: 'Run `lambdash cloud` in another terminal to keep one running.',
      };
    }
    if (REFUSED_KEY.has((error as Error).name)) {
      return {
        id: 'local-cloud',
        title,
        ok: false,
        detail: `a local cloud at ${url} refuses the keys this user can read (${(error as Error).name})`,
        fix: 'Export the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY its `lambdash cloud` printed, or run your own on another port: LAMBDASH_CLOUD_PORT=4567.',
      };
    }
    return {
      id: 'local-cloud',
      title,
      ok: false,
      detail: `something at ${url} answers, but not as lambdash's local cloud (${(error as Error).message})`,
      fix: 'Stop what listens there (LocalStack?), or run the local cloud on another port: LAMBDASH_CLOUD_PORT=4567.',
    };
  } finally {
    client.destroy();
  }
}

function failed(
  id: DoctorCheckId,
  title: string,
  error: unknown,
  fallbackFix: string,
  prefix = '',
): DoctorCheck {
  const message = error instanceof Error ? error.message : String(error);
  const hint = isLambdashError(error) ? error.hint : undefined;
  return { id, title, ok: false, detail: `${prefix}${message}`, fix: hint ?? fallbackFix };
}

/** The executable's path when it is on PATH. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
