// Spawns the built runtime against any Runtime API address, for tests that need a server
// the real RuntimeApiServer cannot imitate (odd statuses, refused connections, held replies).

import { type ChildProcess, spawn } from 'node:child_process';
import { expect } from 'vitest';
import { bootstrapPath, handlersDir } from './paths.js';

export interface RuntimeProcess {
  readonly process: ChildProcess;
  /** Everything the runtime wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** The value of AWS_LAMBDA_RUNTIME_API. */
  readonly runtimeApi: string;
  readonly handler: string;
  readonly taskRoot?: string;
  readonly env?: Record<string, string>;
}

export function spawnRuntime(options: SpawnOptions): RuntimeProcess {
  const taskRoot = options.taskRoot ?? handlersDir;
  const child = spawn(process.execPath, [bootstrapPath, options.handler], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: options.runtimeApi,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: options.handler,
      AWS_LAMBDA_FUNCTION_NAME: 'test-function',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? code ?? -1));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    output: () => output,
    exited,
    alive,
    async stop() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls until `condition` holds; the test's own timeout bounds the wait. */
export async function until(condition: () => boolean, intervalMs = 10): Promise<void> {
  await expect.poll(condition, { timeout: 600_000, interval: intervalMs }).toBe(true);
}

/** Lets the runtime run for a while, for assertions that something did NOT happen. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
