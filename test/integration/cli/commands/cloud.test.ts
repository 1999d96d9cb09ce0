// `lambdash cloud`: the local cloud in the foreground, reachable through the AWS SDK with the
// variables it prints, stopped by Ctrl-C; a port another program holds, or another local
// cloud, refused.
import { readFileSync, statSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTarget, type TestTarget } from '../../../support/target.js';
import { lambdash, removeTemps, startCli, tempDir, waitFor } from '../run-cli.js';

let other: TestTarget;
beforeAll(async () => {
  other = await startTestTarget();
});
afterAll(async () => {
  await other.stop();
  removeTemps();
});

describe('lambdash cloud', () => {
  it('serves until Ctrl-C and prints the variables that point an SDK at it', async () => {
    const dataDir = path.join(tempDir(), 'cloud');
    const cloud = startCli(['cloud', '--port', '0', '--data-dir', dataDir], { cwd: tempDir() });
    const [, endpoint] = await waitFor(cloud.stdout, /^export AWS_ENDPOINT_URL=(\S+)\n(?:.*\n){4}/);
    expect(cloud.stdout().split('\n')).toEqual([
      `export AWS_ENDPOINT_URL=${endpoint}`,
      'export AWS_REGION=us-east-1',
      'export AWS_DEFAULT_REGION=us-east-1',
      expect.stringMatching(/^export AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}$/),
      expect.stringMatching(/^export AWS_SECRET_ACCESS_KEY=\S{40}$/),
      '',
    ]);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The printed keys are the data folder's own, kept there for its owner alone.
    const printed = Object.fromEntries(
      [...cloud.stdout().matchAll(/^export (\w+)=(\S+)$/gm)].map(([, name, value]) => [
        name,
        value,
      ]),
    );
    const keys = JSON.parse(readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
    expect(keys).toEqual({
      accessKeyId: printed.AWS_ACCESS_KEY_ID,
      secretAccessKey: printed.AWS_SECRET_ACCESS_KEY,
    });
    expect(statSync(path.join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    const sts = new STSClient({
      endpoint,
      region: 'us-east-1',
      credentials: keys,
    });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toMatch(/^\d{12}$/);
    } finally {
      sts.destroy();
    }
    cloud.child.kill('SIGINT');
    const result = await cloud.finished;
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').slice(-3)).toEqual([
      'stopping (Ctrl-C again to quit at once)',
      'local cloud stopped.',
      '',
    ]);
  });

  it('refuses a port another local cloud serves (exit 6)', async () => {
    const port = new URL(other.cloud.endpoint).port;
    const result = await lambdash(['cloud', '--port', port], { cwd: tempDir() });
    expect(result.code).toBe(6);
    expect(result.stderr.split('\n').slice(-3)).toEqual([
      `error: A local cloud already serves at http://127.0.0.1:${port}.`,
      'hint: Use that one (lambdash commands find it by themselves), or give another --port.',
      '',
    ]);
  });

  it('takes its port from LAMBDASH_CLOUD_PORT, where the other commands look too', async () => {
    const port = new URL(other.cloud.endpoint).port;
    const env = { LAMBDASH_CLOUD_PORT: port };
    const cloud = await lambdash(['cloud'], { cwd: tempDir(), env });
    expect(cloud.code).toBe(6);
    expect(cloud.stderr).toContain(
      `error: A local cloud already serves at http://127.0.0.1:${port}.`,
    );
    const ls = await lambdash(['ls', '--json'], { cwd: tempDir(), env });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stderr).toContain(`target: local cloud at http://127.0.0.1:${port}\n`);

    const bad = await lambdash(['ls'], { cwd: tempDir(), env: { LAMBDASH_CLOUD_PORT: '45x' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: LAMBDASH_CLOUD_PORT is "45x", which is not a port.\nhint: Set it to a port from 1 to 65535 (0: any free one), or unset it for 4566.\n',
    );
  });

  it('refuses a port something else holds (exit 6) and a bad port (exit 2)', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const taken = await lambdash(['cloud', '--port', String(port), '--data-dir', tempDir()], {
        cwd: tempDir(),
      });
      expect(taken.code).toBe(6);
      expect(taken.stderr).toContain(
        `error: Port ${port} on 127.0.0.1 is taken by something that is not lambdash's local cloud.`,
      );
    } finally {
      server.close();
    }
    const bad = await lambdash(['cloud', '--port', 'x'], { cwd: tempDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: "x" is not a port.\nhint: Give a port from 0 to 65535 (0: any free one).\n',
    );
  });
});
