// Containers of lambdash's images, run locally with the image's emulator serving the Lambda
// Invoke API. Networking is chosen at run time: host networking where the engine has no
// bridge (the emulator then binds 127.0.0.1 on a free port), published ports otherwise
// (bound to 127.0.0.1 on the host). Containers run like Lambda: a read-only file system
// with a writable /tmp.

import net from 'node:net';
import type Docker from 'dockerode';
import { isLambdashError, LambdashError, throwIfAborted } from '../common/errors.js';
import { emit, type OperationOptions } from '../common/events.js';
import { payloadJson } from '../common/invocation-payload.js';
import { LABEL_PREFIX, LABELS } from '../common/labels.js';
import { retry } from '../common/retry.js';
import { readContainerOutput } from './container-log.js';
import { dockerError, getDocker, getDockerEngine } from './docker.js';
import { type DockerFilters, withGeneratedLabel } from './docker-filters.js';
import {
  LOCAL_CLOUD_LABEL,
  noteLeftover,
  OWNER_LABEL,
  REMOVE_LABEL,
  sweepLeftovers,
} from './leftovers.js';
import { ownerToken } from './process-owner.js';
import type { LocalImage } from './types.js';

export interface Container {
  readonly id: string;
  readonly name: string;
  /** The image id. */
  readonly image: string;
  /** Where the Invoke API answers on this machine. */
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  readonly created: Date;
}

export interface RunOptions extends OperationOptions {
  /** Host port for the Invoke API; a free one when not given. */
  readonly port?: number;
  /**
   * Keep the container after it stops. By default stopContainer removes it, and so does the
   * next runImageLocally when it stopped by itself.
   */
  readonly keep?: boolean;
  /**
   * The container goes with this process: should the process end without removing it (killed,
   * or the engine out of reach as it tried), the next lambdash process to reach the engine
   * removes it, kept or not. For a container started for one job (a test, an invocation),
   * not for one meant to outlive the process.
   */
  readonly ownedByProcess?: boolean;
  readonly environment?: Readonly<Record<string, string>>;
  /** Seconds before an invocation is killed (AWS_LAMBDA_FUNCTION_TIMEOUT). */
  readonly timeout?: number;
  readonly memorySize?: number;
}

export interface LocalResponse {
  readonly statusCode: number;
  /** `Unhandled` for function errors, crashes and timeouts. */
  readonly functionError: string | undefined;
  /** The answer, parsed as JSON when it is JSON. */
  readonly body: unknown;
  /** The invocation's log tail, when asked for. */
  readonly log?: string;
  readonly seconds: number;
}

const PORT_LABEL = `${LABEL_PREFIX}port`;
const READY_TIMEOUT_MS = 30_000;
/** Ports picked for a container before giving up because other programs keep taking them. */
const PORT_ATTEMPTS = 3;

/** Starts the image's emulator in a container and waits until it answers. */
export async function runImageLocally(
  image: LocalImage | string,
  options: RunOptions = {},
): Promise<Container> {
  const engine = await getDockerEngine();
  const imageRef = typeof image === 'string' ? image : image.id;
  if (options.port !== undefined) await checkPort(options.port, engine.network);
  for (const key of Object.keys(options.environment ?? {})) {
    if (!ENV_NAME.test(key)) {
      throw new LambdashError(
        'INVALID_OPTION',
        `"${key}" is not a valid environment variable name.`,
        'Use letters, digits and underscores, not starting with a digit (as Lambda requires).',
      );
    }
  }
  await sweepLeftovers(getDocker());
  let port = 0;
  return retry(
    async () => {
      port = options.port ?? (await freePort());
      return startOnPort(imageRef, port, engine.network, options);
    },
    {
      what: 'Starting the container',
      // A port picked here is free when picked, but another program may bind it before the
      // container's emulator does (seconds later): pick another. A port the caller chose is
      // the caller's to change.
      retryOn: (error) => portTaken(error, port) && options.port === undefined,
      attempts: PORT_ATTEMPTS,
    },
    options,
  );
}

/**
 * Whether starting failed because something else holds the port: the check just before the
 * start, the emulator's own bind (host networking), or Docker's port binding (a bridge).
 */
function portTaken(error: unknown, port: number): boolean {
  if (!isLambdashError(error)) return false;
  const { code, message } = error;
  return (
    (code === 'CONTAINER_FAILED' &&
      (message.startsWith(`Port ${port} on 127.0.0.1 is already in use.`) ||
        message.includes(`Cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`))) ||
    (code === 'DOCKER_FAILED' &&
      message.includes(String(port)) &&
      /port is already allocated|address already in use/.test(message))
  );
}

/** Creates and starts the container with its emulator on `port`, and waits until it answers. */
async function startOnPort(
  imageRef: string,
  port: number,
  network: 'host' | 'bridge',
  options: RunOptions,
): Promise<Container> {
  const docker = getDocker();
  const env = Object.entries({
    ...options.environment,
    ...(await functionIdentity(docker, imageRef, options)),
    ...(options.timeout ? { AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeout) } : {}),
    // With host networking the container shares this machine's interfaces: loopback only.
    ...(network === 'host'
      ? { LAMBDASH_EMULATOR_HOST: '127.0.0.1', LAMBDASH_EMULATOR_PORT: String(port) }
      : {}),
  }).map(([key, value]) => `${key}=${value}`);
  let created: Docker.Container;
  try {
    created = await docker.createContainer({
      Image: imageRef,
      Env: env,
      Labels: {
        [LABELS.generated]: 'true',
        [PORT_LABEL]: String(port),
        ...(options.keep ? {} : { [REMOVE_LABEL]: 'true' }),
        ...(options.ownedByProcess ? { [OWNER_LABEL]: ownerToken() } : {}),
      },
      ExposedPorts: network === 'bridge' ? { '8080/tcp': {} } : undefined,
      HostConfig: {
        NetworkMode: network === 'host' ? 'host' : undefined,
        PortBindings:
          network === 'bridge'
            ? { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] }
            : undefined,
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,exec,size=512m' },
        // Never AutoRemove: a container that dies at start must keep its logs for the error.
        AutoRemove: false,
      },
    });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new LambdashError(
        'IMAGE_NOT_FOUND',
        `There is no local image ${imageRef}.`,
        'Build it first, or list the images lambdash made.',
      );
    }
    throw dockerError(error, `create a container of ${imageRef}`);
  }
  // A container that fails to start or to answer goes; if the engine cannot be reached to
  // remove it, a later sweep of this process does.
  const discard = () =>
    created.remove({ force: true }).catch(() => noteLeftover(docker, { container: created.id }));
  try {
    // With host networking whoever holds the port answers the readiness check: it must be
    // free as the container starts (the emulator then fails to bind if it is taken later).
    if (network === 'host') await checkPort(port, 'host');
    await created.start();
  } catch (error) {
    await discard();
    if (error instanceof LambdashError) throw error;
    throw dockerError(error, `start a container of ${imageRef}`);
  }
  emit(options, { type: 'container.start', id: created.id, port });
  const started = performance.now();
  try {
    await waitUntilReady(created, port, network, options.signal);
    emit(options, { type: 'container.ready', id: created.id, ms: performance.now() - started });
    return toContainer(await created.inspect());
  } catch (error) {
    await discard();
    throw dockerError(error, `inspect the container ${created.id}`);
  }
}

/** Lambda's memory size for a function created without one (MB). */
const LAMBDA_DEFAULT_MEMORY_MB = 128;
/** What Lambda accepts as a function's name. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The variables Lambda sets for the function, as the responder's function will have them:
 * its name (the image's responder name), memory size (the responder's, else Lambda's
 * default), version and log group. Libraries such as Powertools log these, so a local
 * container must not show the emulator's placeholders (`function`, 3008 MB). An image not
 * made by lambdash (no name label, or one Lambda would refuse) keeps the emulator's name.
 */
async function functionIdentity(
  docker: Docker,
  imageRef: string,
  options: RunOptions,
): Promise<Record<string, string>> {
  const labels = await docker
    .getImage(imageRef)
    .inspect()
    .then((info) => info.Config?.Labels ?? {})
    // A missing image is reported by createContainer, with the error callers expect.
    .catch(() => ({}) as Record<string, string>);
  const name = labels[LABELS.name];
  return {
    ...(name && FUNCTION_NAME.test(name)
      ? { AWS_LAMBDA_FUNCTION_NAME: name, AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}` }
      : {}),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize ?? LAMBDA_DEFAULT_MEMORY_MB),
  };
}

/**
 * Polls until the container's own emulator answers, failing early (with its logs) when the
 * container dies. An HTTP answer alone proves nothing with host networking: any server on the
 * port could give it. So the container must still run after the answer, and its log must say
 * that its emulator listens on that port (the runtime prints "lambdash emulator: ... invoke
 * with POST http://HOST:PORT/..." once it listens); an emulator that could not bind exits.
 */
async function waitUntilReady(
  container: Docker.Container,
  port: number,
  network: 'host' | 'bridge',
  signal?: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  const listening = new RegExp(
    `^lambdash emulator: .* invoke with POST http://\\S+:${network === 'host' ? port : 8080}/`,
    'm',
  );
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal, 'Starting the container');
    const answered = await answers(port);
    if (answered || attempt % 5 === 4) {
      const state = await container.inspect().catch(() => undefined);
      if (!state?.State.Running) {
        throw new LambdashError(
          'CONTAINER_FAILED',
          `The container stopped before its emulator answered:\n${await containerLogs(container)}`,
          'Check that the image is a lambdash image (its entry is /var/runtime/bootstrap.cjs), and that nothing else listens on the port.',
        );
      }
      if (answered && listening.test(await containerLogs(container))) return;
    }
    if (performance.now() > deadline) {
      throw new LambdashError(
        'CONTAINER_FAILED',
        `The container's emulator did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s.`,
        "Check the container's logs (docker logs), and that nothing else listens on the port.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last lines a container wrote, as text ("" when the engine cannot give them). */
async function containerLogs(container: Docker.Container): Promise<string> {
  return ((await readContainerOutput(container, { tail: 20 })) ?? '').trim();
}

/**
 * The emulator answers a GET with 405 MethodNotAllowedException. A bare TCP connect would not
 * do: with published ports, Docker's proxy accepts connections before the container listens.
 */
async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(
      `http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`,
      { signal: AbortSignal.timeout(1000) },
    );
    await response.arrayBuffer();
    return (
      response.status === 405 &&
      response.headers.get('x-amzn-errortype') === 'MethodNotAllowedException'
    );
  } catch {
    return false;
  }
}

/** Where Jot's send_local_request looks when no port is given (its containers publish 9000). */
const DEFAULT_LOCAL_PORT = 9000;

/**
 * Invokes the emulator listening on `port` (a container's, or any emulator's; default 9000 as
 * Jot's: `runImageLocally(image, { port: 9000 })` serves there).
 */
export async function sendLocalRequest(
  payload: unknown,
  options: { port?: number; log?: boolean; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LocalResponse> {
  const port = options.port ?? DEFAULT_LOCAL_PORT;
  const body = payloadJson(payload);
  const started = performance.now();
  const timeout =
    options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signal =
    timeout && options.signal
      ? AbortSignal.any([options.signal, timeout])
      : (timeout ?? options.signal);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        ...(options.log ? { 'x-amz-log-type': 'Tail' } : {}),
      },
      signal,
    });
    text = await response.text();
  } catch (error) {
    throwIfAborted(options.signal, 'The invocation');
    if (timeout?.aborted) {
      throw new LambdashError(
        'CONTAINER_FAILED',
        `The function on port ${port} did not answer within ${(options.timeoutMs ?? 0) / 1000} s.`,
        'Look for a handler that never returns, or allow it more time.',
        { cause: error },
      );
    }
    throw new LambdashError(
      'CONTAINER_FAILED',
      `Nothing answered on port ${port}: ${(error as Error).message}`,
      'Start the image first (lambdash run; runImageLocally).',
      { cause: error },
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const logResult = response.headers.get('x-amz-log-result');
  return {
    statusCode: response.status,
    functionError: response.headers.get('x-amz-function-error') ?? undefined,
    body: parseMaybeJson(text),
    ...(logResult ? { log: Buffer.from(logResult, 'base64').toString('utf8') } : {}),
    seconds,
  };
}

/**
 * The containers of lambdash's images (Jot's default: generated only; `generatedOnly: false`
 * for every container), stopped ones too unless `all: false`. `filters` go to the engine as
 * they are (Jot's `args`), joined to lambdash's own label filter.
 */
export async function getAllContainers(
  options: { generatedOnly?: boolean; all?: boolean; filters?: DockerFilters } = {},
): Promise<Container[]> {
  const filters = withGeneratedLabel(options.filters, options.generatedOnly ?? true);
  let list: Docker.ContainerInfo[];
  try {
    list = await getDocker().listContainers({
      all: options.all ?? true,
      ...(filters ? { filters: JSON.stringify(filters) } : {}),
    });
  } catch (error) {
    throw dockerError(error, 'list the containers');
  }
  // The local cloud's Lambda containers carry their image's labels too, but serve no Invoke API
  // on this machine (a test borrowing one would call port 0): they are the local cloud's.
  const ours = list.filter((info) => !info.Labels?.[LOCAL_CLOUD_LABEL]);
  return ours.map((info) => {
    const port = Number(
      info.Labels?.[PORT_LABEL] ?? info.Ports?.find((p) => p.PrivatePort === 8080)?.PublicPort ?? 0,
    );
    return {
      id: info.Id,
      name: (info.Names[0] ?? '').replace(/^\//, ''),
      image: info.ImageID,
      port,
      url: `http://127.0.0.1:${port}`,
      running: info.State === 'running',
      created: new Date(info.Created * 1000),
    };
  });
}

export async function isContainerRunning(container: Container | string): Promise<boolean> {
  const id = typeof container === 'string' ? container : container.id;
  try {
    return (await getDocker().getContainer(id).inspect()).State.Running;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw dockerError(error, `inspect the container ${id}`);
  }
}

/** Stops a container; one started without `keep` is removed as well. */
export async function stopContainer(container: Container | string): Promise<void> {
  const id = typeof container === 'string' ? container : container.id;
  const handle = getDocker().getContainer(id);
  let remove = false;
  try {
    remove = (await handle.inspect()).Config.Labels?.[REMOVE_LABEL] === 'true';
    await handle.stop({ t: 2 });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return; // gone already
    if (status !== 304) throw dockerError(error, `stop the container ${id}`); // 304: stopped
  }
  if (remove) await deleteContainer(id);
}

export async function deleteContainer(container: Container | string): Promise<void> {
  const id = typeof container === 'string' ? container : container.id;
  try {
    await getDocker().getContainer(id).remove({ force: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 409) return; // gone, or already being removed
    throw dockerError(error, `delete the container ${id}`);
  }
}

function toContainer(info: Docker.ContainerInspectInfo): Container {
  const port = Number(info.Config.Labels?.[PORT_LABEL] ?? 0);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Image,
    port,
    url: `http://127.0.0.1:${port}`,
    running: info.State.Running,
    created: new Date(info.Created),
  };
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A port asked for must be one, and free: with host networking another server on it would
 * answer the readiness check in the container's stead (published ports fail at start).
 */
async function checkPort(port: number, network: 'host' | 'bridge'): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${port} is not a TCP port.`,
      'Give a whole number from 1 to 65535, or leave the port out to get a free one.',
    );
  }
  if (network !== 'host') return;
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new LambdashError(
      'CONTAINER_FAILED',
      `Port ${port} on 127.0.0.1 is already in use.`,
      'Choose another port, or leave the port out to get a free one.',
    );
  }
}

/** A free TCP port on loopback, for a container's Invoke API. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
