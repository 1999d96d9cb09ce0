// The Docker engine connection: DOCKER_HOST or the usual socket, one client per engine (or the
// one a caller set with setDefaultDocker), and errors that say how to get an engine running
// instead of a bare ECONNREFUSED.
import Docker from 'dockerode';
import { chosenDocker } from '../common/default-docker.js';
import { abortedBy, LambdashError } from '../common/errors.js';
import { sweepInBackground } from './leftovers.js';

/** Kept per DOCKER_HOST: the removals this process still owes an engine are kept per client. */
const clients = new Map<string, Docker>();

/**
 * The Docker client every image and container function uses: the one set with
 * setDefaultDocker, else one for the engine named by DOCKER_HOST (or the local socket).
 */
export function getDefaultDocker(): Docker {
  const chosen = chosenDocker();
  if (chosen) return chosen;
  const host = process.env.DOCKER_HOST ?? '';
  let client = clients.get(host);
  if (!client) {
    // dockerode reads DOCKER_HOST (unix://, tcp://, ssh://) itself.
    client = new Docker();
    clients.set(host, client);
  }
  return client;
}

/**
 * The default client, for the core's own calls. Every use may start a sweep of what earlier
 * processes left on its engine (leftovers.ts): the first, and later ones while this process
 * has removals to retry.
 */
export function getDocker(): Docker {
  const client = getDefaultDocker();
  sweepInBackground(client);
  return client;
}

export interface DockerEngineInfo {
  readonly version: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
  /** How containers reach the host: `host` networking, or a bridge with published ports. */
  readonly network: 'host' | 'bridge';
}

/** Kept per client, and so per engine. */
const engineInfo = new WeakMap<Docker, Promise<DockerEngineInfo>>();

/**
 * Asks the default client's engine who it is (once per process and client); throws
 * DOCKER_UNAVAILABLE when none answers, and asks again next time.
 */
export function getDockerEngine(): Promise<DockerEngineInfo> {
  // The cache is looked in first: a known engine's answer starts no sweep (getDocker would).
  const known = engineInfo.get(getDefaultDocker());
  if (known) return known;
  const docker = getDocker();
  const asking = (async (): Promise<DockerEngineInfo> => {
    try {
      const [version, networks] = await Promise.all([docker.version(), docker.listNetworks()]);
      const forced = process.env.LAMBDASH_DOCKER_NETWORK;
      const network =
        forced === 'host' || forced === 'bridge'
          ? forced
          : networks.some((n) => n.Name === 'bridge')
            ? 'bridge'
            : 'host';
      return {
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: version.Os,
        arch: version.Arch,
        network,
      };
    } catch (error) {
      throw dockerError(error, 'reach the Docker engine');
    }
  })();
  engineInfo.set(docker, asking);
  asking.catch(() => engineInfo.delete(docker));
  return asking;
}

/** Where the default client calls, for errors: its socket or host, else DOCKER_HOST's. */
function engineAddress(): string {
  const modem = chosenDocker()?.modem as
    | { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown }
    | undefined;
  if (typeof modem?.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem?.host === 'string') {
    return `${typeof modem.protocol === 'string' ? modem.protocol : 'http'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  }
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** Turns what dockerode throws into an error that says what to do. */
export function dockerError(error: unknown, doing: string): LambdashError {
  if (error instanceof LambdashError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const where = engineAddress();
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new LambdashError(
      'DOCKER_UNAVAILABLE',
      `Could not ${doing}: no Docker engine answers at ${where}.`,
      "Start the engine (`sudo systemctl start docker`, or run `dockerd`; on this project's machines `sudo bash scripts/provision.sh`), or point DOCKER_HOST at one.",
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new LambdashError(
      'DOCKER_UNAVAILABLE',
      `Could not ${doing}: permission denied on ${where}.`,
      'Add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again) or run as root.',
      { cause: error },
    );
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  const message =
    typeof json?.message === 'string'
      ? json.message
      : error instanceof Error
        ? error.message
        : String(error);
  return new LambdashError(
    'DOCKER_FAILED',
    `Could not ${doing}: ${message}${typeof status === 'number' ? ` (Docker answered ${status})` : ''}`,
    undefined,
    { cause: error },
  );
}

/**
 * An image's details, or undefined when the engine has none by that reference (404, or 400 for
 * a reference it cannot parse: either way there is no such image).
 */
export async function inspectImage(
  reference: string,
  signal?: AbortSignal,
): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await getDocker().getImage(reference).inspect();
  } catch (error) {
    const aborted = abortedBy(error, signal, `Looking up the image ${reference}`);
    if (aborted) throw aborted;
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (status === 404 || status === 400) return undefined;
    throw dockerError(error, `look up the image ${reference}`);
  }
}
