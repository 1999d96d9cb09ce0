// Runs the built runtime as a real process against a real RuntimeApiServer on loopback, so
// tests see exactly what the Lambda service would: posts, headers, exits and log lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  RuntimeApiServer,
  type RuntimeInvokeRequest,
  type RuntimeInvokeResult,
} from '../../runtime/emulator/runtime-api-server.js';
import { bootstrapPath, handlersDir } from './paths.js';

export interface RuntimeHarness {
  readonly server: RuntimeApiServer;
  readonly process: ChildProcess;
  /** Everything the runtime wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  invoke(event: unknown, request?: Partial<RuntimeInvokeRequest>): Promise<RuntimeInvokeResult>;
  /** Invokes and parses a buffered answer's body as JSON. */
  invokeJson(
    event: unknown,
    request?: Partial<RuntimeInvokeRequest>,
  ): Promise<{ kind: string; errorType?: string; body: unknown }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly handler: string;
  readonly taskRoot?: string;
  readonly env?: Record<string, string>;
  /** Another runtime's command line (the handler is appended), e.g. aws-lambda-ric. */
  readonly command?: readonly string[];
}

export async function startRuntime(options: HarnessOptions): Promise<RuntimeHarness> {
  const server = await RuntimeApiServer.start();
  const taskRoot = options.taskRoot ?? handlersDir;
  const [command, ...args] = options.command ?? [process.execPath, bootstrapPath];
  const child = spawn(command!, [...args, options.handler], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: server.address,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: options.handler,
      AWS_LAMBDA_FUNCTION_NAME: 'test-function',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-function',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
      AWS_REGION: 'us-east-1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? code ?? -1));
  });

  const invoke = (event: unknown, request: Partial<RuntimeInvokeRequest> = {}) =>
    server.invoke({
      requestId: randomUUID(),
      payload: Buffer.isBuffer(event) ? event : Buffer.from(JSON.stringify(event)),
      deadlineMs: Date.now() + 30_000,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-function',
      ...request,
    });

  return {
    server,
    process: child,
    output: () => output,
    exited,
    invoke,
    async invokeJson(event, request) {
      const result = await invoke(event, request);
      if (result.kind === 'stream') throw new Error('expected a buffered answer, got a stream');
      const text = result.body.toString('utf8');
      return {
        kind: result.kind,
        errorType: result.kind === 'error' ? result.errorType : undefined,
        body: text === '' ? undefined : JSON.parse(text),
      };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await server.close();
    },
  };
}
