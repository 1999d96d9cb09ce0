// Whether a process a test started (or found) is still alive, read from /proc.
import { readFileSync } from 'node:fs';

/** Whether `pid` is alive (a zombie has ended: it only waits for its parent to reap it). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command's closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
