// The local Lambda service for one function: it spawns the runtime process, feeds it one
// invocation at a time through a RuntimeApiServer, and answers the way Lambda does. Function
// errors, crashes and timeouts become error results (never a crashed emulator); a timeout
// kills the runtime, and the next invocation starts a fresh one with a real Init Duration.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { endLine, type InvocationReport, reportLine, startLine } from './report.js';
import { RuntimeApiServer, type RuntimeInvokeResult } from './runtime-api-server.js';
import { RuntimeOutput } from './runtime-output.js';

export interface FunctionConfig {
  readonly handler: string;
  readonly taskRoot: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly region: string;
  /** Extra environment for the function, on top of what Lambda sets. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface EmulatorOptions {
  readonly config: FunctionConfig;
  /** The runtime's command line; the handler is appended. */
  readonly runtimeCommand: readonly string[];
  /** Receives the function's log: its output and the START/END/REPORT lines. */
  readonly log?: (text: string) => void;
}

export interface InvokeOptions {
  /** JSON text of the client context (already base64-decoded). */
  readonly clientContext?: string;
  readonly traceId?: string;
  readonly requestId?: string;
}

export interface InvokeOutcome {
  readonly requestId: string;
  /** Set for function errors, crashes and timeouts: the X-Amz-Function-Error value. */
  readonly functionError: 'Unhandled' | undefined;
  readonly errorType: string | undefined;
  readonly contentType: string;
  /** The whole answer, or for a streaming handler the stream of it. */
  readonly body: Buffer | Readable;
  /**
   * For a streamed answer: resolves when the runtime has sent all of it, with the error it
   * reported in the trailers after the first byte (the body alone cannot show that).
   */
  readonly streamError: Promise<{ errorType: string; body: Buffer } | undefined>;
  /**
   * Resolves with the report once the invocation is over (for streams: after the last byte),
   * and the invocation's log from START to REPORT (only its end, when over 256 K characters).
   */
  readonly done: Promise<InvocationReport & { readonly log: string }>;
}

const LOG_CAPTURE_LIMIT = 256 * 1024;
/** Lambda's limit for a function's init phase. */
const INIT_TIMEOUT_MS = 10_000;

export class Emulator {
  readonly #options: EmulatorOptions;
  readonly #log: (text: string) => void;
  #server: RuntimeApiServer | undefined;
  #process: ChildProcess | undefined;
  #output: RuntimeOutput | undefined;
  #exited: Promise<string> | undefined;
  #spawnedAt = 0;
  #initDurationMs: number | undefined;
  #peakMemoryMb = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #capture: string[] | undefined;
  #captured = 0;

  constructor(options: EmulatorOptions) {
    this.#options = options;
    this.#log = options.log ?? ((text) => process.stdout.write(text));
  }

  get config(): FunctionConfig {
    return this.#options.config;
  }

  /** Invocations are queued: each waits for the one before it to finish. */
  invoke(payload: Buffer, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const turn = this.#queue.then(() => this.#invoke(payload, options));
    this.#queue = turn
      .then(
        (outcome) => outcome.done,
        () => undefined,
      )
      .catch(() => undefined);
    return turn;
  }

  async close(): Promise<void> {
    await this.#kill();
    await this.#server?.close();
    this.#server = undefined;
  }

  async #invoke(payload: Buffer, options: InvokeOptions): Promise<InvokeOutcome> {
    const { config } = this.#options;
    const requestId = options.requestId ?? randomUUID();
    this.#capture = [];
    this.#captured = 0;
    this.#write(startLine(requestId));
    const server = await this.#ensureRuntime();
    const output = this.#output!;
    const coldStart = this.#initDurationMs === undefined;
    const exited = this.#exited!;
    const timeoutMs = config.timeoutSeconds * 1000;
    // Lambda's clock (and the deadline the handler sees) starts when init is over, not at spawn.
    const init = coldStart ? await this.#awaitInit(server, exited) : 'ready';
    const startedAt = performance.now();
    const deadline = startedAt + timeoutMs;

    let result: RuntimeInvokeResult;
    if (typeof init === 'object') {
      // The runtime reported a failed init: that is the invocation's answer. As Lambda does,
      // the runtime is then shut down (ours exits by itself; one that does not would hold
      // the queue forever), and the next invocation starts a new one.
      result = failed(init.errorType, init.body, exited);
      await this.#kill();
    } else if (init !== 'ready' && init !== 'init-timeout') {
      result = failed('Runtime.ExitError', exitBody(requestId, init), exited);
    } else {
      const answer = server.invoke({
        requestId,
        payload,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: `arn:aws:lambda:${config.region}:000000000000:function:${config.functionName}`,
        traceId: options.traceId,
        clientContext: options.clientContext,
      });
      const first = await this.#raceDeadline(answer, exited, deadline);
      if (first === 'timeout') {
        await this.#kill();
        server.abort('Sandbox.Timedout', timeoutBody(requestId, config.timeoutSeconds));
        result = await answer;
      } else if (typeof first === 'string') {
        server.abort('Runtime.ExitError', exitBody(requestId, first));
        result = await answer;
      } else {
        result = first;
      }
    }
    if (result.kind === 'stream') {
      // A stream that fails before its first byte is an ordinary error: the caller can still
      // be told with the status and X-Amz-Function-Error (AWS's client streams such errors).
      const started = await this.#raceDeadline(result.started, exited, deadline);
      const error = started === false ? await result.ended : undefined;
      if (error) {
        const { deliveredAt, answeredAt, idle } = result;
        result = { kind: 'error', ...error, deliveredAt, answeredAt, idle };
      }
    }

    // Lambda ends an invocation when the runtime asks for the next one (or dies, or times out).
    const done = (async () => {
      if (
        result.kind === 'stream' &&
        (await this.#raceDeadline(result.ended, exited, deadline)) === 'timeout'
      ) {
        await this.#kill();
      }
      const idle = await this.#raceDeadline(result.idle, exited, deadline);
      if (idle === 'timeout') await this.#kill();
      const endedAt = typeof idle === 'number' ? idle : performance.now();
      // The peak was read when the runtime asked for its next event (or before it was killed):
      // /proc is read at those two moments only, not several times per invocation.
      // All the runtime printed before asking for more is in its output file by now.
      output.compact();
      const report: InvocationReport = {
        requestId,
        durationMs: Math.min(endedAt - startedAt, timeoutMs),
        memorySizeMb: config.memorySizeMb,
        maxMemoryUsedMb: Math.max(1, this.#peakMemoryMb),
        initDurationMs: coldStart ? this.#initDurationMs : undefined,
      };
      this.#write(endLine(requestId) + reportLine(report));
      const log = (this.#capture ?? []).join('');
      this.#capture = undefined;
      return { ...report, log };
    })();

    const common = { requestId, done, streamError: Promise.resolve(undefined) };
    if (result.kind === 'stream') {
      return {
        ...common,
        streamError: result.ended,
        functionError: undefined,
        errorType: undefined,
        contentType: result.contentType,
        body: result.body,
      };
    }
    if (result.kind === 'error') {
      return {
        ...common,
        functionError: 'Unhandled',
        errorType: result.errorType,
        contentType: 'application/json',
        body: result.body,
      };
    }
    return {
      ...common,
      functionError: undefined,
      errorType: undefined,
      contentType: result.contentType,
      body: result.body,
    };
  }

  /**
   * Waits for a new runtime's init: 'ready' when it asks for its first event, the error it
   * posted to /init/error, its exit reason, or 'init-timeout' after Lambda's 10 s init limit
   * (then, as Lambda does, init goes on inside the invocation, on the invocation's clock).
   */
  async #awaitInit(
    server: RuntimeApiServer,
    exited: Promise<string>,
  ): Promise<'ready' | 'init-timeout' | string | { errorType: string; body: Buffer }> {
    if (server.runtimeWaiting) return 'ready';
    let onNext = () => {};
    let onInitError: (errorType: string, body: Buffer) => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<'ready'>((resolve) => {
          onNext = () => resolve('ready');
          server.on('next', onNext);
        }),
        new Promise<{ errorType: string; body: Buffer }>((resolve) => {
          onInitError = (errorType, body) => resolve({ errorType, body });
          server.on('init-error', onInitError);
        }),
        exited,
        new Promise<'init-timeout'>((resolve) => {
          timer = setTimeout(() => resolve('init-timeout'), INIT_TIMEOUT_MS);
        }),
      ]);
    } finally {
      server.off('next', onNext);
      server.off('init-error', onInitError);
      clearTimeout(timer);
    }
  }

  /** Whichever comes first: the value, the runtime's exit (its reason), or the deadline. */
  async #raceDeadline<T>(
    value: Promise<T>,
    exited: Promise<string>,
    deadline: number,
  ): Promise<T | string | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - performance.now()));
    });
    try {
      return await Promise.race([value, exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #ensureRuntime(): Promise<RuntimeApiServer> {
    this.#server ??= await this.#startServer();
    if (this.#process) return this.#server;
    const { config, runtimeCommand } = this.#options;
    const [command, ...args] = runtimeCommand;
    this.#initDurationMs = undefined;
    this.#peakMemoryMb = 0;
    this.#spawnedAt = performance.now();
    const output = new RuntimeOutput((text) => this.#write(text));
    const child = spawn(command!, [...args, config.handler], {
      cwd: config.taskRoot,
      env: this.#functionEnv(this.#server.address),
      stdio: ['ignore', output.fd, output.fd],
    });
    this.#process = child;
    this.#output = output;
    this.#exited = new Promise<string>((resolve) => {
      child.on('error', (error) => {
        output.close();
        // No process to wait for: the next invocation must spawn one afresh.
        if (this.#process === child) this.#process = undefined;
        resolve(`Runtime failed to start: ${error.message}`);
      });
      child.on('exit', (code, signal) => {
        output.close();
        if (this.#process === child) this.#process = undefined;
        resolve(
          signal
            ? `Runtime exited with error: signal: ${signal === 'SIGKILL' ? 'killed' : signal}`
            : code === 0
              ? 'Runtime exited without providing a reason'
              : `Runtime exited with error: exit status ${code}`,
        );
      });
    });
    return this.#server;
  }

  async #startServer(): Promise<RuntimeApiServer> {
    const server = await RuntimeApiServer.start();
    server.on('next', (at) => {
      if (this.#initDurationMs === undefined && this.#process)
        this.#initDurationMs = at - this.#spawnedAt;
      // Between invocations too: a runtime that later crashes can no longer be read.
      this.#samplePeakMemory();
    });
    return server;
  }

  #functionEnv(runtimeApi: string): NodeJS.ProcessEnv {
    const { config } = this.#options;
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...config.environment,
      AWS_LAMBDA_RUNTIME_API: runtimeApi,
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySizeMb),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(config.timeoutSeconds),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: config.region,
      AWS_DEFAULT_REGION: config.region,
      LAMBDA_TASK_ROOT: config.taskRoot,
      _HANDLER: config.handler,
    };
  }

  #samplePeakMemory(): void {
    const pid = this.#process?.pid;
    if (!pid) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.#peakMemoryMb = Math.max(this.#peakMemoryMb, Math.ceil(kb / 1024));
    } catch {
      // The process is gone or /proc is not there: keep the last reading.
    }
  }

  async #kill(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    // The last chance to read the peak of a runtime that is being killed (a timeout).
    this.#samplePeakMemory();
    this.#process = undefined;
    child.kill('SIGKILL');
    await this.#exited;
  }

  #write(text: string): void {
    const capture = this.#capture;
    if (capture) {
      capture.push(text);
      this.#captured += text.length;
      // Keep the end, not the start: the log tail (X-Amz-Log-Result) must end in REPORT.
      while (this.#captured - capture[0]!.length >= LOG_CAPTURE_LIMIT) {
        this.#captured -= capture.shift()!.length;
      }
    }
    this.#log(text);
  }
}

function timeoutBody(requestId: string, seconds: number): Buffer {
  return errorBody(
    'Sandbox.Timedout',
    `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds`,
  );
}

function exitBody(requestId: string, reason: string): Buffer {
  return errorBody('Runtime.ExitError', `RequestId: ${requestId} Error: ${reason}`);
}

/** An invocation that failed before the runtime got it: it ends when the runtime is gone. */
function failed(errorType: string, body: Buffer, exited: Promise<string>): RuntimeInvokeResult {
  const now = performance.now();
  return {
    kind: 'error',
    errorType,
    body,
    deliveredAt: now,
    answeredAt: now,
    idle: exited.then(() => performance.now()),
  };
}

function errorBody(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}
