// Runs a function's invocations in containers of its image, as Lambda does: each container's
// runtime talks to a Runtime API server of ours (the runtime's own RuntimeApiServer), so the
// image runs its production path, not its emulator. A warm container is reused; concurrent
// invocations get more containers up to a limit and queue past it; idle containers are
// reaped; a timeout kills its container; a crashed runtime is replaced. START, END and
// REPORT lines (with Init Duration on cold starts and the runtime's real peak memory) go to
// the function's log with everything the container printed. As on Lambda, the runtime runs as
// an unprivileged user and holds temporary credentials of the function's role. Containers are
// labelled and removed through FunctionContainers, so that none outlives its local cloud.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PassThrough } from 'node:stream';
import { PassThrough as Pass } from 'node:stream';
import type Docker from 'dockerode';
import { endLine, reportLine, startLine } from '../../runtime/emulator/report.js';
import {
  RuntimeApiServer,
  type RuntimeInvokeResult,
} from '../../runtime/emulator/runtime-api-server.js';
import type { CredentialAuthority } from './credentials.js';
import type { FunctionContainers } from './function-containers.js';
import type { FunctionConfiguration } from './lambda-functions.js';

export interface InvokeRequest {
  readonly payload: Buffer;
  readonly clientContext?: string;
  readonly requestId?: string;
}

export interface InvokeResult {
  readonly requestId: string;
  readonly functionError: 'Unhandled' | undefined;
  readonly body: Buffer;
  /** Settles with the invocation's whole log (START … REPORT) once the invocation is over. */
  readonly log: Promise<string>;
}

export type LogSink = (
  group: string,
  stream: string,
  lines: readonly { timestamp: number; message: string }[],
) => void;

export interface PoolOptions {
  readonly docker: Docker;
  readonly region: string;
  /** Containers per function at most; more invocations wait. */
  readonly maxContainers: number;
  /** A container idle this long is removed. */
  readonly idleMs: number;
  readonly log: LogSink;
  /** Mints each container's credentials of the function's role. */
  readonly authority: CredentialAuthority;
  /** The local cloud's own endpoint, which code in a function calls by default. */
  readonly endpoint: string;
  /** How long a container's credentials last; default Lambda's 12 hours. */
  readonly sessionSeconds?: number;
  /** Labels each container with its owner and removes it, retrying while the engine is away. */
  readonly containers: FunctionContainers;
}

/** Lambda runs the runtime as sbx_user1051 (uid 993, gid 990), whatever USER the image names. */
export const SANDBOX_USER = '993:990';
/** Lambda's role credentials last up to 12 hours. */
const SESSION_SECONDS = 12 * 60 * 60;
/** A container's credentials must outlive any invocation it takes by this much. */
const SESSION_MARGIN_MS = 60_000;

interface Slot {
  readonly container: Docker.Container;
  readonly server: RuntimeApiServer;
  readonly stream: string;
  /** The pool's generation (code and configuration) the container was started with. */
  readonly generation: number;
  readonly startedAt: number;
  /** When the container's role credentials expire (epoch ms): it is replaced before then. */
  readonly credentialsExpireAt: number;
  readonly exited: Promise<string>;
  /** Settles when the runtime first asks for an event: its init is over. */
  readonly initDone: Promise<void>;
  initDurationMs: number | undefined;
  /**
   * Whether it has run an invocation: the first one is its cold start, and its REPORT carries
   * Init Duration even when the init ended before the invocation came (a busy machine).
   */
  invoked: boolean;
  /** Its runtime prints marks lines (lambdash's does, unless LAMBDASH_OBSERVE=0). */
  printsMarks: boolean;
  busy: boolean;
  dead: boolean;
  lastUsed: number;
  capture: string[] | undefined;
  peakMemoryMb: number;
  /** The runtime process's pid on this host, for its peak memory in /proc. */
  pid: number;
  /** Answered, and finishing its invocation: free in a moment. */
  finishing: boolean;
  /** Resolves when the runtime printed its last line for the request being run. */
  outputDone: { requestId: string; resolve: () => void } | undefined;
}

export class FunctionPool {
  readonly #options: PoolOptions;
  #config: FunctionConfiguration;
  #imageId: string;
  /** Bumped by every update: a container of an older generation has stale code or settings. */
  #generation = 0;
  readonly #slots = new Set<Slot>();
  /** Containers being started, which count against maxContainers before they join #slots. */
  #starting = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #reaper: NodeJS.Timeout;
  #closed = false;

  constructor(config: FunctionConfiguration, imageId: string, options: PoolOptions) {
    this.#config = config;
    this.#imageId = imageId;
    this.#options = options;
    this.#reaper = setInterval(() => this.#reap(), Math.min(options.idleMs, 10_000));
    this.#reaper.unref();
  }

  /** New invocations use the new code or settings; busy containers finish first, then go. */
  update(config: FunctionConfiguration, imageId: string): void {
    this.#config = config;
    this.#imageId = imageId;
    // A configuration change keeps the image but changes the container's environment.
    this.#generation++;
    for (const slot of this.#slots) if (!slot.busy) void this.#retire(slot);
  }

  /**
   * Answers as soon as the runtime has; the invocation goes on (END, REPORT) until the runtime
   * asks for its next event, and only then is its container free again.
   */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const slot = await this.#acquire();
    const release = async () => {
      slot.busy = false;
      slot.finishing = false;
      slot.lastUsed = Date.now();
      if (slot.dead || slot.generation !== this.#generation || !this.#fresh(slot))
        await this.#retire(slot);
      this.#waiting.shift()?.();
    };
    let result: InvokeResult;
    try {
      result = await this.#run(slot, request);
    } catch (error) {
      await release();
      throw error;
    }
    void result.log.then(release, release);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    await Promise.all([...this.#slots].map((slot) => this.#retire(slot)));
  }

  async #acquire(): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new Error('the function is being deleted');
      const idle = [...this.#slots].find(
        (slot) =>
          !slot.busy && !slot.dead && slot.generation === this.#generation && this.#fresh(slot),
      );
      if (idle) {
        idle.busy = true;
        return idle;
      }
      // One about to be free beats a cold start (sequential callers come back that fast).
      const finishing = [...this.#slots].some(
        (slot) => slot.finishing && slot.generation === this.#generation && this.#fresh(slot),
      );
      if (!finishing && this.#slots.size + this.#starting < this.#options.maxContainers) {
        this.#starting++;
        let slot: Slot;
        try {
          slot = await this.#start();
        } catch (error) {
          // The place is free again: someone waiting for it may try (and fail on their own).
          this.#waiting.shift()?.();
          throw new Error(
            `Lambda could not start a container for ${this.#config.FunctionName}: ${(error as Error).message}`,
            { cause: error },
          );
        } finally {
          this.#starting--;
        }
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  async #start(): Promise<Slot> {
    const config = this.#config;
    const { docker } = this.#options;
    const server = await RuntimeApiServer.start({ host: '127.0.0.1', port: 0 });
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const stream = `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
    // As Lambda does: the role's credentials, with the function's name as the session name.
    const session = this.#options.authority.issueSession(
      config.Role,
      config.FunctionName,
      this.#options.sessionSeconds ?? SESSION_SECONDS,
    );
    const env = {
      // Not Lambda's: SDKs in the function call this local cloud rather than AWS, unless the
      // function's own environment names an endpoint.
      AWS_ENDPOINT_URL: this.#options.endpoint,
      ...config.Environment.Variables,
      AWS_LAMBDA_RUNTIME_API: server.address,
      AWS_LAMBDA_FUNCTION_NAME: config.FunctionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(config.Timeout),
      AWS_LAMBDA_LOG_GROUP_NAME: config.LoggingConfig.LogGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
      AWS_LAMBDA_LOG_FORMAT: config.LoggingConfig.LogFormat,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: this.#options.region,
      AWS_DEFAULT_REGION: this.#options.region,
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
      AWS_EXECUTION_ENV: 'AWS_Lambda_Image',
      TZ: ':UTC',
    };
    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        Image: this.#imageId,
        Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
        Labels: this.#options.containers.labels(config.FunctionName),
        // Overrides the image's USER, which Lambda ignores too.
        User: SANDBOX_USER,
        HostConfig: {
          // The runtime reaches our Runtime API server on loopback.
          NetworkMode: 'host',
          ReadonlyRootfs: true,
          // Writable by the sandbox user whatever the image's /tmp was.
          Tmpfs: { '/tmp': 'rw,exec,size=512m,mode=1777' },
          Memory: config.MemorySize * 1024 * 1024,
          AutoRemove: true,
        },
      });
    } catch (error) {
      await server.close();
      throw error;
    }
    const initDone = new Promise<void>((resolve) => server.once('next', () => resolve()));
    const slot: Slot = {
      container,
      server,
      initDone,
      stream,
      generation: this.#generation,
      startedAt: performance.now(),
      credentialsExpireAt: session.expiration.getTime(),
      // next-exit: waiting before start() with the default condition would return at once.
      exited: container.wait({ condition: 'next-exit' }).then(
        (state: { StatusCode?: number }) =>
          `Runtime exited with error: exit status ${state.StatusCode ?? 'unknown'}`,
        () => 'Runtime exited with error: signal: killed',
      ),
      initDurationMs: undefined,
      invoked: false,
      printsMarks: false,
      busy: false,
      dead: false,
      lastUsed: Date.now(),
      capture: undefined,
      peakMemoryMb: 0,
      pid: 0,
      finishing: false,
      outputDone: undefined,
    };
    slot.exited.then(() => {
      slot.dead = true;
    });
    server.on('next', (at) => {
      slot.initDurationMs ??= at - slot.startedAt;
    });
    try {
      const output = (await container.attach({
        stream: true,
        stdout: true,
        stderr: true,
      })) as NodeJS.ReadWriteStream;
      const text: PassThrough = new Pass();
      container.modem.demuxStream(output, text, text);
      let partial = '';
      text.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#write(slot, line);
      });
      await container.start();
      slot.pid = (await container.inspect()).State.Pid;
    } catch (error) {
      // Half started (the engine went away, say): leave nothing behind that no slot tracks.
      // A container created but never started is one AutoRemove would keep forever.
      slot.dead = true;
      await this.#options.containers.remove(container.id);
      await server.close();
      throw error;
    }
    this.#slots.add(slot);
    return slot;
  }

  async #run(slot: Slot, request: InvokeRequest): Promise<InvokeResult> {
    const config = this.#config;
    const requestId = request.requestId ?? randomUUID();
    const coldStart = !slot.invoked;
    slot.invoked = true;
    slot.capture = [];
    this.#write(slot, startLine(requestId).trimEnd());
    const timeoutMs = config.Timeout * 1000;
    // As on Lambda, the function's timeout counts from the end of init (which has its own limit):
    // a slow cold start on a busy machine is not a timed-out invocation.
    if (coldStart) await race(slot.initDone, slot.exited, INIT_LIMIT_MS);
    const startedAt = performance.now();
    const answer = slot.server.invoke({
      requestId,
      payload: request.payload,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: config.FunctionArn,
      clientContext: request.clientContext,
    });
    // lambdash's runtime prints `response.posted` for a request after everything else it
    // printed for it: seeing that line means the request's output is all here.
    const outputDone = new Promise<void>((resolve) => {
      slot.outputDone = { requestId, resolve };
    });
    const first = await race(answer, slot.exited, timeoutMs);
    let result: RuntimeInvokeResult;
    if (first === 'timeout') {
      this.#samplePeak(slot);
      slot.dead = true;
      await slot.container.kill().catch(() => undefined);
      slot.server.abort(
        'Sandbox.Timedout',
        errorBody(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${config.Timeout.toFixed(2)} seconds`,
        ),
      );
      result = await answer;
    } else if (typeof first === 'string') {
      slot.dead = true;
      slot.server.abort(
        'Runtime.ExitError',
        errorBody('Runtime.ExitError', `RequestId: ${requestId} Error: ${first}`),
      );
      result = await answer;
    } else {
      result = first;
    }
    let body: Buffer;
    if (result.kind === 'stream') {
      const chunks: Buffer[] = [];
      for await (const chunk of result.body) chunks.push(chunk as Buffer);
      body = Buffer.concat(chunks);
      const failed = await result.ended;
      if (failed)
        result = { ...result, kind: 'error', errorType: failed.errorType, body: failed.body };
    } else {
      body = result.body;
    }
    slot.finishing = !slot.dead;
    const answered = result;
    const log = this.#finish(slot, answered, {
      requestId,
      startedAt,
      timeoutMs,
      coldStart,
      outputDone,
    });
    return {
      requestId,
      functionError: answered.kind === 'error' ? 'Unhandled' : undefined,
      body: answered.kind === 'error' ? answered.body : body,
      log,
    };
  }

  /** Lambda ends an invocation when the runtime asks for the next one: then END and REPORT. */
  async #finish(
    slot: Slot,
    result: RuntimeInvokeResult,
    run: {
      requestId: string;
      startedAt: number;
      timeoutMs: number;
      coldStart: boolean;
      outputDone: Promise<void>;
    },
  ): Promise<string> {
    const { requestId, startedAt, timeoutMs, coldStart, outputDone } = run;
    const config = this.#config;
    const idle = slot.dead
      ? performance.now()
      : await race(
          result.idle,
          slot.exited,
          Math.max(0, timeoutMs - (performance.now() - startedAt)),
        );
    const endedAt = typeof idle === 'number' ? idle : performance.now();
    if (typeof idle !== 'number') slot.dead = true;
    if (!slot.dead) this.#samplePeak(slot);
    // A runtime known to print marks (lambdash's, seen in its init or an earlier invocation) is
    // waited for: on a busy machine its last lines can reach the engine's stream well after the
    // answer, and END and REPORT must come after every line of the request, as on Lambda. Any
    // other runtime gets a short grace period instead.
    if (!slot.dead) {
      const graceMs = slot.printsMarks ? MARKED_OUTPUT_WAIT_MS : UNMARKED_OUTPUT_GRACE_MS;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        outputDone,
        slot.exited,
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    slot.outputDone = undefined;
    const durationMs = Math.min(endedAt - Math.max(startedAt, result.deliveredAt), timeoutMs);
    this.#write(slot, endLine(requestId).trimEnd());
    this.#write(
      slot,
      reportLine({
        requestId,
        durationMs,
        memorySizeMb: config.MemorySize,
        maxMemoryUsedMb: Math.max(1, slot.peakMemoryMb),
        initDurationMs: coldStart ? slot.initDurationMs : undefined,
      }).trimEnd(),
    );
    const log = `${(slot.capture ?? []).join('\n')}\n`;
    slot.capture = undefined;
    return log;
  }

  #write(slot: Slot, line: string): void {
    slot.capture?.push(line);
    void this.#options.log(this.#config.LoggingConfig.LogGroup, slot.stream, [
      { timestamp: Date.now(), message: line },
    ]);
    if (!slot.printsMarks && MARKS_LINE.test(line)) slot.printsMarks = true;
    const waiting = slot.outputDone;
    if (waiting && line.includes('response.posted') && line.includes(waiting.requestId))
      waiting.resolve();
  }

  /** The runtime process's peak resident memory, read from the host's /proc. */
  #samplePeak(slot: Slot): void {
    try {
      const status = readFileSync(`/proc/${slot.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      slot.peakMemoryMb = Math.max(slot.peakMemoryMb, Math.ceil(kb / 1024));
    } catch {
      // The container is gone: keep the last reading.
    }
  }

  #reap(): void {
    const now = Date.now();
    for (const slot of this.#slots) {
      if (
        !slot.busy &&
        (slot.dead || now - slot.lastUsed > this.#options.idleMs || !this.#fresh(slot))
      )
        void this.#retire(slot);
    }
  }

  /** Whether the container's credentials outlast another invocation (its whole timeout). */
  #fresh(slot: Slot): boolean {
    return slot.credentialsExpireAt - Date.now() >= this.#config.Timeout * 1000 + SESSION_MARGIN_MS;
  }

  async #retire(slot: Slot): Promise<void> {
    if (!this.#slots.delete(slot)) return;
    slot.dead = true;
    await this.#options.containers.remove(slot.container.id);
    await slot.server.close();
  }
}

/** Lambda's limit on a function's init phase. */
const INIT_LIMIT_MS = 10_000;
/** How long END and REPORT wait for the last lines of a runtime that marks its requests. */
const MARKED_OUTPUT_WAIT_MS = 5_000;
/** The wait for a runtime that does not (it cannot say when its output is all here). */
const UNMARKED_OUTPUT_GRACE_MS = 50;
/** A marks line of lambdash's runtime, as text or as JSON (runtime/observe.ts). */
const MARKS_LINE = /\[lambdash\]\tmarks\t|"type":"lambdash\.marks"/;

async function race<T>(
  value: Promise<T>,
  exited: Promise<string>,
  ms: number,
): Promise<T | string | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([value, exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorBody(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}
