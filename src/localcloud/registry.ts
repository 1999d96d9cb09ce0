// The image registry behind the local ECR: Debian's `docker-registry` (distribution/registry
// v2.8) started on 127.0.0.1 with a generated config and supervised (restarted with backoff if
// it dies), or a registry the user already runs. ECR answers from this registry's own HTTP API,
// and `docker push` talks to it directly, so the two never disagree.
//
//   startRegistry({ dataDir, port? }) → { url: 'http://127.0.0.1:PORT', host: '127.0.0.1:PORT',
//                                         rootDirectory, credentials, pid, restarts, stop() }
//   startRegistry({ url: 'http://127.0.0.1:5000' }) → the same handle for a registry we don't run.
//
// The registry we run asks for HTTP basic auth (user `AWS`, a password made for each start; see
// registry-auth.ts), as ECR asks for its token: a web page or another local user cannot push or
// pull without it. It dies with the process that started it, and a start first stops a registry
// an earlier run left on the same data folder (registry-process.ts), so the caller must own the
// folder (the local cloud holds its lock). A user's registry is used as it is, without auth:
// whoever runs it decides who may reach it.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  basicAuthorization,
  newRegistryCredentials,
  type RegistryCredentials,
  writeHtpasswd,
  writePrivateFile,
} from './registry-auth.js';
import {
  findExecutable,
  forgetRegistry,
  recordRegistry,
  registryEnvironment,
  spawnRegistryProcess,
  stopStaleRegistry,
} from './registry-process.js';

export interface RegistryOptions {
  /** The local cloud's data dir: images go under `<dataDir>/registry`. */
  readonly dataDir?: string;
  /** A fixed port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** A registry the user runs (e.g. `http://127.0.0.1:5000`): used as is, nothing is started. */
  readonly url?: string;
  /** The registry binary; `docker-registry` on PATH by default. */
  readonly command?: string;
  /** How long one start may take before it counts as failed (default 15 s). */
  readonly readyTimeoutMs?: number;
  /** Told about restarts, so a caller can log them. */
  readonly onEvent?: (event: RegistryEvent) => void;
}

export type RegistryEvent =
  | { readonly type: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly type: 'restarted'; readonly pid: number; readonly restarts: number }
  | { readonly type: 'restart-failed'; readonly error: Error };

export interface Registry {
  /** `http://127.0.0.1:PORT`: ECR's proxyEndpoint. */
  readonly url: string;
  /** `127.0.0.1:PORT`: the host part of repository URIs and image references. */
  readonly host: string;
  /** The registry's storage on disk, when we run it (lets ECR untag, which the v2 API can't). */
  readonly rootDirectory?: string;
  /** What the registry we run asks for (HTTP basic auth); undefined for a user's registry. */
  readonly credentials?: RegistryCredentials;
  /** The running registry process, if we run one (changes when the supervisor restarts it). */
  readonly pid: number | undefined;
  /** How many times the supervisor has restarted it. */
  readonly restarts: number;
  stop(): Promise<void>;
}

/** The registry could not be started or reached; `hint` says what to do. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const STDERR_TAIL_BYTES = 8 * 1024;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
/** A registry that stayed up this long restarts from the shortest backoff again. */
const HEALTHY_AFTER_MS = 10_000;

export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  if (options.url) return attachExistingRegistry(options.url, options.readyTimeoutMs ?? 15_000);
  if (!options.dataDir)
    throw new RegistryError('startRegistry needs a dataDir (or the url of a running registry).');
  const registry = new SupervisedRegistry(options, options.dataDir);
  await registry.start();
  return registry;
}

async function attachExistingRegistry(url: string, timeoutMs: number): Promise<Registry> {
  // No credentials: the local cloud cannot log in to a registry it did not configure.
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new RegistryError(`The registry URL ${url} is not http(s).`);
  const base = `${parsed.protocol}//${parsed.host}`;
  const status = await probe(base, Math.min(timeoutMs, 5_000));
  if (status !== 200) {
    throw new RegistryError(
      status === undefined
        ? `No registry answers at ${base}.`
        : `The registry at ${base} answered GET /v2/ with ${status}, not 200.`,
      status === 401
        ? 'The local cloud needs a registry without authentication; or omit the registry URL and let it run its own, which asks for the ECR token.'
        : 'Start it, or let the local cloud run its own registry (omit the registry URL).',
    );
  }
  return { url: base, host: parsed.host, pid: undefined, restarts: 0, stop: async () => {} };
}

class SupervisedRegistry implements Registry {
  url = '';
  host = '';
  readonly rootDirectory: string;
  restarts = 0;
  readonly #options: RegistryOptions;
  readonly #dataDir: string;
  readonly #configPath: string;
  readonly #htpasswdPath: string;
  readonly #credentials = newRegistryCredentials();
  #port = 0;
  #child: ChildProcess | undefined;
  #stopping = false;
  #backoffMs = MIN_BACKOFF_MS;
  #restartTimer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  readonly #killOnExit = () => this.#child?.kill('SIGKILL');

  constructor(options: RegistryOptions, dataDir: string) {
    this.#options = options;
    // Absolute, so the registry's cmdline names the same config whatever the working folder.
    this.#dataDir = path.resolve(dataDir);
    this.rootDirectory = path.join(this.#dataDir, 'registry');
    this.#configPath = path.join(this.#dataDir, 'registry.yml');
    this.#htpasswdPath = path.join(this.#dataDir, 'registry.htpasswd');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  // A getter, not a field: the password stays out of console.log and JSON of the handle.
  get credentials(): RegistryCredentials {
    return this.#credentials;
  }

  async start(): Promise<void> {
    await mkdir(this.rootDirectory, { recursive: true });
    // A registry an earlier run left (its parent SIGKILLed where setpriv is missing) would
    // serve this storage beside ours.
    const stale = await stopStaleRegistry(this.#dataDir, this.#configPath);
    if (stale && !stale.stopped) {
      throw new RegistryError(
        `A registry left by an earlier run (pid ${stale.pid}) still serves ${this.rootDirectory} and did not stop when signalled.`,
        `Stop it yourself (\`sudo kill -9 ${stale.pid}\` if another user started it), then start the local cloud again.`,
      );
    }
    await writeHtpasswd(this.#htpasswdPath, this.#credentials);
    // A free port can be taken between our probe and the registry's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      this.#port = this.#options.port ?? (await freePort());
      this.host = `127.0.0.1:${this.#port}`;
      this.url = `http://${this.host}`;
      await this.#writeConfig();
      try {
        await this.#spawn();
        break;
      } catch (error) {
        const inUse = /address already in use/i.test((error as Error).message);
        if (!inUse || this.#options.port !== undefined || attempt >= 3) throw error;
      }
    }
    // The registry must not outlive the local cloud's process.
    process.on('exit', this.#killOnExit);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    process.off('exit', this.#killOnExit);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      await forgetRegistry(this.#dataDir, child?.pid);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await forgetRegistry(this.#dataDir, child.pid);
  }

  async #writeConfig(): Promise<void> {
    // distribution v2.8's format; JSON strings are valid YAML scalars, so paths need no escaping.
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(this.rootDirectory)}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${JSON.stringify(this.host)}`,
      // A fixed secret silences the registry's warning about a generated one.
      `  secret: ${JSON.stringify(randomBytes(16).toString('hex'))}`,
      'auth:',
      '  htpasswd:',
      '    realm: "lambdash local ECR"',
      `    path: ${JSON.stringify(this.#htpasswdPath)}`,
      '',
    ].join('\n');
    // 0600: the config holds the registry's HTTP secret.
    await writePrivateFile(this.#configPath, config);
  }

  /** Spawns the registry and resolves once GET /v2/ answers 200; rejects with its stderr. */
  async #spawn(): Promise<void> {
    const command = this.#options.command ?? 'docker-registry';
    // Looked up first: under setpriv a missing binary is setpriv's exit code, not ENOENT.
    if (!(await findExecutable(command, registryEnvironment().PATH ?? ''))) {
      throw notInstalled(command);
    }
    const child = await spawnRegistryProcess(command, this.#configPath);
    this.#child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const exited = new Promise<Error>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ENOENT' ? notInstalled(command, error) : error),
      );
      child.once('exit', (code, signal) =>
        resolve(
          new RegistryError(
            `The registry exited (${signal ?? `code ${code}`}) before it answered on ${this.url}.` +
              (stderr.trim() ? `\n${stderr.trim()}` : ''),
          ),
        ),
      );
    });
    const timeoutMs = this.#options.readyTimeoutMs ?? 15_000;
    const authorization = basicAuthorization(this.#credentials);
    // Recorded before it is ready: a crash while it starts must not leave it unknown.
    const recorded =
      child.pid === undefined
        ? Promise.resolve()
        : recordRegistry(this.#dataDir, { pid: child.pid, command, configPath: this.#configPath });
    const outcome = await Promise.race([
      exited,
      recorded.then(
        () => waitUntilReady(this.url, timeoutMs, () => child.exitCode !== null, authorization),
        (error: Error) => error,
      ),
    ]);
    if (outcome !== true) {
      // Asked before it is killed: a registry that answers, but 401, has another password file.
      const refused = outcome === false && (await probe(this.url, 1_000, authorization)) === 401;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (outcome instanceof Error) throw outcome;
      throw new RegistryError(
        `The registry did not answer on ${this.url} within ${timeoutMs} ms` +
          (refused ? ' with 200: it refused its own credentials (401).' : '.') +
          (stderr.trim() ? `\n${stderr.trim()}` : ''),
        refused
          ? `Check that nothing else rewrites ${this.#htpasswdPath}, then start again.`
          : undefined,
      );
    }
    this.#startedAt = Date.now();
    child.once('exit', (code, signal) => this.#onExit(child, code, signal));
  }

  #onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.#stopping || child !== this.#child) return;
    this.#options.onEvent?.({ type: 'exited', code, signal });
    if (Date.now() - this.#startedAt >= HEALTHY_AFTER_MS) this.#backoffMs = MIN_BACKOFF_MS;
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.#spawn().then(
        () => {
          if (this.#stopping) {
            this.#child?.kill('SIGTERM');
            return;
          }
          this.restarts++;
          this.#options.onEvent?.({
            type: 'restarted',
            pid: this.#child?.pid ?? 0,
            restarts: this.restarts,
          });
        },
        (error: Error) => {
          this.#options.onEvent?.({ type: 'restart-failed', error });
          if (!this.#stopping) this.#scheduleRestart();
        },
      );
    }, delay);
    // A pending restart must not keep a process alive that has nothing else to do.
    this.#restartTimer.unref();
  }
}

function notInstalled(command: string, cause?: Error): RegistryError {
  return new RegistryError(
    `The registry binary \`${command}\` is not installed.`,
    'Install it with `sudo bash scripts/provision.sh` (or `sudo apt-get install docker-registry`).',
    cause ? { cause } : undefined,
  );
}

/**
 * Polls GET /v2/ with our credentials until it answers 200 (true), the process died, or time
 * ran out (false). Without them the registry answers 401, which says nothing about readiness.
 */
async function waitUntilReady(
  url: string,
  timeoutMs: number,
  died: () => boolean,
  authorization: string,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (died()) return false;
    if ((await probe(url, 1_000, authorization)) === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** The status of GET <base>/v2/, or undefined when nothing answers. */
async function probe(
  base: string,
  timeoutMs: number,
  authorization?: string,
): Promise<number | undefined> {
  try {
    const response = await fetch(`${base}/v2/`, {
      signal: AbortSignal.timeout(timeoutMs),
      ...(authorization ? { headers: { authorization } } : {}),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

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
