// A cold start's REPORT carries Init Duration even when the runtime's init ended before the
// invocation reached it. On a busy machine the local Lambda's own steps after starting a
// container (attach, start, inspect) can outlast a small handler's init; the first REPORT then
// said nothing of the init, and lambdash read the invocation as warm (found as a CloudWatch-log
// test that failed only when three test files ran at once). Here the engine answers the
// container's inspect late, so the init is always over first.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AwsTarget, connectTarget } from '../../../src/core/aws/aws-target.js';
import { createLambdaFunction } from '../../../src/core/lambda/lambda-functions.js';
import { type LocalCloud, startLocalCloud } from '../../../src/localcloud/index.js';
import { type DockerProxy, startDockerProxy } from '../../support/docker-proxy.js';
import { type FunctionImages, pushFunctionImages } from '../../support/function-images.js';
import { removeFunctionContainers } from '../../support/localcloud.js';

const suffix = randomBytes(4).toString('hex');
const repo = `coldreport-${suffix}`;
const name = `coldreport-${suffix}`;
/** Long past a small handler's init, even on a loaded machine. */
const INSPECT_LATE_MS = 3_000;
/** The engine's answer to a container's inspect. */
const INSPECT = /^GET (\/v[\d.]+)?\/containers\/[0-9a-f]{64}\/json[? ]/;
let proxy: DockerProxy;
let cloud: LocalCloud;
let target: AwsTarget;
let images: FunctionImages;
let dataDir: string;

beforeAll(async () => {
  proxy = await startDockerProxy({
    hold: (line) => (INSPECT.test(line) ? INSPECT_LATE_MS : undefined),
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-cold-report-'));
  cloud = await startLocalCloud({
    port: 0,
    dataDir,
    docker: new Docker({ socketPath: proxy.host.slice('unix://'.length) }),
  });
  target = await connectTarget({ endpoint: cloud.endpoint });
  images = await pushFunctionImages(target, repo, ['v1']);
  await createLambdaFunction({ repo, tag: 'v1' }, { target, name });
}, 300_000);

afterAll(async () => {
  await target?.close();
  await cloud?.stop();
  await removeFunctionContainers(name);
  await images?.remove();
  await proxy?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** The REPORT line of one invocation's tail. */
async function reportOf(): Promise<string> {
  const answer = await target.clients.lambda.send(
    new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: Buffer.from('{}') }),
  );
  const tail = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
  const report = tail.split('\n').find((line) => line.startsWith('REPORT RequestId:'));
  if (!report) throw new Error(`no REPORT line in the tail:\n${tail}`);
  return report;
}

it('reports Init Duration on the first invocation of a container whose init ended first, and only there', async () => {
  expect(await reportOf()).toMatch(/\tInit Duration: \d+\.\d{2} ms/);
  // The engine was asked, and answered late, between the container's start and the invocation.
  expect(proxy.requests.some((line) => INSPECT.test(line))).toBe(true);
  expect(await reportOf()).not.toMatch(/Init Duration/);
});
