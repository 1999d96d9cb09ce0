// Runs the emulator the way users do: the built entry as a child process, invoked over its
// real HTTP Invoke API. Tests read its stdout (the function's log) and its HTTP answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { bootstrapPath } from './paths.js';

export interface EmulatorCli {
  readonly process: ChildProcess;
  /** The invoke URL printed on the first stdout line. */
  readonly url: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches, or rejects with what was printed after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  invoke(body: string | Buffer, headers?: Record<string, string>): Promise<InvokeAnswer>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface InvokeAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: unknown;
}

export interface CliOptions {
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
}

/** Spawns `node bootstrap.cjs ...args` without AWS_LAMBDA_RUNTIME_API, so it is the emulator. */
export function spawnEmulator(options: CliOptions): {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const { AWS_LAMBDA_RUNTIME_API: _api, _HANDLER: _handler, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [bootstrapPath, ...options.args], {
    env: { ...parentEnv, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

export async function startEmulatorCli(options: CliOptions): Promise<EmulatorCli> {
  const { process: child, stdout, stderr, exited } = spawnEmulator(options);
  const waitForStdout = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout().match(pattern);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `stdout never matched ${pattern}\n--- stdout ---\n${stdout()}\n--- stderr ---\n${stderr()}`,
          ),
        );
      }, timeoutMs);
      const onExit = () => {
        // Let the last output arrive, then give up if it still does not match.
        setImmediate(() => {
          check();
          done();
          reject(
            new Error(`emulator exited\n--- stdout ---\n${stdout()}\n--- stderr ---\n${stderr()}`),
          );
        });
      };
      const done = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout!.on('data', check);
      child.once('exit', onExit);
      check();
    });

  const [, url] = (await waitForStdout(/^lambdash emulator: .* invoke with POST (\S+)\n/)) as [
    string,
    string,
  ];
  return {
    process: child,
    url,
    stdout,
    stderr,
    waitForStdout,
    exited,
    async invoke(body, headers = {}) {
      const response = await fetch(url, { method: 'POST', body, headers });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One invocation's lines in the emulator's stdout, from START to REPORT. */
export interface InvocationLog {
  readonly requestId: string;
  /** Lines between START and END, exclusive. */
  readonly body: string[];
  readonly startIndex: number;
  readonly endIndex: number;
  readonly report: string;
}

export function invocationLog(stdout: string, requestId: string): InvocationLog {
  const lines = stdout.split('\n');
  const startIndex = lines.indexOf(`START RequestId: ${requestId} Version: $LATEST`);
  const endIndex = lines.indexOf(`END RequestId: ${requestId}`);
  const report = lines[endIndex + 1] ?? '';
  if (startIndex < 0 || endIndex < startIndex || !report.startsWith('REPORT ')) {
    throw new Error(`no START..END..REPORT for ${requestId} in:\n${stdout}`);
  }
  return {
    requestId,
    body: lines.slice(startIndex + 1, endIndex),
    startIndex,
    endIndex,
    report,
  };
}

/** A REPORT line's fields, parsed strictly: the whole line must have Lambda's shape. */
export interface ParsedReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
}

const REPORT_LINE =
  /^REPORT RequestId: (\S+)\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(?:Init Duration: (\d+\.\d\d) ms\t)?$/;

export function parseReport(line: string): ParsedReport {
  const match = REPORT_LINE.exec(line);
  if (!match) throw new Error(`not a REPORT line: ${JSON.stringify(line)}`);
  return {
    requestId: match[1]!,
    durationMs: Number(match[2]),
    billedMs: Number(match[3]),
    memorySizeMb: Number(match[4]),
    maxMemoryUsedMb: Number(match[5]),
    initDurationMs: match[6] === undefined ? undefined : Number(match[6]),
  };
}
