// The Docker client a caller chose for the whole process (setDefaultDocker). It lives below
// the rooms that use it and names dockerode's type only, so the AWS room can hand it to a
// local cloud it starts without loading dockerode or reaching up into images/.
import type Docker from 'dockerode';

let chosen: Docker | undefined;

/**
 * Makes `client` the Docker client image and container functions use, and the one a local
 * cloud started by connectTarget runs its functions on (another engine, a client with its own
 * timeout or agent); undefined goes back to DOCKER_HOST's.
 */
export function setDefaultDocker(client: Docker | undefined): void {
  chosen = client;
}

/** The client set with setDefaultDocker, if any. */
export function chosenDocker(): Docker | undefined {
  return chosen;
}
