// Containers of lambdash images on the real engine: the examples built, run and invoked
// through the image's emulator, the container functions, and Lambda's read-only file system.
// Every image is built under a name of this file's own and removed afterwards.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ensureBaseImage } from '../../../src/core/images/base-image.js';
import {
  type Container,
  deleteContainer,
  getAllContainers,
  isContainerRunning,
  runImageLocally,
  sendLocalRequest,
  stopContainer,
} from '../../../src/core/images/containers.js';
import { getDocker, getDockerEngine } from '../../../src/core/images/docker.js';
import { sweepLeftovers } from '../../../src/core/images/leftovers.js';
import { createLocalImage } from '../../../src/core/images/local-image-build.js';
import type { LocalImageOptions } from '../../../src/core/images/local-image-options.js';
import type { LocalImage } from '../../../src/core/images/types.js';
import { getResponder } from '../../../src/core/responder/responder.js';
import { awsEvent, withJsonBody } from '../../support/aws-events.js';
import { testDocker } from '../../support/docker.js';
import { startDockerProxy } from '../../support/docker-proxy.js';
import { ensureExampleInstalled, examplesDir } from '../../support/examples.js';
import {
  containerExists,
  containerGone,
  containersOf,
  failure,
  recorder,
  removeImagesNamed,
  runNodeInImage,
  uniqueName,
} from '../../support/images.js';
import { handlersDir } from '../../support/paths.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const fixture = (file: string) => path.join(handlersDir, 'images', file);

const names = {
  hello: uniqueName('hello'),
  api: uniqueName('api'),
  echo: uniqueName('echo'),
  files: uniqueName('files'),
  dies: uniqueName('dies'),
};
const images = {} as Record<keyof typeof names, LocalImage>;
/** Containers a test started itself, removed after it whatever happened. */
const started: Container[] = [];

async function build(
  what: keyof typeof names,
  source: string,
  options: LocalImageOptions = {},
): Promise<void> {
  images[what] = await createLocalImage(await getResponder(source, { name: names[what] }), options);
}

beforeAll(async () => {
  await ensureExampleInstalled('http-api');
  // The base image first, so the parallel builds below share it instead of racing to make it.
  await ensureBaseImage();
  await Promise.all([
    build('hello', path.join(examplesDir, 'hello-ts', 'handler.ts')),
    build('api', path.join(examplesDir, 'http-api')),
    build('echo', fixture('echo.ts')),
    build('files', fixture('files.mjs')),
    // An image whose entry is not the emulator: it says why on stderr and exits.
    build('dies', fixture('echo.ts'), {
      dockerfileUpdate: (text) =>
        `${text}ENTRYPOINT ["node", "-e", "console.error('no emulator in here'); process.exit(3)"]\n`,
    }),
  ]);
}, 120_000);

afterEach(async () => {
  for (const container of started.splice(0)) await deleteContainer(container);
});

afterAll(async () => {
  await removeImagesNamed(...Object.values(names));
});

/** A port a server of this test holds on loopback until the test ends. */
async function holdPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

/** A port free now (nobody holds it afterwards). */
async function freePortForTest(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Blocks the process it is imported into for 1.5 s. */
const SLEEP = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500)';

/** A server on loopback that answers every request as the emulator answers a GET (405). */
function holdPortAsEmulator(port: number): void {
  const server = http.createServer((_, res) =>
    res
      .writeHead(405, { 'x-amzn-errortype': 'MethodNotAllowedException' })
      .end('{"Type":"User","message":"Invoke with POST"}'),
  );
  server.on('error', () => undefined); // the port went to the container first: the test says so
  server.listen(port, '127.0.0.1');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

async function run(image: LocalImage, options: Parameters<typeof runImageLocally>[1] = {}) {
  const container = await runImageLocally(image, options);
  started.push(container);
  return container;
}

describe('the examples, run and invoked through the emulator', () => {
  it('examples/hello-ts answers its typed event', async () => {
    const container = await run(images.hello);
    expect(container).toMatchObject({
      image: images.hello.id,
      running: true,
      url: `http://127.0.0.1:${container.port}`,
    });
    expect(container.port).toBeGreaterThan(0);

    const response = await sendLocalRequest(
      { name: 'Ada', language: 'fr' },
      { port: container.port, log: true },
    );
    expect(response.statusCode).toBe(200);
    expect(response.functionError).toBeUndefined();
    const body = response.body as { message: string; requestId: string };
    expect(body.message).toBe('Bonjour, Ada!');
    expect(body.requestId).toMatch(UUID);
    // The log tail is the Lambda service's: START, END and REPORT for this very request.
    expect(response.log).toContain(`START RequestId: ${body.requestId}`);
    expect(response.log).toContain(`END RequestId: ${body.requestId}`);
    expect(response.log).toContain(`REPORT RequestId: ${body.requestId}`);
  });

  it('examples/http-api carries zod in its bundle, not in node_modules', async () => {
    const listing = await runNodeInImage(
      images.api.ref,
      `const fs = require('fs');
       console.log(JSON.stringify({
         modules: fs.readdirSync('/var/task/node_modules'),
         zodInBundle: fs.readFileSync('/var/task/index.js', 'utf8').includes('ZodError'),
       }))`,
    );
    expect(JSON.parse(listing)).toEqual({ modules: [], zodInBundle: true });
  });

  describe('examples/http-api answers HTTP events', () => {
    let port: number;
    beforeAll(async () => {
      const container = await runImageLocally(images.api);
      port = container.port;
      return () => deleteContainer(container);
    });

    it.each(['apigw-v2-request-no-authorizer', 'lambda-urls-request'])(
      'prices a valid order sent as a %s event',
      async (sample) => {
        const event = withJsonBody(
          awsEvent(sample),
          JSON.stringify({ item: 'pen', quantity: 3, unitPrice: 1.5, coupon: 'WELCOME10' }),
        );
        const response = await sendLocalRequest(event, { port });
        expect(response.statusCode).toBe(200);
        expect(response.functionError).toBeUndefined();
        const http = response.body as {
          statusCode: number;
          headers: Record<string, string>;
          body: string;
        };
        expect(http.statusCode).toBe(200);
        expect(http.headers['content-type']).toMatch(/^application\/json/);
        const order = JSON.parse(http.body) as Record<string, unknown>;
        expect(order).toEqual({
          orderId: expect.stringMatching(UUID),
          item: 'pen',
          quantity: 3,
          total: 4.05,
        });
      },
    );

    it('answers 400 with the issues when the body does not match eventSchema', async () => {
      const event = withJsonBody(
        awsEvent('apigw-v2-request-no-authorizer'),
        JSON.stringify({ item: '', quantity: 2.5, unitPrice: 1 }),
      );
      const response = await sendLocalRequest(event, { port });
      expect(response.statusCode).toBe(200);
      expect(response.functionError).toBeUndefined();
      const http = response.body as { statusCode: number; body: string };
      expect(http.statusCode).toBe(400);
      // Both broken fields are named, with zod's own messages.
      expect(JSON.parse(http.body)).toEqual({
        message: expect.stringMatching(/^The event does not match the handler's schema: /),
        details: [
          { path: 'item', message: expect.stringMatching(/^Too small/) },
          { path: 'quantity', message: expect.stringMatching(/expected int/) },
        ],
      });
    });
  });
});

describe('containers', () => {
  it('are listed, stopped and deleted', async () => {
    const container = await run(images.echo, { keep: true });
    expect(await isContainerRunning(container)).toBe(true);
    expect(await isContainerRunning(container.id)).toBe(true);
    const listed = (await getAllContainers()).find((c) => c.id === container.id);
    expect(listed).toEqual({ ...container, created: expect.any(Date) });

    await stopContainer(container);
    expect(await isContainerRunning(container)).toBe(false);
    // Kept: it is still listed, as stopped; stopping it again is no error.
    expect((await getAllContainers()).find((c) => c.id === container.id)?.running).toBe(false);
    await stopContainer(container);

    await deleteContainer(container);
    expect(await containerExists(container.id)).toBe(false);
    expect((await getAllContainers()).some((c) => c.id === container.id)).toBe(false);
    // Deleting or stopping what is gone is no error either.
    await deleteContainer(container);
    await stopContainer(container.id);
  });

  it('are removed when stopped unless kept, by lambdash rather than by the engine', async () => {
    const container = await run(images.echo);
    const inspect = await testDocker().getContainer(container.id).inspect();
    // AutoRemove would take a container that dies at start away before its logs are read.
    expect(inspect.HostConfig.AutoRemove).toBe(false);
    expect(inspect.Config.Labels['dev.lambdash.remove-when-stopped']).toBe('true');
    await stopContainer(container);
    expect(await isContainerRunning(container)).toBe(false);
    expect(await containerExists(container.id)).toBe(false);
  });

  it('not kept that stopped by themselves are removed by a later run, once a minute old', async () => {
    const first = await run(images.echo);
    await testDocker().getContainer(first.id).stop({ t: 1 });
    expect(await containerExists(first.id)).toBe(true);
    // Just stopped, its logs may still be wanted (by whoever started it): the next run keeps it.
    await run(images.echo);
    expect(await containerExists(first.id)).toBe(true);
    // The same sweep, with no minute to wait for.
    await sweepLeftovers(getDocker(), { graceMs: 0 });
    expect(await containerExists(first.id)).toBe(false);
  });

  it('run on a read-only root file system with a writable /tmp', async () => {
    const container = await run(images.files);
    const inTmp = await sendLocalRequest(
      { path: '/tmp/note.txt', text: 'kept' },
      { port: container.port },
    );
    expect(inTmp.functionError).toBeUndefined();
    expect(inTmp.body).toEqual({ read: 'kept' });

    const inTask = await sendLocalRequest(
      { path: '/var/task/note.txt', text: 'refused' },
      { port: container.port },
    );
    expect(inTask.functionError).toBe('Unhandled');
    expect(inTask.body).toMatchObject({
      errorMessage: expect.stringContaining('EROFS: read-only file system'),
    });
  });

  it('pass the environment, timeout and memory size to the emulator', async () => {
    const container = await run(images.echo, {
      environment: { GREETING: 'hi' },
      timeout: 7,
      memorySize: 256,
    });
    const inspect = await testDocker().getContainer(container.id).inspect();
    expect(inspect.Config.Env).toEqual(
      expect.arrayContaining([
        'GREETING=hi',
        'AWS_LAMBDA_FUNCTION_TIMEOUT=7',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256',
      ]),
    );
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    const response = await sendLocalRequest({}, { port: container.port, log: true });
    expect(response.log).toMatch(
      /REPORT RequestId: \S+\tDuration: [\d.]+ ms\t.*Memory Size: 256 MB/,
    );
  });

  it('fail with CONTAINER_FAILED and the logs of a container that died at start', async () => {
    const { events, onEvent } = recorder();
    const error = await failure(runImageLocally(images.dies, { onEvent }));
    expect(error.code).toBe('CONTAINER_FAILED');
    expect(error.message).toBe(
      'The container stopped before its emulator answered:\nno emulator in here',
    );
    const start = events.find((e) => e.type === 'container.start');
    if (start?.type !== 'container.start') throw new Error('no container was started');
    expect(await containerExists(start.id)).toBe(false);
  });

  /** Runs echo with its emulator 1.5 s late, and another server taking its port at start. */
  function runWithPortTaken(port?: number) {
    const { events, onEvent } = recorder();
    const result = runImageLocally(images.echo, {
      port,
      // Late, so the port is surely taken first even when the engine's answer to the start
      // request is slow to arrive.
      environment: { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(SLEEP)}` },
      onEvent: (event) => {
        onEvent(event);
        // Takes the port as the first container starts, answering as the emulator would.
        const first = events.filter((e) => e.type === 'container.start').length === 1;
        if (event.type === 'container.start' && first) holdPortAsEmulator(event.port);
      },
    });
    const starts = () =>
      events.flatMap((e) => (e.type === 'container.start' ? [{ id: e.id, port: e.port }] : []));
    return { result, events, starts };
  }

  it("are not taken for ready when another server answers on the container's port", async (context) => {
    // With host networking the container's emulator and any other server share the port space.
    if ((await getDockerEngine()).network !== 'host') context.skip();
    // A port the caller chose: taken, it is the caller's to change.
    const port = await freePortForTest();
    const { result, events, starts } = runWithPortTaken(port);
    const error = await failure(result);
    expect(starts()).toEqual([{ id: expect.any(String), port }]);
    expect(error.code).toBe('CONTAINER_FAILED');
    expect(error.message).toMatch(
      new RegExp(
        `^The container stopped before its emulator answered:\\n[^]*Cannot listen on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE`,
      ),
    );
    expect(events.some((e) => e.type === 'container.ready')).toBe(false);
    expect(await containerExists(starts()[0]!.id)).toBe(false);
  });

  it('pick another port when one they picked is taken before the emulator binds it', async (context) => {
    if ((await getDockerEngine()).network !== 'host') context.skip();
    const { result, starts } = runWithPortTaken();
    const container = await result;
    started.push(container);
    const [first, second] = starts();
    expect(starts()).toHaveLength(2);
    expect(second!.port).not.toBe(first!.port);
    expect(container).toMatchObject({ id: second!.id, port: second!.port });
    expect(await containerExists(first!.id)).toBe(false);
    expect((await sendLocalRequest({ n: 1 }, { port: container.port })).body).toEqual({
      echo: { n: 1 },
      from: 'echo',
    });
  });

  it('fail with CONTAINER_FAILED and the logs when the image is not a lambdash image', async () => {
    const base = await ensureBaseImage();
    const { events, onEvent } = recorder();
    const error = await failure(runImageLocally(base.image, { onEvent }));
    expect(error.code).toBe('CONTAINER_FAILED');
    expect(error.message).toMatch(/^The container stopped before its emulator answered/);
    const start = events.find((e) => e.type === 'container.start');
    if (start?.type !== 'container.start') throw new Error('no container was started');
    expect(await containerGone(start.id)).toBe(true);
  });

  it.each([
    {
      what: 'a port another server holds on loopback',
      options: async () => ({ port: await holdPort() }),
      code: 'CONTAINER_FAILED',
      message: /^Port \d+ on 127\.0\.0\.1 is already in use\.$/,
    },
    {
      what: 'port 0',
      options: async () => ({ port: 0 }),
      code: 'INVALID_OPTION',
      message: /^0 is not a TCP port\.$/,
    },
    {
      what: 'port 65536',
      options: async () => ({ port: 65_536 }),
      code: 'INVALID_OPTION',
      message: /^65536 is not a TCP port\.$/,
    },
    {
      what: 'an environment variable name with a dash',
      options: async () => ({ environment: { 'APP-MODE': 'x' } }),
      code: 'INVALID_OPTION',
      message: /^"APP-MODE" is not a valid environment variable name\.$/,
    },
  ])('refuse $what, starting nothing', async ({ options, code, message }) => {
    const { events, onEvent } = recorder();
    const error = await failure(runImageLocally(images.echo, { ...(await options()), onEvent }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.hint).toEqual(expect.any(String));
    expect(events).toEqual([]);
    expect(await containersOf(images.echo.id)).toEqual([]);
  });

  it('refuse an image that does not exist with IMAGE_NOT_FOUND', async () => {
    const missing = `${uniqueName('absent')}:latest`;
    const error = await failure(runImageLocally(missing));
    expect(error.code).toBe('IMAGE_NOT_FOUND');
    expect(error.message).toBe(`There is no local image ${missing}.`);
  });

  it('that fail to start are not left behind', async () => {
    // The engine refuses the start (as it does when a published port is taken elsewhere).
    const proxy = await startDockerProxy({
      answer: (line) =>
        /^POST (\/v[\d.]+)?\/containers\/[0-9a-f]+\/start/.test(line)
          ? { status: 500, body: JSON.stringify({ message: 'driver failed programming' }) }
          : undefined,
    });
    vi.stubEnv('DOCKER_HOST', proxy.host);
    try {
      const error = await failure(runImageLocally(images.echo));
      expect(error.code).toBe('DOCKER_FAILED');
      expect(error.message).toBe(
        `Could not start a container of ${images.echo.id}: driver failed programming (Docker answered 500)`,
      );
      expect(
        proxy.requests.some((l) => /^DELETE (\/v[\d.]+)?\/containers\/[0-9a-f]+\?/.test(l)),
      ).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await proxy.kill();
    }
    expect(await containersOf(images.echo.id)).toEqual([]);
  });

  it('sendLocalRequest says when nothing answers on the port', async () => {
    const container = await run(images.echo);
    await deleteContainer(container);
    const error = await failure(sendLocalRequest({}, { port: container.port }));
    expect(error.code).toBe('CONTAINER_FAILED');
    expect(error.message).toMatch(new RegExp(`^Nothing answered on port ${container.port}`));
    expect(error.hint).toBe('Start the image first (lambdash run; runImageLocally).');
  });

  it('getAllContainers passes Docker filters to the engine, joined to lambdash’s label', async () => {
    const kept = await run(images.echo, { keep: true });
    const other = await run(images.echo);
    const ids = (options: Parameters<typeof getAllContainers>[0]) =>
      getAllContainers(options).then((list) => list.map((c) => c.id));
    // Both label filters must hold: the caller's picks one of this image's containers.
    expect(await ids({ filters: { label: [`dev.lambdash.port=${kept.port}`] } })).toEqual([
      kept.id,
    ]);
    expect((await ids({ filters: { ancestor: [images.echo.id] } })).sort()).toEqual(
      [kept.id, other.id].sort(),
    );
    await stopContainer(kept);
    expect(await ids({ filters: { ancestor: [images.echo.id], status: ['exited'] } })).toEqual([
      kept.id,
    ]);
    // `all: false` leaves stopped ones out, as `docker ps` does.
    expect(await ids({ all: false, filters: { ancestor: [images.echo.id] } })).toEqual([other.id]);
  });

  it('sendLocalRequest calls port 9000 when none is given, as Jot’s send_local_request', async () => {
    await run(images.echo, { port: 9000 });
    const response = await sendLocalRequest({ n: 9000 });
    expect(response.body).toEqual({ echo: { n: 9000 }, from: 'echo' });
  });

  it('sendLocalRequest refuses a payload JSON cannot carry', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const error = await failure(sendLocalRequest(circular, { port: 1 }));
    expect(error.code).toBe('INVALID_PAYLOAD');
  });
});
