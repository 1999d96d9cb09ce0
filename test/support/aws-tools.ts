// AWS's own clients, for tests that hold the local cloud to what they expect: boto3 and the
// AWS CLI (v1 and v2 where both are installed). scripts/provision.sh installs them.
import { execFileSync, spawnSync } from 'node:child_process';

/** A Python that imports boto3: the one on PATH, else Debian's. */
export function pythonWithBoto3(): string {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0) return python;
  }
  throw new Error('No Python with boto3: run scripts/provision.sh (it installs python3-boto3).');
}

export interface AwsCli {
  readonly path: string;
  /** `aws-cli/2.9.19 …`: its first word. */
  readonly version: string;
}

/** Each distinct AWS CLI installed (the one on PATH and Debian's /usr/bin/aws). */
export function awsClis(): AwsCli[] {
  const found = new Map<string, AwsCli>();
  for (const path of ['aws', '/usr/bin/aws']) {
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: 'pipe' })
        .trim()
        .split(/\s+/)[0];
      if (version && !found.has(version)) found.set(version, { path, version });
    } catch {
      // Not installed there.
    }
  }
  if (found.size === 0) {
    throw new Error('No AWS CLI: run scripts/provision.sh (it installs awscli).');
  }
  return [...found.values()];
}

/**
 * The environment for AWS's clients run as child processes: the given variables and none of this
 * machine's AWS settings (no profile, no shared config or credentials files).
 */
export function awsToolEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...vars,
  };
}
