// Containers of lambdash's images, run locally with the image's emulator serving the Lambda
// Invoke API. Networking is chosen at run time: host networking where the engine has no
// bridge (the emulator then binds 127.0.0.1 on a free port), published ports otherwise
// (bound to 127.0.0.1 on the host). Containers run like Lambda: a read-only file system
// with a writable /tmp.

import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type Docker from 'dockerode';
import { dockerError, getDocker, getDockerEngine } from './docker.js';
import { LambdashError } from './errors.js';
import { emit, type OperationOptions } from './events.js';
import { LABEL_PREFIX, LABELS } from './labels.js';
import type { LocalImage } from './local-images.js';

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
  /** Keep the container after it stops (default: removed). */
  readonly keep?: boolean;
  readonly environment?: Readonly<Record<string, string>>;
  /** Seconds before an invocation is killed (AWS_LAMBDA_FUNCTION_TIMEOUT). */
  readonly timeout?: number;
  readonly memorySize?: number;
}

export interface TestData {
  readonly payload: unknown;
  readonly expected: unknown;
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

export interface TestResult {
  readonly passed: boolean;
  readonly seconds: number;
  readonly response: LocalResponse;
  /** For a failed test with expected data: what differs, line by line. */
  readonly diff?: string;
}

const PORT_LABEL = `${LABEL_PREFIX}port`;
const READY_TIMEOUT_MS = 30_000;

/** Starts the image's emulator in a container and waits until it answers. */
export async function runImageLocally(
  image: LocalImage | string,
  options: RunOptions = {},
): Promise<Container> {
  const docker = getDocker();
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
  const port = options.port ?? (await freePort());
  const env = Object.entries({
    ...options.environment,
    ...(options.timeout ? { AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeout) } : {}),
    ...(options.memorySize ? { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize) } : {}),
    // With host networking the container shares this machine's interfaces: loopback only.
    ...(engine.network === 'host'
      ? { LAMBDASH_EMULATOR_HOST: '127.0.0.1', LAMBDASH_EMULATOR_PORT: String(port) }
      : {}),
  }).map(([key, value]) => `${key}=${value}`);
  let created: Docker.Container;
  try {
    created = await docker.createContainer({
      Image: imageRef,
      Env: env,
      Labels: { [LABELS.generated]: 'true', [PORT_LABEL]: String(port) },
      ExposedPorts: engine.network === 'bridge' ? { '8080/tcp': {} } : undefined,
      HostConfig: {
        NetworkMode: engine.network === 'host' ? 'host' : undefined,
        PortBindings:
          engine.network === 'bridge'
            ? { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] }
            : undefined,
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,exec,size=512m' },
        AutoRemove: !options.keep,
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
  try {
    await created.start();
  } catch (error) {
    // A container that never started is not auto-removed: it would stay behind.
    await created.remove({ force: true }).catch(() => undefined);
    throw dockerError(error, `start a container of ${imageRef}`);
  }
  emit(options, { type: 'container.start', id: created.id, port });
  const started = performance.now();
  try {
    await waitUntilReady(created, port, options.signal);
  } catch (error) {
    await created.remove({ force: true }).catch(() => undefined);
    throw error;
  }
  emit(options, { type: 'container.ready', id: created.id, ms: performance.now() - started });
  return toContainer(await created.inspect());
}

/** Polls the Invoke API until it answers, failing early (with the logs) if the container dies. */
async function waitUntilReady(
  container: Docker.Container,
  port: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new LambdashError('ABORTED', 'Starting the container was cancelled');
    if (await answers(port)) return;
    if (attempt % 5 === 4) {
      const state = await container.inspect().catch(() => undefined);
      if (!state?.State.Running) {
        const logs = await container
          .logs({ stdout: true, stderr: true, tail: 20 })
          .catch(() => Buffer.alloc(0));
        throw new LambdashError(
          'CONTAINER_FAILED',
          `The container stopped before its emulator answered:\n${demux(logs).trim()}`,
          'Check that the image is a lambdash image (its entry is /var/runtime/bootstrap.cjs).',
        );
      }
    }
    if (performance.now() > deadline) {
      throw new LambdashError(
        'CONTAINER_FAILED',
        `The container's emulator did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Any HTTP answer (a GET gets 405) means the emulator listens. A bare TCP connect would not:
 * with published ports, Docker's proxy accepts connections before the container listens.
 */
async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(
      `http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`,
      {
        signal: AbortSignal.timeout(1000),
      },
    );
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Invokes the emulator listening on `port` (a container's, or any emulator's). */
export async function sendLocalRequest(
  payload: unknown,
  options: { port: number; log?: boolean; signal?: AbortSignal },
): Promise<LocalResponse> {
  let body: string;
  try {
    body = JSON.stringify(payload) ?? 'null';
  } catch (error) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload cannot be sent as JSON: ${(error as Error).message}`,
      'Send plain data: objects, arrays, strings, numbers, booleans, null.',
    );
  }
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(
      `http://127.0.0.1:${options.port}/2015-03-31/functions/function/invocations`,
      {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...(options.log ? { 'x-amz-log-type': 'Tail' } : {}),
        },
        signal: options.signal,
      },
    );
  } catch (error) {
    throw new LambdashError(
      'CONTAINER_FAILED',
      `Nothing answered on port ${options.port}: ${(error as Error).message}`,
      'Start the image first (runImageLocally).',
      { cause: error },
    );
  }
  const text = await response.text();
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
 * Tests an image: invokes a running container of it, or one started for the test and removed
 * afterwards. With test data, passes when the answer equals `expected`; without, sends a
 * health invocation (`{}`) and passes when the runtime answered with the handler loaded (a
 * handler may reject an empty event; the loop still proved it works, but an init error such as
 * a missing export means no invocation can work).
 */
export async function runLocalImageTest(
  image: LocalImage | string,
  testData?: TestData,
  options: OperationOptions = {},
): Promise<TestResult> {
  const imageId = typeof image === 'string' ? (await inspectImage(image)).Id : image.id;
  const running = (await getAllContainers()).find((c) => c.image === imageId && c.running);
  const container = running ?? (await runImageLocally(imageId, options));
  try {
    const response = await sendLocalRequest(testData ? testData.payload : {}, {
      port: container.port,
      signal: options.signal,
    });
    const passed = testData
      ? response.statusCode === 200 &&
        !response.functionError &&
        isDeepStrictEqual(response.body, testData.expected)
      : response.statusCode === 200 && !INIT_ERRORS.has(errorTypeOf(response) ?? '');
    const result: TestResult = {
      passed,
      seconds: response.seconds,
      response,
      ...(testData && !passed ? { diff: describeDifference(testData.expected, response) } : {}),
    };
    emit(options, { type: 'image.test', passed, seconds: response.seconds });
    return result;
  } finally {
    if (!running) await deleteContainer(container).catch(() => undefined);
  }
}

/** Error types of a handler that never loaded (the runtime's init errors). */
const INIT_ERRORS = new Set([
  'Runtime.UserCodeSyntaxError',
  'Runtime.ImportModuleError',
  'Runtime.HandlerNotFound',
  'Runtime.MalformedHandlerName',
]);

function errorTypeOf(response: LocalResponse): string | undefined {
  if (!response.functionError) return undefined;
  const type = (response.body as { errorType?: unknown } | null)?.errorType;
  return typeof type === 'string' ? type : undefined;
}

async function inspectImage(ref: string): Promise<Docker.ImageInspectInfo> {
  try {
    return await getDocker().getImage(ref).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new LambdashError(
        'IMAGE_NOT_FOUND',
        `There is no local image ${ref}.`,
        'Build it first.',
      );
    }
    throw dockerError(error, `inspect the image ${ref}`);
  }
}

/** A readable account of how the answer differs from the expected one. */
export function describeDifference(expected: unknown, response: LocalResponse): string {
  if (response.functionError) {
    return `expected ${JSON.stringify(expected)}\nbut the function failed (${response.functionError}): ${JSON.stringify(response.body)}`;
  }
  const want = (JSON.stringify(expected, null, 2) ?? 'undefined').split('\n');
  const got = (JSON.stringify(response.body, null, 2) ?? 'undefined').split('\n');
  return `(- expected, + actual)\n${diffLines(want, got).join('\n')}`;
}

/** Cells of the longest-common-subsequence table beyond which a plain line-by-line pairing is used. */
const MAX_DIFF_CELLS = 4_000_000;

/**
 * A line diff of two pretty-printed JSON texts: lines both share are kept once, so a key the
 * answer adds shows as one added line. Lines compare without their trailing comma, which
 * only says whether another key follows.
 */
function diffLines(want: readonly string[], got: readonly string[]): string[] {
  const key = (line: string) => line.replace(/,$/, '');
  const n = want.length;
  const m = got.length;
  const lines: string[] = [];
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS) {
    for (let i = 0; i < Math.max(n, m); i++) {
      if (want[i] === got[i]) lines.push(`  ${got[i]}`);
      else {
        if (want[i] !== undefined) lines.push(`- ${want[i]}`);
        if (got[i] !== undefined) lines.push(`+ ${got[i]}`);
      }
    }
    return lines;
  }
  // common[i * (m + 1) + j]: length of the longest common subsequence of want[i..] and got[j..].
  const common = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => common[i * (m + 1) + j]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i * (m + 1) + j] =
        key(want[i]!) === key(got[j]!)
          ? at(i + 1, j + 1) + 1
          : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(want[i]!) === key(got[j]!)) {
      lines.push(`  ${got[j]}`);
      i++;
      j++;
    } else if (j >= m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
      lines.push(`- ${want[i++]}`);
    } else {
      lines.push(`+ ${got[j++]}`);
    }
  }
  return lines;
}

export async function getAllContainers(
  options: { generatedOnly?: boolean; all?: boolean } = {},
): Promise<Container[]> {
  const generatedOnly = options.generatedOnly ?? true;
  let list: Docker.ContainerInfo[];
  try {
    list = await getDocker().listContainers({
      all: options.all ?? true,
      ...(generatedOnly
        ? { filters: JSON.stringify({ label: [`${LABELS.generated}=true`] }) }
        : {}),
    });
  } catch (error) {
    throw dockerError(error, 'list the containers');
  }
  return list.map((info) => {
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

export async function stopContainer(container: Container | string): Promise<void> {
  const id = typeof container === 'string' ? container : container.id;
  try {
    await getDocker().getContainer(id).stop({ t: 2 });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 304 || status === 404) return; // already stopped, or gone (auto-removed)
    throw dockerError(error, `stop the container ${id}`);
  }
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

/** Docker's log stream interleaves 8-byte frame headers with the text; keep the text. */
function demux(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.toString('utf8', offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join('') : buffer.toString('utf8');
}
