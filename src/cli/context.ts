// What every command works with: the global options, the output streams (data on stdout,
// progress and errors on stderr), a signal that Ctrl-C fires, the project file (read once,
// when asked for) and the AWS target (connected when first needed, closed at the end, which
// stops a local cloud this command started).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  type AwsTarget,
  connectTarget,
  escapeControlCharacters,
  LambdashError,
  type LambdashEvent,
  loadProject,
  PROJECT_FILE_NAME,
  type Project,
  readProject,
} from '../core/internal.js';
import { formatJson } from './format.js';
import { ProgressLines } from './progress.js';

export interface GlobalOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly local?: boolean;
  readonly json?: boolean;
  readonly project?: string;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
}

export interface Streams {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

export class CliContext {
  readonly #progress: ProgressLines;
  #project: Promise<Project | undefined> | undefined;
  #target: Promise<AwsTarget> | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly streams: Streams,
    readonly signal: AbortSignal,
  ) {
    this.#progress = new ProgressLines({ verbose: options.verbose ?? false });
  }

  /** Whether a person is at the keyboard: stdin and stderr are terminals. */
  get interactive(): boolean {
    return !!this.streams.stdin.isTTY && !!this.streams.stderr.isTTY;
  }

  /** Passes the core's events to stderr, as lines. */
  readonly onEvent = (event: LambdashEvent): void => {
    const line = this.#progress.lineFor(event);
    if (line !== undefined) this.note(line);
  };

  /** Options for core operations: cancellation and progress. */
  get operation(): { signal: AbortSignal; onEvent: (event: LambdashEvent) => void } {
    return { signal: this.signal, onEvent: this.onEvent };
  }

  /**
   * A line of progress or advice on stderr (not with --quiet). Its control characters (from a
   * path, from build output) are shown escaped, never obeyed by the terminal.
   */
  note(line: string): void {
    if (!this.options.quiet) this.streams.stderr.write(`${terminalSafe(line)}\n`);
  }

  /** A warning on stderr, even with --quiet. */
  warn(line: string): void {
    this.streams.stderr.write(`warning: ${terminalSafe(line)}\n`);
  }

  /** Lines of a command's output on stdout. */
  print(lines: string | readonly string[]): void {
    const text = typeof lines === 'string' ? lines : lines.join('\n');
    this.streams.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** A command's result: with --json one JSON document, else the lines `render` makes. */
  result<T>(data: T, render: (data: T) => string | readonly string[]): void {
    if (this.options.json) this.print(formatJson(data));
    else this.print(render(data));
  }

  /** The terminal's width, for tables; undefined when stdout is not a terminal. */
  get width(): number | undefined {
    return this.streams.stdout.isTTY ? this.streams.stdout.columns : undefined;
  }

  /**
   * The project: --project (a folder holding lambdash.json, or the file), else the nearest
   * lambdash.json from the current folder upwards; undefined when there is none.
   */
  project(): Promise<Project | undefined> {
    this.#project ??= this.#loadProject();
    return this.#project;
  }

  /** The folder a new project file goes in: --project, else the current folder. */
  projectDir(): string {
    const given = this.options.project;
    if (!given) return process.cwd();
    const absolute = path.resolve(given);
    return path.basename(absolute) === PROJECT_FILE_NAME ? path.dirname(absolute) : absolute;
  }

  async requireProject(): Promise<Project> {
    const project = await this.project();
    if (project) return project;
    throw new LambdashError(
      'RESPONDER_NOT_FOUND',
      `There is no ${PROJECT_FILE_NAME} in ${this.options.project ? path.resolve(this.options.project) : `${process.cwd()} or a folder above it`}.`,
      'Name a responder by its path (lambdash build ./handler.ts), or start a project with `lambdash new <name>`.',
    );
  }

  async #loadProject(): Promise<Project | undefined> {
    const given = this.options.project;
    if (!given) return loadProject();
    const absolute = path.resolve(given);
    if (existsSync(absolute) && statSync(absolute).isFile()) return readProject(absolute);
    const file = path.join(absolute, PROJECT_FILE_NAME);
    return existsSync(file) ? readProject(file) : undefined;
  }

  /**
   * The AWS target (AWS or the local cloud), connected once, on first use. The CLI chooses the
   * local cloud when AWS is not configured and starts it when none serves; the `aws.target`
   * event says so ("started for this command").
   */
  target(): Promise<AwsTarget> {
    this.#target ??= connectTarget({
      ...(this.options.local ? { kind: 'local' as const } : {}),
      ...(this.options.region ? { region: this.options.region } : {}),
      ...(this.options.profile ? { profile: this.options.profile } : {}),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      ...this.operation,
    });
    return this.#target;
  }

  /** Closes what the command opened: the AWS clients, and a local cloud it started. */
  async close(): Promise<void> {
    const target = await this.#target?.catch(() => undefined);
    await target?.close();
  }
}

function terminalSafe(line: string): string {
  return escapeControlCharacters(line, { keepLayout: true });
}
