// The external tools lambdash runs (git, npm): never through a shell, without prompts, with
// cancellation as ABORTED and a failure that carries the tool's own words.
import { execFile } from 'node:child_process';
import { abortedBy } from './errors.js';
import { emit, type OperationOptions } from './events.js';

export interface ToolOptions extends OperationOptions {
  readonly cwd?: string;
  /** Added to (or replacing) the environment the tool gets. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A tool that could not run (`missing`) or ended with a failure. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';

  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly missing: boolean,
    readonly stderr: string,
    readonly stdout: string,
    cause: unknown,
  ) {
    super(`${tool} ${missing ? 'is not installed' : 'failed'}`, { cause });
  }

  /** The last lines of the tool's error output, or the failure's own message. */
  tail(lines = 15, skip?: RegExp): string {
    const kept = this.stderr
      .split('\n')
      .filter((line) => line.trim() && !skip?.test(line))
      .slice(-lines)
      .join('\n');
    return kept || (this.cause instanceof Error ? this.cause.message : this.message);
  }
}

/** Runs a tool; resolves with its standard output. Throws ABORTED or a ToolFailure. */
export function runTool(
  tool: string,
  args: readonly string[],
  options: ToolOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        signal: options.signal,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(String(stdout));
        const aborted = abortedBy(error, options.signal, `${tool} ${args[0] ?? ''}`.trim());
        if (aborted) return reject(aborted);
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new ToolFailure(tool, args, missing, String(stderr), String(stdout), error));
      },
    );
  });
}

/**
 * Runs npm for lambdash's own installs (emitting `npm.install`). Variables npm sets for a
 * running script (`npm test` that calls lambdash...) would point the child at that project:
 * they are left out; the user's own npm configuration (npm_config_*) is kept.
 */
export function runNpm(args: readonly string[], cwd: string, options: OperationOptions = {}) {
  emit(options, { type: 'npm.install', dir: cwd, command: `npm ${args.join(' ')}` });
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) {
    if (/^(npm_config_local_prefix|npm_package_|npm_lifecycle_|npm_command$|INIT_CWD$)/i.test(key))
      env[key] = undefined;
  }
  return runTool('npm', args, { cwd, env, signal: options.signal });
}
