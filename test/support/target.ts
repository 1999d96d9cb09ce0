// A target for tests of src/core's AWS half: a local cloud of the test file's own (a free port,
// a temporary data folder), reached through connectTarget like any endpoint, so the code under
// test runs exactly as it does against AWS.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AwsTarget, connectTarget } from '../../src/core/aws/aws-target.js';
import { type LocalCloud, startLocalCloud } from '../../src/localcloud/index.js';

export interface TestTarget {
  readonly target: AwsTarget;
  readonly cloud: LocalCloud;
  /** Closes the clients, stops the local cloud and removes its data. */
  stop(): Promise<void>;
}

export async function startTestTarget(
  options: { lambda?: { maxContainers?: number; idleMs?: number } } = {},
): Promise<TestTarget> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-target-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, ...options });
  const target = await connectTarget({ endpoint: cloud.endpoint });
  return {
    target,
    cloud,
    stop: async () => {
      await target.close();
      await cloud.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
