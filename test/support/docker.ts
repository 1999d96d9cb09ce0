// Small helpers for tests against the real Docker engine: run a command in an image, build a
// throw-away image from a few files, remove images without caring whether they exist.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** A client of its own, so tests never share lambdash's cached one. */
export function testDocker(): Docker {
  return new Docker();
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cmd` in `image` on the host network (these machines have no bridge) and removes the container. */
export async function runInImage(
  image: string,
  cmd: string[],
  options: { user?: string } = {},
): Promise<RunResult> {
  const docker = testDocker();
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    ...(options.user ? { User: options.user } : {}),
    HostConfig: { NetworkMode: 'host' },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { exitCode: StatusCode, ...demux(logs as unknown as Buffer) };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Splits the engine's multiplexed log frames (8-byte header: stream, 0, 0, 0, size) by stream. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let at = 0; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(at + 4);
    const frame = buffer.subarray(at + 8, at + 8 + size);
    (buffer[at] === 2 ? err : out).push(frame);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Builds `tag` from a Dockerfile and files written to a temp folder (removed afterwards). */
export async function buildTestImage(
  tag: string,
  dockerfile: string,
  files: Record<string, string> = {},
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lambdash-test-image-'));
  try {
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const docker = testDocker();
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile', ...Object.keys(files)] },
      { t: tag },
    );
    const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
    const failed = output.find((line) => line.error);
    if (failed) throw new Error(`building ${tag} failed: ${failed.error}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function imageExists(tag: string): Promise<boolean> {
  return testDocker()
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return false;
        throw error;
      },
    );
}

export async function removeImages(...tags: string[]): Promise<void> {
  for (const tag of tags) {
    await testDocker()
      .getImage(tag)
      .remove({ force: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }
}
