// `npm run cloud` as users run it: the built dist/localcloud/main.js, its printed environment
// used by a real SDK client, a clean stop on SIGINT and SIGTERM with state kept, and the errors
// it gives for a port in use or a bad port.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

const mainPath = path.join(repoRoot, 'dist/localcloud/main.js');
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  removeTempDirs();
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process and its pipes are done. */
  exited: Promise<number | string>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const { LAMBDASH_CLOUD_PORT: _, ...inherited } = process.env;
  const child = spawn(process.execPath, [mainPath, ...args], { env: { ...inherited, ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * Waits for the five export lines, returning them as variables, and for the note on stderr
 * written after them (another pipe: it can arrive a moment later).
 */
async function exportsOf(cloud: Run): Promise<Record<string, string>> {
  for (;;) {
    const lines = cloud.stdout().split('\n').filter(Boolean);
    if (lines.length >= 5 && cloud.stderr().includes('Ctrl-C stops it.\n')) {
      return Object.fromEntries(
        lines.map((line) => {
          const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
          if (!match) throw new Error(`not an export line: ${line}`);
          return [match[1], match[2]];
        }),
      );
    }
    const early = await Promise.race([
      cloud.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20)),
    ]);
    if (early !== undefined) throw new Error(`exited with ${early}: ${cloud.stderr()}`);
  }
}

function iamFrom(env: Record<string, string>): IAMClient {
  return new IAMClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
}

async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return {
    port: (holder.address() as AddressInfo).port,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  };
}

describe('npm run cloud (dist/localcloud/main.js)', () => {
  it('prints the environment, serves it, stops cleanly on SIGTERM and SIGINT, and keeps state', async () => {
    const dataDir = makeTempDir('lambdash-cloud-main-');
    const first = run(['--port', '0', '--data-dir', dataDir]);
    const env = await exportsOf(first);
    expect(Object.keys(env)).toEqual([
      'AWS_ENDPOINT_URL',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
    });
    // The data folder's own pair, kept there for its owner alone: no well-known keys.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'))).toEqual({
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    });
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.stderr()).toBe(
      `lambdash cloud: serving on ${env.AWS_ENDPOINT_URL}, state in ${dataDir}; Ctrl-C stops it.\n`,
    );

    const iam = iamFrom(env);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'from-the-command',
        AssumeRolePolicyDocument: '{"Statement":[]}',
      }),
    );
    iam.destroy();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toMatch(/lambdash cloud: stopped \(SIGTERM\)\.\n$/);

    const second = run(['--port', '0', '--data-dir', dataDir]);
    const again = iamFrom(await exportsOf(second));
    const { Role } = await again.send(new GetRoleCommand({ RoleName: 'from-the-command' }));
    again.destroy();
    expect(Role?.Arn).toBe('arn:aws:iam::000000000000:role/from-the-command');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/lambdash cloud: stopped \(SIGINT\)\.\n$/);
  });

  it('explains a port in use, from --port or LAMBDASH_CLOUD_PORT, and exits 1 printing no exports', async () => {
    const { port, release } = await occupiedPort();
    try {
      for (const cloud of [
        run(['--port', String(port), '--data-dir', makeTempDir()]),
        run(['--data-dir', makeTempDir()], { LAMBDASH_CLOUD_PORT: String(port) }),
      ]) {
        expect(await cloud.exited).toBe(1);
        expect(cloud.stdout()).toBe('');
        expect(cloud.stderr()).toBe(
          `lambdash cloud: Port ${port} on 127.0.0.1 is already in use (another local cloud, or LocalStack?). Choose another with --port or LAMBDASH_CLOUD_PORT.\n`,
        );
      }
    } finally {
      await release();
    }
  });

  it('refuses a data folder a running local cloud holds', async () => {
    const dataDir = makeTempDir();
    const holder = run(['--port', '0', '--data-dir', dataDir]);
    await exportsOf(holder);
    const second = run(['--port', '0', '--data-dir', dataDir]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toBe(
      `lambdash cloud: The local cloud's data folder ${dataDir} is in use by process ${holder.child.pid}. Stop that one, or choose another folder with --data-dir.\n`,
    );
    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
  });

  it.each([
    [['--port', 'abc'], 'lambdash cloud: the port must be a number from 0 to 65535, not "abc".\n'],
    [
      ['--port', '70000'],
      'lambdash cloud: the port must be a number from 0 to 65535, not "70000".\n',
    ],
    [['--bogus'], "lambdash cloud: Unknown option '--bogus'"],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const cloud = run(args);
    expect(await cloud.exited).toBe(2);
    expect(cloud.stderr().startsWith(message)).toBe(true);
    expect(cloud.stdout()).toBe('');
  });

  it('prints its usage for --help', async () => {
    const cloud = run(['--help']);
    expect(await cloud.exited).toBe(0);
    expect(cloud.stdout()).toMatch(/^Usage: npm run cloud -- \[--port PORT\] \[--data-dir DIR\]\n/);
  });
});
