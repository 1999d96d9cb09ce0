// `lambdash run`: a container serving the Invoke API, detached or in the foreground until
// Ctrl-C, invoked over HTTP as a user would with curl.
import net, { type AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { getAllContainers } from '../../../../src/core/images/containers.js';
import { getLocalImage } from '../../../../src/core/images/local-image-queries.js';
import { jsonOf, lambdash, projectFixture, startCli, uniqueName, waitFor } from '../run-cli.js';

const name = uniqueName('run');
const fx = projectFixture([{ name, entry: { environment: { STAGE: 'from-project' } } }], {
  build: [name],
  cloud: false,
});

async function invoke(url: string, payload: unknown): Promise<unknown> {
  const response = await fetch(`${url}/2015-03-31/functions/function/invocations`, {
    method: 'POST',
    body: JSON.stringify(payload),
  });
  return response.json();
}

async function containersOfImage(): Promise<string[]> {
  const image = await getLocalImage(name);
  return (await getAllContainers()).filter((c) => c.image === image.id).map((c) => c.id);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Builds, pushes and deploys take seconds each, more on a busy machine.
describe('lambdash run', { timeout: 120_000 }, () => {
  it('--detach leaves a container with the project environment, which rm --container removes', async () => {
    const result = await lambdash(['run', name, '--detach', '--json', '--env', 'EXTRA=1'], {
      cwd: fx.project,
    });
    expect(result.code).toBe(0);
    const { container, image } = jsonOf(result) as {
      container: { id: string; url: string; baseUrl: string; port: number };
      image: string;
    };
    expect(image).toBe(`${name}:latest`);
    expect(container.baseUrl).toBe(`http://127.0.0.1:${container.port}`);
    // The url is the one to POST events to, as given; the base is an SDK client's endpoint.
    expect(container.url).toBe(
      `http://127.0.0.1:${container.port}/2015-03-31/functions/function/invocations`,
    );
    const posted = await fetch(container.url, {
      method: 'POST',
      body: JSON.stringify({ name: 'Run' }),
    });
    expect(await posted.json()).toEqual({ message: 'Hello, Run!', stage: 'from-project' });
    const sdk = new LambdaClient({
      endpoint: container.baseUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const answer = await sdk.send(
      new InvokeCommand({ FunctionName: 'function', Payload: JSON.stringify({ name: 'SDK' }) }),
    );
    sdk.destroy();
    expect(JSON.parse(Buffer.from(answer.Payload!).toString('utf8'))).toEqual({
      message: 'Hello, SDK!',
      stage: 'from-project',
    });
    expect(await containersOfImage()).toEqual([container.id]);

    const removed = await lambdash(['rm', name, '--container', '--yes'], { cwd: fx.project });
    expect(removed.code).toBe(0);
    expect(await containersOfImage()).toEqual([]);
  });

  it('in the foreground serves until Ctrl-C, then removes its container and exits 0', async () => {
    const port = await freePort();
    const run = startCli(['run', name, '--port', String(port)], { cwd: fx.project });
    await waitFor(run.stderr, /Ctrl-C stops it\.\n/);
    expect(run.stdout().split('\n')[1]).toBe(
      `invoke it: curl -d '{}' http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`,
    );
    expect(await invoke(`http://127.0.0.1:${port}`, {})).toEqual({
      message: 'Hello, world!',
      stage: 'from-project',
    });
    run.child.kill('SIGINT');
    const result = await run.finished;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/stopped \S+\n$/);
    expect(await containersOfImage()).toEqual([]);
  });

  it('refuses an image that does not exist (3) and a bad port (2)', async () => {
    const missing = await lambdash(['run', `${name}-none`], { cwd: fx.project });
    expect(missing.code).toBe(3);
    expect(missing.stderr.split('\n')[0]).toBe(
      `error: There is no local image ${name}-none:latest.`,
    );
    const port = await lambdash(['run', name, '--port', '99999'], { cwd: fx.project });
    expect(port.code).toBe(2);
    expect(port.stderr.split('\n')[0]).toBe('error: "99999" is not a port.');
    expect(await containersOfImage()).toEqual([]);
  });
});
