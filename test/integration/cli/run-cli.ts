// The built `lambdash` binary as a child process, the way a shell or CI runs it: its stdout,
// stderr and exit code. HOME and XDG_DATA_HOME point into a temporary folder (no AWS
// credentials of this machine, no local cloud state of the user's), AWS_* variables are
// dropped, and base images are never pulled (the machine is offline).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { removeImagesNamed } from '../../support/images.js';
import { repoRoot } from '../../support/paths.js';
import { startTestTarget, type TestTarget } from '../../support/target.js';

export const binPath = path.join(repoRoot, 'bin', 'lambdash.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (closed at once without). */
  readonly input?: string;
}

const temps: string[] = [];

/** A temporary folder, removed by removeTemps(). */
export function tempDir(prefix = 'lambdash-cli-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A name for images, repositories and functions of one test: unique per run. */
export function uniqueName(what: string): string {
  return `clitest-${what}-${randomBytes(3).toString('hex')}`;
}

let home: string | undefined;

/** The environment the binary runs with. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  home ??= tempDir('lambdash-cli-home-');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('npm_')) env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    // Type-check results are worth keeping between runs; they hold nothing of the user's.
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    LAMBDASH_NO_PULL: '1',
    NO_COLOR: '1',
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `lambdash ...args`; the caller waits with `finished`. */
export function startCli(
  args: readonly string[],
  options: CliOptions,
): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  finished: Promise<CliResult>;
} {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin!.end(options.input ?? '');
  const finished = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, finished };
}

/** Runs `lambdash ...args` to its end. */
export function lambdash(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).finished;
}

/** Resolves once `read()` matches, or rejects after `ms` with what was read. */
export async function waitFor(
  read: () => string,
  pattern: RegExp,
  ms = 30_000,
): Promise<RegExpExecArray> {
  return vi.waitFor(
    () => {
      const text = read();
      const match = pattern.exec(text);
      if (!match) throw new Error(`Timed out waiting for ${pattern}; read:\n${text}`);
      return match;
    },
    { timeout: ms, interval: 50 },
  );
}

/** stdout parsed as the one JSON document --json promises. */
export function jsonOf(result: CliResult): unknown {
  return JSON.parse(result.stdout);
}

/** A responder of a test project: its code (TypeScript) and the rest of its entry. */
export interface TestResponder {
  readonly name: string;
  readonly code?: string;
  readonly entry?: Record<string, unknown>;
}

/**
 * The handler test projects use: greets, says which STAGE it runs in, fails when asked, and
 * logs `log` characters when asked.
 */
export const GREETER = `export const handler = async (event: { name?: string; fail?: boolean; log?: number }) => {
  if (event.fail) throw new TypeError('asked to fail');
  if (event.log) console.log('x'.repeat(event.log));
  return { message: \`Hello, \${event.name ?? 'world'}!\`, stage: process.env.STAGE ?? 'local' };
};
`;

/** A project folder with lambdash.json and each responder's code in <name>/handler.ts. */
export function writeProject(responders: readonly TestResponder[]): string {
  const dir = tempDir('lambdash-cli-project-');
  for (const responder of responders) {
    mkdirSync(path.join(dir, responder.name));
    writeFileSync(path.join(dir, responder.name, 'handler.ts'), responder.code ?? GREETER);
  }
  writeFileSync(
    path.join(dir, 'lambdash.json'),
    `${JSON.stringify(
      {
        responders: responders.map((r) => ({
          name: r.name,
          source: `${r.name}/handler.ts`,
          testData: {
            payload: { name: 'Ada' },
            expected: { message: 'Hello, Ada!', stage: 'local' },
          },
          ...r.entry,
        })),
      },
      null,
      2,
    )}\n`,
  );
  return dir;
}

/**
 * Removes the local images of these names and their containers: tagged, pushed
 * (`127.0.0.1:PORT/name`), known by a digest only, or left untagged by a rebuild.
 */
export async function removeImages(names: readonly string[]): Promise<void> {
  await removeImagesNamed(...names);
}

/** stderr from its `error:` line on (progress lines before it left out). */
export function errorOf(result: CliResult): string[] {
  const lines = result.stderr.split('\n');
  const at = lines.findIndex((line) => line.startsWith('error: '));
  return at < 0 ? [] : lines.slice(at);
}

export interface CloudProject {
  /** The project folder. */
  readonly project: string;
  /** A local cloud of the test file's own (none with `cloud: false`). */
  readonly cloud: TestTarget;
  /** `--endpoint <its url>`, for the command line. */
  readonly endpoint: string[];
}

/**
 * A project of these responders and a local cloud (unless `cloud: false`) for one test file,
 * made before its tests (the `deploy` responders deployed, the `build` ones built, both without
 * their tests) and removed after them, with their images.
 */
export function projectFixture(
  responders: readonly TestResponder[],
  setup: { deploy?: readonly string[]; build?: readonly string[]; cloud?: boolean } = {},
): CloudProject {
  const fixture = { endpoint: [] as string[] } as {
    project: string;
    cloud: TestTarget;
    endpoint: string[];
  };
  beforeAll(async () => {
    if (setup.cloud !== false) {
      fixture.cloud = await startTestTarget();
      fixture.endpoint = ['--endpoint', fixture.cloud.cloud.endpoint];
    }
    fixture.project = writeProject(responders);
    for (const [command, names] of [
      ['deploy', setup.deploy],
      ['build', setup.build],
    ] as const) {
      if (!names?.length) continue;
      const result = await lambdash([command, ...names, '--no-test', '-q', ...fixture.endpoint], {
        cwd: fixture.project,
      });
      expect(result.code, result.stderr).toBe(0);
    }
  }, 180_000);
  afterAll(async () => {
    await fixture.cloud?.stop();
    await removeImages(responders.map((r) => r.name));
    removeTemps();
  });
  return fixture;
}
