// The shared libraries a host binary loads, as `ldd` lists them: what the offline base image
// copies beside node and the shell tools so that they run FROM scratch.
import { LambdashError } from '../common/errors.js';
import { runTool, ToolFailure } from '../common/run-tool.js';

/** The absolute paths `ldd` lists for a binary, the dynamic loader included. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    stdout = await runTool('ldd', [binary]);
  } catch (error) {
    const text = error instanceof ToolFailure ? `${error.stdout}${error.stderr}` : '';
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new LambdashError(
      'BASE_IMAGE_FAILED',
      `Could not list the shared libraries of ${binary} with ldd: ${error instanceof ToolFailure ? error.tail(3) : String(error)}`,
      'Install ldd (Debian: libc-bin), or pull a Node image while online (`docker pull node:20-slim`).',
      { cause: error },
    );
  }
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    if (/=>\s*not found/.test(line)) {
      throw new LambdashError(
        'BASE_IMAGE_FAILED',
        `${binary} needs a shared library this machine lacks: ${line.trim()}`,
        'Fix the host installation, or pull a Node image while online.',
      );
    }
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)?.[1];
    if (path) libs.push(path);
  }
  return libs;
}
