// The shell and tools the offline base image carries, so that a user's Dockerfile step can
// `RUN` a shell command on it as on node:20-slim or AWS's Node.js images. Nothing can be
// pulled offline, so they come from the host, like node: whatever the host's /bin/sh and its
// tools are (dash and coreutils, bash, or busybox), with the libraries they load.
import { realpath, stat } from 'node:fs/promises';
import { delimiter, posix } from 'node:path';

/**
 * What a typical `RUN` line uses. sh runs the shell form; the rest by what a step does:
 * files (ls cat cp mv rm mkdir rmdir chmod chown ln touch find), text and scripts (echo
 * printf grep sed head tail cut tr sort wc xargs basename dirname env pwd id uname true
 * false), archives (tar and gzip, which `tar -z` runs). Others a step needs it COPYs in.
 */
export const SHELL_TOOLS = [
  'sh',
  'ls',
  'cat',
  'cp',
  'mv',
  'rm',
  'mkdir',
  'rmdir',
  'chmod',
  'chown',
  'ln',
  'touch',
  'find',
  'echo',
  'printf',
  'grep',
  'sed',
  'head',
  'tail',
  'cut',
  'tr',
  'sort',
  'wc',
  'xargs',
  'basename',
  'dirname',
  'env',
  'pwd',
  'id',
  'uname',
  'true',
  'false',
  'tar',
  'gzip',
] as const;

export interface HostTool {
  readonly name: string;
  /** The file itself, links resolved: the same file for every name of a multi-call binary. */
  readonly file: string;
}

// System directories first: a tool in /usr/local/bin may be a user's own build of it.
const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** The shell tools this host has (as `found`), and the names it lacks (as `missing`). */
export async function hostShellTools(): Promise<{ found: HostTool[]; missing: string[] }> {
  const dirs = [
    ...new Set([...SYSTEM_DIRS, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)]),
  ];
  const found: HostTool[] = [];
  const missing: string[] = [];
  for (const name of SHELL_TOOLS) {
    // /bin/sh is the host's POSIX shell by definition, whatever else is called sh on its PATH.
    const candidates =
      name === 'sh'
        ? ['/bin/sh', ...dirs.map((d) => posix.join(d, name))]
        : dirs.map((d) => posix.join(d, name));
    let file: string | undefined;
    for (const candidate of candidates) {
      file = await executableFile(candidate);
      if (file) break;
    }
    if (file) found.push({ name, file });
    else missing.push(name);
  }
  return { found, missing };
}

async function executableFile(path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    const s = await stat(real);
    return s.isFile() && s.mode & 0o111 ? real : undefined;
  } catch {
    return undefined;
  }
}
