// startLocalCloud as the library's callers use it: where it listens, what it refuses (a port or
// a data folder already in use) and what stopping leaves behind.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataDirInUseError,
  PortInUseError,
  startLocalCloud,
} from '../../../src/localcloud/index.js';
import { cloudCredentials } from '../../support/localcloud.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

async function callerAccount(endpoint: string): Promise<string | undefined> {
  const sts = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: cloudCredentials(endpoint),
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } finally {
    sts.destroy();
  }
}

/** A port something else holds on 127.0.0.1. */
async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return {
    port: (holder.address() as AddressInfo).port,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  };
}

describe('startLocalCloud', () => {
  it('listens on 127.0.0.1 at the port it reports, with a lock naming its process', async () => {
    const dataDir = makeTempDir();
    const cloud = await startLocalCloud({ port: 0, dataDir });
    expect(cloud.port).toBeGreaterThan(0);
    expect(cloud.endpoint).toBe(`http://127.0.0.1:${cloud.port}`);
    expect(cloud.dataDir).toBe(dataDir);
    expect(readFileSync(path.join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect(await callerAccount(cloud.endpoint)).toBe('000000000000');
    await cloud.stop();
    await cloud.stop(); // Twice is harmless.
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(false);
    await expect(callerAccount(cloud.endpoint)).rejects.toThrow();
  });

  it('refuses a port in use with PortInUseError, and leaves the data folder free', async () => {
    const { port, release } = await occupiedPort();
    const dataDir = makeTempDir();
    try {
      const error = await startLocalCloud({ port, dataDir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as PortInUseError).message).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another local cloud, or LocalStack?).`,
      );
      expect((error as PortInUseError).port).toBe(port);
    } finally {
      await release();
    }
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(false);
    // Nothing half-started: the same port and folder work once free.
    const cloud = await startLocalCloud({ port, dataDir });
    expect(cloud.port).toBe(port);
    await cloud.stop();
  });

  it('refuses a data folder another running local cloud uses', async () => {
    const dataDir = makeTempDir();
    const first = await startLocalCloud({ port: 0, dataDir });
    try {
      const error = await startLocalCloud({ port: 0, dataDir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirInUseError);
      expect((error as Error).message).toBe(
        `The local cloud's data folder ${dataDir} is in use by process ${process.pid}.`,
      );
      // The refused start did not take the first one's lock away.
      expect(readFileSync(path.join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
      expect(await callerAccount(first.endpoint)).toBe('000000000000');
    } finally {
      await first.stop();
    }
  });

  it.each([
    ['a process that is gone', '2147483646\n'],
    ['this process, left by a cloud that was never stopped', `${process.pid}\n`],
    ['garbage', 'not a pid'],
  ])('takes over a stale lock held by %s', async (_, content) => {
    const dataDir = makeTempDir();
    writeFileSync(path.join(dataDir, 'lock'), content);
    const cloud = await startLocalCloud({ port: 0, dataDir });
    expect(readFileSync(path.join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await cloud.stop();
  });
});
