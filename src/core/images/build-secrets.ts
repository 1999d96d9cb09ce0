// Build secrets: values a build's RUN steps read at /run/secrets/<id> (the warm-up, and steps a
// dockerfileUpdate adds with `--mount=type=secret,id=<id>`) that no layer, history entry or
// image config keeps, unlike build args. They need the engine's BuildKit and a session (see
// buildkit-session.ts); an engine without them is refused before anything is built.
import { readFile, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import { validateSecretId } from '../common/names.js';
import { type BuildSession, openBuildSession } from './buildkit-session.js';
import { dockerError, getDocker, getDockerEngine } from './docker.js';

/** A secret's value as the library takes it. */
export type BuildSecretValue = string | Uint8Array;

/**
 * Where a secret's value comes from, as the project file and `--secret` name it (never the value
 * itself, which would then sit in a file people commit): an environment variable, or a file.
 */
export type BuildSecretSource = { readonly env: string } | { readonly file: string };

// An id becomes a file name under /run/secrets and a word of the Dockerfile's mounts.
export /** BuildKit's own limit on a secret's size. */
const MAX_SECRET_BYTES = 500 * 1024;
/**
 * The engine API whose built-in Dockerfile frontend takes `RUN --mount=type=secret` (Docker
 * 20.10); older BuildKit engines would fail late or try to pull a frontend image.
 */
const BUILDKIT_API = [1, 41];

export const SECRETS_HINT =
  'Give it as --secret id=<id>,env=<VARIABLE> or id=<id>,src=<file> (lambdash build, deploy), as { "env": "<VARIABLE>" } or { "file": "<path>" } in lambdash.json, or as a string in the secrets option (createLocalImage).';

/** Checks ids and values; the values as bytes. */
export function validateBuildSecrets(
  secrets: Readonly<Record<string, BuildSecretValue>> = {},
): Record<string, Uint8Array> {
  const checked: Record<string, Uint8Array> = {};
  for (const [id, value] of Object.entries(secrets)) {
    validateSecretId(id);
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new LambdashError(
        'INVALID_OPTION',
        `The build secret "${id}" has no value (a string or bytes).`,
        SECRETS_HINT,
      );
    }
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    if (bytes.byteLength > MAX_SECRET_BYTES) {
      throw new LambdashError(
        'INVALID_OPTION',
        `The build secret "${id}" has ${bytes.byteLength} bytes, more than BuildKit's 500 KB.`,
        'Give the build a smaller secret, such as a token that fetches the rest.',
      );
    }
    checked[id] = bytes;
  }
  return checked;
}

/**
 * Reads the secrets' values from where they come from. Files are relative to `dir`; with
 * `insideDir` (the project file's secrets), a file must lie in that folder, symbolic links
 * resolved, as test data must: a project cloned from elsewhere may not hand its own build
 * `~/.aws/credentials`. `~/` names the home folder.
 */
export async function readBuildSecrets(
  sources: Readonly<Record<string, BuildSecretSource>>,
  options: {
    readonly dir?: string;
    readonly insideDir?: boolean;
    readonly env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Record<string, Uint8Array>> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? process.cwd();
  const values: Record<string, BuildSecretValue> = {};
  for (const [id, source] of Object.entries(sources)) {
    validateSecretId(id);
    if ('env' in source) {
      const value = env[source.env];
      if (value === undefined) {
        throw new LambdashError(
          'INVALID_OPTION',
          `The build secret "${id}" comes from the environment variable ${escapeControlCharacters(source.env)}, which is not set.`,
          `Set it before building (export ${escapeControlCharacters(source.env)}=...), or leave the secret out.`,
        );
      }
      values[id] = value;
    } else {
      values[id] = await readSecretFile(id, source.file, dir, options.insideDir ?? false);
    }
  }
  return validateBuildSecrets(values);
}

async function readSecretFile(
  id: string,
  given: string,
  dir: string,
  insideDir: boolean,
): Promise<Buffer> {
  const file = given.startsWith('~/')
    ? path.join(os.homedir(), given.slice(2))
    : path.resolve(dir, given);
  const shown = escapeControlCharacters(file);
  let real: string;
  try {
    real = await realpath(file);
    if (insideDir && !isInside(await realpath(dir), real)) {
      throw new LambdashError(
        'INVALID_PROJECT',
        `${shown} (the build secret "${id}") lies outside the project folder ${escapeControlCharacters(dir)}: lambdash reads a project's secret files only from inside it.`,
        'Give the secret from the command line instead (--secret id=<id>,src=<file>), or take it from an environment variable ({ "env": "<VARIABLE>" }).',
      );
    }
    // Checked before reading: a device (/dev/zero) or a huge file is never read.
    const info = await stat(real);
    if (!info.isFile() || info.size > MAX_SECRET_BYTES) {
      throw new LambdashError(
        'INVALID_OPTION',
        `${shown} (the build secret "${id}") is ${info.isFile() ? `${info.size} bytes, more than BuildKit's 500 KB` : 'not a regular file'}.`,
        'Give the build a small file, such as a token that fetches the rest.',
      );
    }
    return await readFile(real);
  } catch (error) {
    if (error instanceof LambdashError) throw error;
    throw new LambdashError(
      'INVALID_OPTION',
      `The file of the build secret "${id}", ${shown}, cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      'Check the path, and that it is a file you may read.',
      { cause: error },
    );
  }
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return !path.isAbsolute(relative) && relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

/**
 * Refuses (BUILD_SECRETS_UNSUPPORTED) an engine that cannot hand a build its secrets: one older
 * than BuildKit's API, one not on Linux (Windows engines have no BuildKit), or one that
 * answers no session (an engine that only speaks Docker's API). Asked before anything is built.
 */
export async function checkBuildSecretsSupport(): Promise<void> {
  const engine = await getDockerEngine();
  const where = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const unsupported = (reason: string, cause?: unknown) =>
    new LambdashError(
      'BUILD_SECRETS_UNSUPPORTED',
      `The Docker engine at ${where} (Docker ${engine.version}, API ${engine.apiVersion}, ${engine.os}) cannot give a build secrets: ${reason}.`,
      'Build without secrets (leave out --secret and the responder\'s "secrets" in lambdash.json; the secrets option of createLocalImage), or use a Docker engine with BuildKit: Docker 20.10 or later on Linux (`lambdash doctor` shows the engine).',
      cause === undefined ? undefined : { cause },
    );
  if (engine.os !== 'linux') throw unsupported('only engines on Linux have BuildKit');
  if (!apiAtLeast(engine.apiVersion, BUILDKIT_API)) {
    throw unsupported(`BuildKit needs API ${BUILDKIT_API.join('.')} or later`);
  }
  let session: BuildSession;
  try {
    session = await openBuildSession(getDocker(), {});
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && status !== 401) {
      throw unsupported(`it answered ${status} to a session, which BuildKit needs`, error);
    }
    throw dockerError(error, 'open a build session');
  }
  session.close();
}

function apiAtLeast(version: string, [major, minor]: readonly number[]): boolean {
  const [a, b] = version.split('.').map(Number);
  if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
  return a! > major! || (a === major && b! >= minor!);
}

export { validateSecretId } from '../common/names.js';
