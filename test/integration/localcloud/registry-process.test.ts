// No orphan registries, as users meet them: the built dist/localcloud/main.js in a child
// process, SIGKILLed, then started again on the same data folder. Its docker-registry dies with
// it (setpriv's parent-death signal); where setpriv is missing, the next start stops the one the
// killed cloud recorded. Either way exactly one registry serves the folder, with the images
// pushed before, and it runs without the caller's environment (no AWS_* keys).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildTestImage, removeImages, testDocker } from '../../support/docker.js';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const mainPath = path.join(repoRoot, 'dist/localcloud/main.js');
const children: ChildProcessWithoutNullStreams[] = [];
const dataDirs: string[] = [];
const images: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  // Whatever a failed test left serving its folders.
  for (const dir of dataDirs) for (const pid of registriesServing(dir)) kill(pid, 'SIGKILL');
  await removeImages(...images);
  removeTempDirs();
});

interface Cloud {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process and its pipes are done. */
  exited: Promise<number | string>;
  /** The `export NAME=value` lines it printed, once it serves. */
  env: Promise<Record<string, string>>;
}

function startCloud(dataDir: string, env: Record<string, string> = {}): Cloud {
  const { LAMBDASH_CLOUD_PORT: _, ...inherited } = process.env;
  const child = spawn(process.execPath, [mainPath, '--port', '0', '--data-dir', dataDir], {
    env: { ...inherited, ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const printed = new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const vars = Object.fromEntries(
        [...stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
      );
      // Printed only once the cloud serves; the secret is the last of the ones needed here.
      if (vars.AWS_ENDPOINT_URL && vars.AWS_ACCESS_KEY_ID && vars.AWS_SECRET_ACCESS_KEY)
        resolve(vars as Record<string, string>);
    });
    exited.then((code) => reject(new Error(`the local cloud exited with ${code}: ${stderr}`)));
  });
  return { child, stderr: () => stderr, exited, env: printed };
}

function ecrFrom(env: Record<string, string>): ECRClient {
  return new ECRClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
}

/** Builds a one-file image and pushes it with the ECR token; returns the pushed digest. */
async function pushImage(ecr: ECRClient, repository: string): Promise<string> {
  const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  const reference = `${created.repository!.repositoryUri}:v1`;
  images.push(reference);
  await buildTestImage(reference, 'FROM scratch\nCOPY data.txt /data.txt\n', {
    'data.txt': `${repository} ${randomBytes(4).toString('hex')}`,
  });
  const data = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
  const [username, password] = Buffer.from(data.authorizationToken!, 'base64')
    .toString('utf8')
    .split(':');
  const docker = testDocker();
  const stream = await docker.getImage(reference).push({
    authconfig: { username, password, serveraddress: data.proxyEndpoint },
  });
  const lines = await new Promise<{ error?: string; aux?: { Digest?: string } }[]>(
    (resolve, reject) =>
      docker.modem.followProgress(stream, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
  );
  const failed = lines.find((line) => line.error);
  if (failed) throw new Error(`pushing ${reference} failed: ${failed.error}`);
  const digest = lines.find((line) => line.aux?.Digest)?.aux?.Digest;
  if (!digest) throw new Error(`pushing ${reference} reported no digest`);
  return digest;
}

async function digestsIn(ecr: ECRClient, repository: string): Promise<(string | undefined)[]> {
  const described = await ecr.send(new DescribeImagesCommand({ repositoryName: repository }));
  return (described.imageDetails ?? []).map((detail) => detail.imageDigest);
}

function argvOf(pid: string | number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return []; // gone
  }
}

/** Live processes running `... serve <dataDir>/registry.yml` (a zombie's cmdline is empty). */
function registriesServing(dataDir: string): number[] {
  const config = path.join(dataDir, 'registry.yml');
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      const argv = argvOf(pid);
      return argv.at(-2) === 'serve' && argv.at(-1) === config;
    })
    .map(Number);
}

/** Polls (bounded) until no registry serves the folder; returns what is left. */
async function registriesGone(dataDir: string): Promise<number[]> {
  await vi
    .waitFor(
      () => {
        if (registriesServing(dataDir).length > 0) throw new Error('a registry still serves');
      },
      { timeout: 15_000, interval: 50 },
    )
    .catch(() => undefined);
  return registriesServing(dataDir);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => {
        const eq = entry.indexOf('=');
        return [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
  );
}

function newDataDir(): string {
  const dir = makeTempDir('lambdash-registry-orphans-');
  dataDirs.push(dir);
  return dir;
}

describe('the registry of a local cloud that was SIGKILLed', () => {
  it('dies with it, and the next start serves the same storage with one registry', async () => {
    const dataDir = newDataDir();
    const callerSecret = `caller-secret-${randomBytes(8).toString('hex')}`;
    const first = startCloud(dataDir, {
      AWS_ACCESS_KEY_ID: 'AKIACALLERKEY0000000',
      AWS_SECRET_ACCESS_KEY: callerSecret,
      AWS_SESSION_TOKEN: `caller-token-${randomBytes(8).toString('hex')}`,
      AWS_PROFILE: 'callers-profile',
      LAMBDASH_TEST_MARKER: 'not for the registry',
    });
    const ecr = ecrFrom(await first.env);
    const repository = `orphans-${randomBytes(4).toString('hex')}`;
    const digest = await pushImage(ecr, repository);
    ecr.destroy();

    const [registry, ...more] = registriesServing(dataDir);
    expect(more).toEqual([]);
    expect(registry).toBeDefined();
    // A scrubbed environment: none of the caller's AWS keys, nor anything else of its own.
    const environ = environOf(registry!);
    expect(Object.keys(environ).filter((name) => name.startsWith('AWS_'))).toEqual([]);
    expect(Object.values(environ).join('\n')).not.toContain(callerSecret);
    expect(environ.LAMBDASH_TEST_MARKER).toBeUndefined();
    expect(environ.PATH).toBeDefined();

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(await registriesGone(dataDir)).toEqual([]);

    const second = startCloud(dataDir);
    const again = ecrFrom(await second.env);
    expect(await digestsIn(again, repository)).toEqual([digest]);
    again.destroy();
    const serving = registriesServing(dataDir);
    expect(serving).toHaveLength(1);
    expect(serving[0]).not.toBe(registry);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await registriesGone(dataDir)).toEqual([]);
  });

  it('is stopped by the next start where setpriv is missing, so one registry serves the folder', async () => {
    const dataDir = newDataDir();
    // A PATH with docker-registry and no setpriv: the registry cannot die with its parent.
    const bin = makeTempDir('lambdash-no-setpriv-');
    const registryBinary = (process.env.PATH ?? '')
      .split(':')
      .map((dir) => path.join(dir, 'docker-registry'))
      .find((file) => existsSync(file));
    symlinkSync(registryBinary!, path.join(bin, 'docker-registry'));
    const first = startCloud(dataDir, { PATH: bin });
    const ecr = ecrFrom(await first.env);
    const repository = `stale-${randomBytes(4).toString('hex')}`;
    const digest = await pushImage(ecr, repository);
    ecr.destroy();
    const [orphan, ...more] = registriesServing(dataDir);
    expect(more).toEqual([]);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // It outlived its parent: what the next start must deal with.
    expect(registriesServing(dataDir)).toEqual([orphan]);

    const second = startCloud(dataDir);
    const again = ecrFrom(await second.env);
    const serving = registriesServing(dataDir);
    expect(serving).toHaveLength(1);
    expect(serving[0]).not.toBe(orphan);
    expect(argvOf(orphan!)).toEqual([]);
    expect(await digestsIn(again, repository)).toEqual([digest]);
    again.destroy();

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await registriesGone(dataDir)).toEqual([]);
  });
});
